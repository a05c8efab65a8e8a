package org.mtl4j.api.backend;

import java.util.List;

/**
 * How the results of S shards of one batch combine into exactly what the whole batch gives: the one
 * place where synchronous data parallelism (threads of one machine, issue 15; executors of a cluster)
 * reduces losses and gradients.
 *
 * <p>Every task loss is the mean over the task's labelled rows (PLE, Tang et al., RecSys 2020, eq. 9):
 * L_k = (1 / N_k) sum_{r labelled} l_k(r). A shard s of the batch holds n_sk of those rows and reports
 * its own mean L_sk, so with N_k = sum_s n_sk and the coefficient c_sk = n_sk / N_k (0 when N_k = 0)
 * <pre>
 *   L_k = sum_s c_sk L_sk                  (losses)
 *   grad L_k = sum_s c_sk grad L_sk          (per-task gradients: what balancers must see)
 *   grad sum_k w_k L_k = sum_s grad sum_k (w_k c_sk) L_sk   (one weighted backward pass per shard)
 * </pre>
 * A shard whose rows carry no label of task k has c_sk = 0 and contributes nothing to it; a task with no
 * labelled row in the whole batch keeps a zero loss and a zero gradient, as on one machine. The masked
 * losses are thus normalised by the GLOBAL per-task counts, never by a shard's, and the result equals the
 * whole batch's up to float rounding (sums run in shard order, so it is deterministic for a fixed S).
 *
 * <p>Use: each shard runs its forward pass and reports its {@link TaskLosses}; {@link #coefficients}
 * gives c; per-task gradients are reduced with {@link #taskGradients}, a weighted backward pass uses
 * {@link #shardWeights} on each shard and {@link #sum} to add the shards' gradients. The optimiser,
 * the loss weighting, the aggregator and clipping then run once, on the reduced result.
 */
public final class ShardReduction {
    private ShardReduction() {
    }

    /** c[s][k] = n_sk / N_k, 0 where the whole batch has no labelled row of task k. */
    public static double[][] coefficients(List<TaskLosses> shards) {
        requireShards(shards);
        int t = shards.get(0).size();
        long[] total = totals(shards, t);
        double[][] c = new double[shards.size()][t];
        for (int s = 0; s < shards.size(); s++) {
            int[] n = shards.get(s).labelled();
            for (int k = 0; k < t; k++) {
                c[s][k] = total[k] == 0 ? 0 : (double) n[k] / total[k];
            }
        }
        return c;
    }

    /** The whole batch's losses: L_k = sum_s c_sk L_sk, labelled N_k = sum_s n_sk. */
    public static TaskLosses losses(List<TaskLosses> shards) {
        double[][] c = coefficients(shards);
        TaskLosses first = shards.get(0);
        int t = first.size();
        double[] loss = new double[t];
        int[] labelled = new int[t];
        for (int s = 0; s < shards.size(); s++) {
            TaskLosses l = shards.get(s);
            for (int k = 0; k < t; k++) {
                if (c[s][k] != 0) {
                    loss[k] += c[s][k] * l.losses()[k];
                }
                labelled[k] += l.labelled()[k];
            }
        }
        return new TaskLosses(first.tasks(), loss, labelled);
    }

    /**
     * The task weights of shard {@code s}'s weighted backward pass, w_k c_sk: summing the shards'
     * gradients ({@link #sum}) then gives the gradient of sum_k w_k L_k over the whole batch.
     */
    public static double[] shardWeights(double[] taskWeights, double[][] coefficients, int s) {
        double[] w = new double[taskWeights.length];
        for (int k = 0; k < w.length; k++) {
            w[k] = taskWeights[k] * coefficients[s][k];
        }
        return w;
    }

    /** {@code out} = sum_s shardGradients[s], added in shard order. */
    public static void sum(List<? extends GradientVector> shardGradients, GradientVector out) {
        out.zero();
        for (GradientVector g : shardGradients) {
            out.axpy(1.0, g);
        }
    }

    /**
     * The whole batch's per-task gradients: {@code out.get(k)} = sum_s c_sk {@code shardTaskGradients.get(s).get(k)},
     * added in shard order. Shard buffers are read, not modified.
     */
    public static void taskGradients(List<? extends List<? extends GradientVector>> shardTaskGradients, double[][] coefficients,
            List<? extends GradientVector> out) {
        if (shardTaskGradients.size() != coefficients.length) {
            throw new IllegalArgumentException(shardTaskGradients.size() + " shards of gradients for " + coefficients.length
                    + " shards of losses");
        }
        for (int k = 0; k < out.size(); k++) {
            GradientVector o = out.get(k);
            o.zero();
            for (int s = 0; s < coefficients.length; s++) {
                double c = coefficients[s][k];
                if (c != 0) {
                    o.axpy(c, shardTaskGradients.get(s).get(k));
                }
            }
        }
    }

    /**
     * Contiguous row ranges of {@code rows} rows over at most {@code shards} shards, each of at least
     * {@code minRows} rows (fewer shards when the batch is small), the first ones one row longer when
     * the division leaves a rest: {@code bounds[s]..bounds[s + 1]}. Deterministic in its arguments.
     */
    public static int[] split(int rows, int shards, int minRows) {
        if (rows < 0 || shards < 1 || minRows < 1) {
            throw new IllegalArgumentException("split " + rows + " rows into " + shards + " shards of >= " + minRows);
        }
        int s = Math.max(1, Math.min(shards, rows / minRows));
        int[] bounds = new int[s + 1];
        int base = rows / s;
        int rest = rows % s;
        for (int i = 0; i < s; i++) {
            bounds[i + 1] = bounds[i] + base + (i < rest ? 1 : 0);
        }
        return bounds;
    }

    private static long[] totals(List<TaskLosses> shards, int t) {
        long[] total = new long[t];
        for (TaskLosses l : shards) {
            if (l.size() != t) {
                throw new IllegalArgumentException("shards report " + t + " and " + l.size() + " tasks");
            }
            for (int k = 0; k < t; k++) {
                total[k] += l.labelled()[k];
            }
        }
        return total;
    }

    private static void requireShards(List<TaskLosses> shards) {
        if (shards == null || shards.isEmpty()) {
            throw new IllegalArgumentException("no shards to reduce");
        }
    }
}
