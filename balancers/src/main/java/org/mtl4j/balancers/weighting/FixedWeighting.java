package org.mtl4j.balancers.weighting;

import org.mtl4j.api.balance.BalancerContext;
import org.mtl4j.api.balance.LossWeighting;
import org.mtl4j.api.balance.WeightingContext;
import org.mtl4j.balancers.internal.Factories;
import org.mtl4j.balancers.internal.Params;

/**
 * {@code fixed}: static weights, L = sum_k w_k L_k. Parameters are keyed by task name
 * ({@code fixed {ctr: 1.0, cvr: 0.5}}); a task without a parameter takes its {@code TaskSpec.weight}.
 */
public final class FixedWeighting implements LossWeighting {
    public static final String NAME = "fixed";
    private final double[] weights;

    public FixedWeighting(double[] weights) {
        for (int k = 0; k < weights.length; k++) {
            if (!(weights[k] >= 0) || Double.isInfinite(weights[k])) {
                throw new IllegalArgumentException("fixed weight of task " + k + " must be a finite number >= 0, found " + weights[k]);
            }
        }
        this.weights = weights.clone();
    }

    public static LossWeighting.Factory factory() {
        return Factories.weighting("static weights: parameters keyed by task name, default TaskSpec.weight",
                Factories.defaults(), FixedWeighting::create);
    }

    static LossWeighting create(BalancerContext ctx) {
        Params p = Params.of("loss weighting", ctx, Factories.defaults(), "");
        double[] w = new double[ctx.taskCount()];
        for (int k = 0; k < w.length; k++) {
            w[k] = p.atLeast(ctx.tasks().get(k).name(), ctx.tasks().get(k).weight(), 0);
        }
        return new FixedWeighting(w);
    }

    @Override
    public double[] weights(WeightingContext ctx) {
        return weights.clone();
    }
}
