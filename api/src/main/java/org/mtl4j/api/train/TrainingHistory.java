package org.mtl4j.api.train;

import java.util.List;

/** What a run leaves behind: per-epoch summaries and the sampled step diagnostics. */
public record TrainingHistory(List<String> tasks, List<EpochSummary> epochs, List<StepDiagnostics> diagnostics,
        String stopReason) {
    public TrainingHistory {
        tasks = List.copyOf(tasks);
        epochs = List.copyOf(epochs);
        diagnostics = List.copyOf(diagnostics);
    }
}
