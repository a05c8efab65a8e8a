package org.mtl4j.balancers.weighting;

import java.util.Arrays;
import org.mtl4j.api.balance.LossWeighting;
import org.mtl4j.api.balance.WeightingContext;
import org.mtl4j.balancers.internal.Factories;
import org.mtl4j.balancers.internal.Params;

/** {@code equal}: w_k = 1 for every task, the total loss is the plain sum (PLE eq. 9 with unit weights). */
public final class EqualWeighting implements LossWeighting {
    public static final String NAME = "equal";
    private final int tasks;

    public EqualWeighting(int tasks) {
        this.tasks = tasks;
    }

    public static LossWeighting.Factory factory() {
        return Factories.weighting("every task weight 1: L = sum_k L_k", Factories.defaults(), ctx -> {
            Params.of("loss weighting", ctx, Factories.defaults());
            return new EqualWeighting(ctx.taskCount());
        });
    }

    @Override
    public double[] weights(WeightingContext ctx) {
        double[] w = new double[tasks];
        Arrays.fill(w, 1.0);
        return w;
    }
}
