package org.mtl4j.balancers.aggregation;

import org.mtl4j.api.balance.PlainState;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.backend.GradientVector;
import org.mtl4j.api.balance.AggregationContext;
import org.mtl4j.api.balance.GradientAggregator;
import org.mtl4j.balancers.internal.Factories;
import org.mtl4j.balancers.internal.Grams;
import org.mtl4j.balancers.internal.Params;
import org.mtl4j.balancers.internal.ResumableRandom;

/**
 * {@code graddrop}: gradient sign dropout (Chen, Ngiam, Huang, Luong, Kretzschmar, Chai &amp; Anguelov, "Just
 * Pick a Sign: Optimizing Deep Multitask Models with Gradient Sign Dropout", NeurIPS 2020, Alg. 1). Per
 * element, the positive sign purity {@code P = 0.5 (1 + sum_i g_i / sum_i |g_i|)} (eq. 1); with
 * {@code U ~ Uniform[0, 1)} (seeded) the mask keeps the positive parts if {@code U < P} and the negative
 * parts otherwise, {@code M_i = 1[U < P] 1[g_i > 0] + 1[U >= P] 1[g_i < 0]}; the result is
 * {@code sum_i (l + (1 - l) M_i) g_i} with the leak l (the paper's leak parameters, one value for all
 * tasks here; l = 1 gives the plain sum). An element where every task's gradient is 0 stays 0.
 *
 * <p>The paper applies the mask to gradients at an activation layer, summed over the batch; here it is
 * applied to the per-task gradients of the shared parameters (as LibMTL does for parameter gradients).
 * GradDrop is inherently element-wise: it runs through {@code GradientVector.combine}, which visits only the
 * elements where some task's gradient is non-zero (for sparse embedding gradients, the union of the touched
 * rows), and draws U only there. Identical gradients come back as their sum, T g.
 */
public final class GradDrop implements GradientAggregator {
    public static final String NAME = "graddrop";
    static final Map<String, Double> DEFAULTS = Factories.defaults("leak", 0.0);
    private final int tasks;
    private final double leak;
    private final ResumableRandom rng;

    public GradDrop(int tasks, double leak, long seed) {
        if (!(leak >= 0 && leak <= 1)) {
            throw new IllegalArgumentException("graddrop leak must be in [0, 1], found " + leak);
        }
        this.tasks = tasks;
        this.leak = leak;
        this.rng = new ResumableRandom(seed);
    }

    public static GradientAggregator.Factory factory() {
        return Factories.aggregator("GradDrop, Chen et al. 2020: per element keep one gradient sign, drawn by sign purity",
                DEFAULTS, ctx -> {
                    Params p = Params.of("gradient aggregator", ctx, DEFAULTS);
                    return new GradDrop(ctx.taskCount(), p.inRange("leak", DEFAULTS.get("leak"), 0, 1), ctx.seed());
                });
    }

    @Override
    public void aggregate(List<GradientVector> taskGradients, GradientVector out, AggregationContext ctx) {
        Grams.checkInputs(NAME, tasks, taskGradients, out);
        int t = taskGradients.size();
        out.combine(taskGradients, column -> {
            double sum = 0;
            double abs = 0;
            for (int k = 0; k < t; k++) {
                sum += column[k];
                abs += Math.abs(column[k]);
            }
            if (!(abs > 0)) {
                // NaN: let it through so the loop sees the divergence
                return Double.isNaN(abs) ? sum : 0;
            }
            double purity = 0.5 * (1 + sum / abs);
            boolean keepPositive = rng.nextDouble() < purity;
            double r = 0;
            for (int k = 0; k < t; k++) {
                double x = column[k];
                boolean kept = keepPositive ? x > 0 : x < 0;
                r += (leak + (1 - leak) * (kept ? 1 : 0)) * x;
            }
            return r;
        });
    }

    @Override
    public PlainState saveState() {
        return rng.saveState();
    }

    @Override
    public void restoreState(PlainState s) {
        rng.restoreState(s);
    }
}
