/**
 * The one backend-agnostic training loop ({@link org.mtl4j.training.Trainer}): step, loss weighting
 * or gradient aggregation, clipping, update, diagnostics, validation, early stopping and
 * checkpoints; the {@link org.mtl4j.training.Evaluator}; and the stock listeners
 * ({@link org.mtl4j.training.ProgressBar}, {@link org.mtl4j.training.MetricLogger},
 * {@link org.mtl4j.training.HistoryRecorder}).
 */
package org.mtl4j.training;
