package org.mtl4j.balancers.aggregation;

import org.mtl4j.api.balance.AggregationContext;
import org.mtl4j.api.balance.GradientAggregator;
import org.mtl4j.balancers.internal.Factories;

/**
 * {@code sum}: the plain sum of the (loss-weighted) task gradients, {@code out = sum_k g_k}; the same
 * gradient as one backward pass of the weighted total loss. The reference the other aggregators are
 * compared against.
 */
public final class SumAggregator extends CoefficientAggregator {
    public static final String NAME = "sum";

    public SumAggregator(int tasks) {
        super(NAME, tasks);
    }

    public static GradientAggregator.Factory factory() {
        return Factories.aggregator("plain sum of the weighted task gradients (no surgery)", Factories.defaults(),
                ctx -> {
                    org.mtl4j.balancers.internal.Params.of("gradient aggregator", ctx, Factories.defaults());
                    return new SumAggregator(ctx.taskCount());
                });
    }

    @Override
    protected double[] coefficients(double[][] gram, int[] tasks, AggregationContext ctx) {
        return ones(gram.length);
    }
}
