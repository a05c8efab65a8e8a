package org.mtl4j.balancers.aggregation;

import org.mtl4j.api.balance.PlainState;
import java.util.Random;
import org.mtl4j.api.balance.AggregationContext;
import org.mtl4j.api.balance.GradientAggregator;
import org.mtl4j.balancers.internal.Factories;
import org.mtl4j.balancers.internal.Params;
import org.mtl4j.balancers.internal.ResumableRandom;

/**
 * {@code pcgrad}: projecting conflicting gradients (Yu et al., "Gradient Surgery for Multi-Task
 * Learning", NeurIPS 2020, Alg. 1). For each task i, starting from g_i^PC = g_i and visiting the other
 * tasks j in a random order, if {@code g_i^PC . g_j < 0} then
 * {@code g_i^PC <- g_i^PC - (g_i^PC . g_j / ||g_j||^2) g_j} (eq. 1: projection onto the normal plane of
 * g_j, always against the original g_j); the result is {@code sum_i g_i^PC}.
 *
 * <p>Every projected gradient is a linear combination of the originals, so the algorithm runs on the
 * Gram matrix: {@code g_i^PC . g_j = sum_m c_m M[m][j]}; the vectors are touched once to build M and once
 * to write the sum. The order is drawn from a {@link Random} seeded with the run's seed. Without
 * conflicts the result is the plain sum (T g for T identical gradients).
 */
public final class PcGrad extends CoefficientAggregator {
    public static final String NAME = "pcgrad";
    private final ResumableRandom rng;

    public PcGrad(int tasks, long seed) {
        super(NAME, tasks);
        this.rng = new ResumableRandom(seed);
    }

    public static GradientAggregator.Factory factory() {
        return Factories.aggregator("PCGrad, Yu et al. 2020: project conflicting task gradients onto each other's normal plane",
                Factories.defaults(), ctx -> {
                    Params.of("gradient aggregator", ctx, Factories.defaults());
                    return new PcGrad(ctx.taskCount(), ctx.seed());
                });
    }

    @Override
    protected double[] coefficients(double[][] m, int[] tasks, AggregationContext ctx) {
        int t = m.length;
        double[] total = new double[t];
        for (int i = 0; i < t; i++) {
            double[] c = new double[t];
            c[i] = 1;
            for (int j : shuffledOthers(t, i, rng)) {
                double d = org.mtl4j.balancers.internal.SmallLinAlg.column(c, m, j);
                if (d < 0 && m[j][j] > 0) {
                    c[j] -= d / m[j][j];
                }
            }
            for (int k = 0; k < t; k++) {
                total[k] += c[k];
            }
        }
        return total;
    }

    @Override
    protected void saveMore(PlainState.Builder b) {
        b.put("rng", rng.saveState());
    }

    @Override
    protected void restoreMore(PlainState s) {
        rng.restoreState(s.getState("rng"));
    }
}
