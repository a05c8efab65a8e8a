package org.mtl4j.balancers.weighting;

import org.mtl4j.api.balance.PlainState;
import java.util.Random;
import org.mtl4j.api.balance.LossWeighting;
import org.mtl4j.api.balance.WeightingContext;
import org.mtl4j.balancers.internal.Factories;
import org.mtl4j.balancers.internal.Params;
import org.mtl4j.balancers.internal.ResumableRandom;

/**
 * {@code rlw}: random loss weighting (Lin, Ye, Xu, Shi &amp; Zhang, "Reasonable Effectiveness of Random
 * Weighting: A Litmus Test for Multi-Task Learning", TMLR 2022 / arXiv 2111.10603, section 3): each step
 * draws {@code z_k ~ N(0, 1)} from a generator seeded with the run's seed and uses
 * {@code w = T softmax(z)}. The paper's weights are the softmax (summing to 1); they are multiplied by T
 * here so that, like {@code equal}, {@code dwa} and {@code gradnorm}, they sum to T and the learning rate
 * keeps its meaning.
 */
public final class RandomLossWeighting implements LossWeighting {
    public static final String NAME = "rlw";
    private final int tasks;
    private final ResumableRandom rng;

    public RandomLossWeighting(int tasks, long seed) {
        this.tasks = tasks;
        this.rng = new ResumableRandom(seed);
    }

    public static LossWeighting.Factory factory() {
        return Factories.weighting("RLW, Lin et al. 2021: weights T * softmax(z), z ~ N(0,1) drawn each step (seeded)",
                Factories.defaults(), ctx -> {
                    Params.of("loss weighting", ctx, Factories.defaults());
                    return new RandomLossWeighting(ctx.taskCount(), ctx.seed());
                });
    }

    @Override
    public double[] weights(WeightingContext ctx) {
        double[] z = new double[tasks];
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < tasks; k++) {
            z[k] = rng.nextGaussian();
            max = Math.max(max, z[k]);
        }
        double sum = 0;
        for (int k = 0; k < tasks; k++) {
            z[k] = Math.exp(z[k] - max);
            sum += z[k];
        }
        for (int k = 0; k < tasks; k++) {
            z[k] = tasks * z[k] / sum;
        }
        return z;
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
