package org.mtl4j.backend.tribuo.internal;

/**
 * A minibatch as sparse feature rows (compressed sparse rows): row r holds the feature indices
 * {@code idx[ptr[r] .. ptr[r+1])} (sorted, distinct) with values {@code val[..]}; {@code support} is
 * the sorted set of every index the batch touches (the rows its gradients can be non-zero on).
 */
public record Csr(int rows, int[] ptr, int[] idx, double[] val, int[] support) {
}
