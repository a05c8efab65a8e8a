package org.mtl4j.training;

import java.util.ArrayList;
import java.util.List;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.train.EpochSummary;
import org.mtl4j.api.train.StepDiagnostics;
import org.mtl4j.api.train.TrainingHistory;
import org.mtl4j.api.train.TrainingListener;

/**
 * Keeps every epoch summary and sampled step diagnostic of a run, as a {@link TrainingHistory}.
 * The trainer keeps one itself (it is what {@link TrainingResult#history()} and checkpoints hold);
 * add another as a listener to watch a run from outside.
 */
public final class HistoryRecorder implements TrainingListener {
    private List<String> tasks = List.of();
    private final List<EpochSummary> epochs = new ArrayList<>();
    private final List<StepDiagnostics> diagnostics = new ArrayList<>();
    private String stopReason;

    @Override
    public synchronized void onStart(ModelSpec spec, long rowsPerEpoch) {
        tasks = spec.taskNames();
    }

    @Override
    public synchronized void onDiagnostics(StepDiagnostics d) {
        diagnostics.add(d);
    }

    @Override
    public synchronized void onEpochEnd(EpochSummary summary) {
        epochs.add(summary);
    }

    @Override
    public synchronized void onEnd(TrainingHistory history) {
        stopReason = history.stopReason();
    }

    /** Restores a history (a run resumed from a checkpoint continues it). */
    public synchronized void restore(TrainingHistory history) {
        tasks = history.tasks();
        epochs.clear();
        epochs.addAll(history.epochs());
        diagnostics.clear();
        diagnostics.addAll(history.diagnostics());
        stopReason = history.stopReason();
    }

    /** Records why the run stopped (the loop calls it). */
    public synchronized void stopReason(String reason) {
        stopReason = reason;
    }

    /** What was recorded so far. */
    public synchronized TrainingHistory history() {
        return new TrainingHistory(tasks, epochs, diagnostics, stopReason);
    }
}
