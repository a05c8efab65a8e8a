package org.mtl4j.balancers.weighting;

import java.util.Map;
import org.mtl4j.api.balance.BalancerContext;
import org.mtl4j.api.balance.LossWeighting;
import org.mtl4j.api.balance.WeightingContext;
import org.mtl4j.balancers.internal.Factories;
import org.mtl4j.balancers.internal.Params;

/**
 * {@code schedule}: the epoch-wise weight schedule of PLE (Tang, Liu, Zhao &amp; Gong, "Progressive Layered
 * Extraction (PLE)", RecSys 2020, eq. 10): {@code w_k(t) = w_k0 * gamma_k^t} in epoch t (0-based), with
 * w_k0 the task's {@code TaskSpec.weight}. {@code gamma} sets every task's decay, {@code gamma.<task>} one
 * task's (it wins over {@code gamma}); the default 1 keeps the weights fixed.
 */
public final class ScheduleWeighting implements LossWeighting {
    public static final String NAME = "schedule";
    static final Map<String, Double> DEFAULTS = Factories.defaults("gamma", 1.0);
    private final double[] initial;
    private final double[] gammas;

    public ScheduleWeighting(double[] initial, double[] gammas) {
        this.initial = initial.clone();
        this.gammas = gammas.clone();
    }

    public static LossWeighting.Factory factory() {
        return Factories.weighting("PLE eq. 10: w_k(t) = w_k0 * gamma_k^t per epoch t; params gamma or gamma.<task>",
                DEFAULTS, ScheduleWeighting::create);
    }

    static LossWeighting create(BalancerContext ctx) {
        Params p = Params.of("loss weighting", ctx, DEFAULTS, "gamma.");
        double common = p.atLeast("gamma", DEFAULTS.get("gamma"), 0);
        double[] w0 = new double[ctx.taskCount()];
        double[] g = new double[ctx.taskCount()];
        for (int k = 0; k < w0.length; k++) {
            w0[k] = ctx.tasks().get(k).weight();
            g[k] = p.atLeast("gamma." + ctx.tasks().get(k).name(), common, 0);
        }
        return new ScheduleWeighting(w0, g);
    }

    @Override
    public double[] weights(WeightingContext ctx) {
        double[] w = new double[initial.length];
        for (int k = 0; k < w.length; k++) {
            w[k] = initial[k] * Math.pow(gammas[k], ctx.epoch());
        }
        return w;
    }
}
