package org.mtl4j.api.train;

import java.util.List;
import java.util.Map;

/**
 * A sampled look inside one step: each task's loss, weight and gradient norm on the shared
 * parameters, the pairwise cosine of task gradients (negative = conflict), the fraction of
 * conflicting pairs, clipping events and expert utilisation per gate.
 */
public record StepDiagnostics(long step, int epoch, double[] losses, double[] weights, double[] gradientNorms,
        double[][] cosines, double conflictFraction, double gradientNorm, List<String> clipped,
        Map<String, double[]> gateUtilisation) {
}
