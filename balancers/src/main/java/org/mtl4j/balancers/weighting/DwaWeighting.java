package org.mtl4j.balancers.weighting;

import org.mtl4j.api.balance.PlainState;
import java.util.Map;
import org.mtl4j.api.balance.LossWeighting;
import org.mtl4j.api.balance.WeightingContext;
import org.mtl4j.balancers.internal.Factories;
import org.mtl4j.balancers.internal.Params;

/**
 * {@code dwa}: dynamic weight average (Liu, Johns &amp; Davison, "End-to-End Multi-Task Learning with
 * Attention", CVPR 2019, eq. 1):
 * <pre>
 *   w_k(t) = T exp(r_k(t-1) / temperature) / sum_i exp(r_i(t-1) / temperature),   r_k(t-1) = L_k(t-1) / L_k(t-2)
 * </pre>
 * with L_k the mean training loss of epoch t (reported through {@link #onEpochEnd}); the weights sum to
 * T. In the first two epochs (no two previous epochs yet) every weight is 1. A task whose earlier
 * mean loss is missing, zero or not finite (no labels in that epoch) counts as r = 1.
 */
public final class DwaWeighting implements LossWeighting {
    public static final String NAME = "dwa";
    static final Map<String, Double> DEFAULTS = Factories.defaults("temperature", 2.0);
    private final double temperature;
    private final int tasks;
    private double[] previous;
    private double[] beforePrevious;
    private double[] current;

    public DwaWeighting(int tasks, double temperature) {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("dwa temperature must be a positive finite number, found " + temperature);
        }
        this.tasks = tasks;
        this.temperature = temperature;
        this.current = ones(tasks);
    }

    public static LossWeighting.Factory factory() {
        return Factories.weighting("DWA, Liu et al. 2019: softmax of each task's loss ratio over the last two epochs",
                DEFAULTS, ctx -> {
                    Params p = Params.of("loss weighting", ctx, DEFAULTS);
                    return new DwaWeighting(ctx.taskCount(), p.positive("temperature", DEFAULTS.get("temperature")));
                });
    }

    @Override
    public double[] weights(WeightingContext ctx) {
        return current.clone();
    }

    @Override
    public void onEpochEnd(int epoch, double[] meanLosses) {
        if (meanLosses.length != tasks) {
            throw new IllegalArgumentException("dwa: epoch " + epoch + " reported " + meanLosses.length
                    + " mean losses, expected " + tasks);
        }
        beforePrevious = previous;
        previous = meanLosses.clone();
        if (beforePrevious == null) {
            return;
        }
        double[] r = new double[tasks];
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < tasks; k++) {
            double num = previous[k];
            double den = beforePrevious[k];
            r[k] = Double.isFinite(num) && Double.isFinite(den) && den > 0 && num >= 0 ? num / den : 1.0;
            max = Math.max(max, r[k] / temperature);
        }
        double sum = 0;
        double[] e = new double[tasks];
        for (int k = 0; k < tasks; k++) {
            e[k] = Math.exp(r[k] / temperature - max);
            sum += e[k];
        }
        for (int k = 0; k < tasks; k++) {
            e[k] = tasks * e[k] / sum;
        }
        current = e;
    }

    private static double[] ones(int n) {
        double[] w = new double[n];
        java.util.Arrays.fill(w, 1.0);
        return w;
    }

    @Override
    public PlainState saveState() {
        PlainState.Builder b = PlainState.builder().put("current", current);
        if (previous != null) {
            b.put("previous", previous);
        }
        if (beforePrevious != null) {
            b.put("beforePrevious", beforePrevious);
        }
        return b.build();
    }

    @Override
    public void restoreState(PlainState s) {
        double[] c = s.getDoubles("current", tasks);
        double[] p = s.has("previous") ? s.getDoubles("previous", tasks) : null;
        double[] bp = s.has("beforePrevious") ? s.getDoubles("beforePrevious", tasks) : null;
        current = c;
        previous = p;
        beforePrevious = bp;
    }
}
