package org.mtl4j.spark;

import java.util.Map;
import org.mtl4j.api.data.Dataset.DenseStats;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.training.TrainingResult;

/**
 * What {@link SparkTrainer#fit} returns: the usual training result (model and history; no validation
 * evaluation: evaluate the model on held-out data afterwards), the vocabularies and statistics the
 * DataFrame gave, how the step time was spent, and the rows read and skipped.
 */
public record SparkRun(TrainingResult result, Map<String, Vocabulary> vocabularies, Map<String, DenseStats> denseStats,
        StepTimings timings, long rows, long skippedRows) {
}
