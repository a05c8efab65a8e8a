package org.mtl4j.training;

import org.mtl4j.api.backend.TrainableModel;
import org.mtl4j.api.metric.Evaluation;
import org.mtl4j.api.train.TrainingHistory;

/**
 * What {@link Trainer#fit} returns.
 *
 * @param model the trained model (with the best epoch's parameters when early stopping restored them)
 * @param history per-epoch summaries and sampled step diagnostics
 * @param validation the final model's evaluation on the validation data, or null without validation data
 */
public record TrainingResult(TrainableModel model, TrainingHistory history, Evaluation validation) {
}
