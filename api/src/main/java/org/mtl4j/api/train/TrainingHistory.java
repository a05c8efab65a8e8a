package org.mtl4j.api.train;

import java.util.List;

/**
 * What a run leaves behind: per-epoch summaries and the sampled step diagnostics.
 *
 * @param modelEpoch the (0-based) epoch whose weights the trained model holds; -1 before any epoch
 * @param restoredBest whether early stopping restored that epoch's weights as the best one
 */
public record TrainingHistory(List<String> tasks, List<EpochSummary> epochs, List<StepDiagnostics> diagnostics,
        String stopReason, int modelEpoch, boolean restoredBest) {
    public TrainingHistory {
        tasks = List.copyOf(tasks);
        epochs = List.copyOf(epochs);
        diagnostics = List.copyOf(diagnostics);
    }

    /** A history whose model holds the weights of its last epoch. */
    public TrainingHistory(List<String> tasks, List<EpochSummary> epochs, List<StepDiagnostics> diagnostics, String stopReason) {
        this(tasks, epochs, diagnostics, stopReason, epochs.isEmpty() ? -1 : epochs.get(epochs.size() - 1).epoch(), false);
    }

    /** "epoch 3 (best)" or "epoch 5 (last)", numbered from 1 as in the logs; "no epoch" before any. */
    public String modelEpochDescription() {
        if (modelEpoch < 0) {
            return "no epoch";
        }
        return "epoch " + (modelEpoch + 1) + (restoredBest ? " (best)" : " (last)");
    }
}
