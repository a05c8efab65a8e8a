package org.mtl4j.api.train;

import org.mtl4j.api.backend.TaskLosses;
import org.mtl4j.api.spec.ModelSpec;

/** Observes a training run (progress bars, metric logs, early stopping, checkpoints). */
public interface TrainingListener {

    /** @param rowsPerEpoch -1 when unknown */
    default void onStart(ModelSpec spec, long rowsPerEpoch) {
    }

    default void onStep(long step, int epoch, int batchRows, TaskLosses losses, double[] weights) {
    }

    default void onDiagnostics(StepDiagnostics diagnostics) {
    }

    default void onEpochEnd(EpochSummary summary) {
    }

    default void onEnd(TrainingHistory history) {
    }
}
