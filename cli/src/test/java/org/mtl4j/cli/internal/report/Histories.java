package org.mtl4j.cli.internal.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.mtl4j.api.train.EpochSummary;
import org.mtl4j.api.train.StepDiagnostics;
import org.mtl4j.api.train.TrainingHistory;

/** Training histories shaped like an MMoE run with clipping: 3 epochs, diagnostics every 10 steps. */
final class Histories {
    private Histories() {
    }

    static TrainingHistory mmoeWithClipping() {
        List<String> tasks = List.of("ctr", "ctcvr");
        List<EpochSummary> epochs = new ArrayList<>();
        List<StepDiagnostics> diags = new ArrayList<>();
        Random r = new Random(7);
        long step = 0;
        for (int e = 0; e < 3; e++) {
            for (int s = 0; s < 5; s++) {
                step += 10;
                double[] w = {1.1 + 0.1 * e, 0.8 - 0.1 * e};
                double[] norms = {1.0 / (e + 1) + r.nextDouble() * 0.1, 0.5 / (e + 1) + r.nextDouble() * 0.1};
                double cos = -0.2 + 0.1 * s;
                double[][] cosines = {{1, cos}, {cos, 1}};
                List<String> clipped = s % 2 == 0 ? List.of("global-norm") : List.of();
                Map<String, double[]> gates = new LinkedHashMap<>();
                gates.put("ctr", new double[] {0.6, 0.3, 0.1});
                gates.put("ctcvr", new double[] {0.2, 0.2, 0.6});
                diags.add(new StepDiagnostics(step, e, new double[] {0.3, 0.1}, w, norms, cosines, cos < 0 ? 1 : 0,
                        norms[0] + norms[1], clipped, gates));
            }
            epochs.add(new EpochSummary(e, Map.of("ctr", 0.33 - 0.02 * e, "ctcvr", 0.075 - 0.005 * e),
                    Map.of("ctr", 1.0, "ctcvr", 1.0), Map.of("ctr", 0.325 - 0.015 * e, "ctcvr", 0.075 - 0.004 * e),
                    Map.of("ctr", Map.of("auc", 0.71 + 0.01 * e)), 1000, 1.5));
        }
        return new TrainingHistory(tasks, epochs, diags, "completed 3 epochs");
    }

    /** A shared-bottom run without clippers or gates and with no diagnostics sampled (epochs from 0, as the trainer numbers them). */
    static TrainingHistory sharedBottomNoDiagnostics() {
        List<EpochSummary> epochs = List.of(
                new EpochSummary(0, Map.of("ctr", 0.33, "ctcvr", 0.07), Map.of("ctr", 1.0, "ctcvr", 1.0), Map.of(), Map.of(), 1000, 1.0),
                new EpochSummary(1, Map.of("ctr", 0.31, "ctcvr", 0.065), Map.of("ctr", 1.0, "ctcvr", 1.0), Map.of(), Map.of(), 1000, 1.0));
        return new TrainingHistory(List.of("ctr", "ctcvr"), epochs, List.of(), "completed 2 epochs");
    }
}
