package org.mtl4j.api.train;

import java.util.Map;

/**
 * One epoch: mean training loss and weight per task, validation loss and metrics per task (empty
 * without validation data), rows seen and wall time.
 */
public record EpochSummary(int epoch, Map<String, Double> trainLoss, Map<String, Double> weights,
        Map<String, Double> validationLoss, Map<String, Map<String, Double>> validationMetrics, long rows,
        double seconds) {
}
