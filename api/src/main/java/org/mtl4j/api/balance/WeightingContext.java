package org.mtl4j.api.balance;

/**
 * One step as a loss weighting sees it.
 *
 * @param step updates applied so far (0 on the first step)
 * @param epoch current epoch (0-based)
 * @param losses this batch's per-task losses (unweighted, task order)
 * @param labelled labelled rows per task in this batch (0: the task has no label here)
 */
public record WeightingContext(long step, int epoch, double[] losses, int[] labelled) {
}
