package org.mtl4j.api.balance;

/**
 * One step as a gradient aggregator sees it.
 *
 * @param losses this batch's per-task losses
 * @param weights the loss weights already applied to the task gradients handed over
 */
public record AggregationContext(long step, int epoch, double[] losses, double[] weights) {
}
