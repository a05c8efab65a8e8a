package org.mtl4j.balancers.weighting;

import org.mtl4j.api.balance.PlainState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.balance.LossWeighting;
import org.mtl4j.api.balance.WeightingContext;
import org.mtl4j.api.spec.TaskKind;
import org.mtl4j.balancers.internal.Factories;
import org.mtl4j.balancers.internal.Params;
import org.mtl4j.balancers.internal.ScalarAdam;

/**
 * {@code uncertainty}: homoscedastic-uncertainty weighting (Kendall, Gal &amp; Cipolla, "Multi-Task Learning
 * Using Uncertainty to Weigh Losses for Scene Geometry and Semantics", CVPR 2018, eq. 7 and 10). Each task
 * learns {@code s_k = log sigma_k^2} and the total loss is
 * <pre>
 *   L = sum_k c_k exp(-s_k) L_k + s_k / 2,    c_k = 1/2 (regression), 1 (binary, multiclass)
 * </pre>
 * so the weight handed to the backward pass is {@code w_k = c_k exp(-s_k)} (the {@code s_k / 2} term has
 * no gradient with respect to the model). Every step, after returning the weights computed from the current
 * s, each task with labelled rows takes one Adam (or SGD, {@code adam = 0}) step on s_k with the analytic
 * gradient {@code dL/ds_k = 1/2 - c_k exp(-s_k) L_k}, learning rate {@code lr}.
 *
 * <p>The fixed point: {@code E[dL/ds_k] = 0} gives {@code exp(s_k) = 2 c_k E[L_k]}; for a regression task
 * with the MSE loss this is {@code sigma_k^2 = E[MSE]}, the residual variance. A task without labelled
 * rows in a batch is not updated. Initial s_k = {@code init} (0: weights 1/2 and 1).
 */
public final class UncertaintyWeighting implements LossWeighting {
    public static final String NAME = "uncertainty";
    static final Map<String, Double> DEFAULTS = Factories.defaults("lr", 0.01, "init", 0.0, "adam", 1);
    private final List<String> names;
    private final double[] factors;
    private final double[] logVariances;
    private final ScalarAdam optimiser;

    /**
     * @param factors c_k: 1/2 for regression, 1 for classification
     */
    public UncertaintyWeighting(List<String> names, double[] factors, double init, double lr, boolean adam) {
        this.names = List.copyOf(names);
        this.factors = factors.clone();
        this.logVariances = new double[factors.length];
        java.util.Arrays.fill(logVariances, init);
        this.optimiser = new ScalarAdam(factors.length, lr, adam);
    }

    public static LossWeighting.Factory factory() {
        return Factories.weighting("Kendall et al. 2018: learned log-variances s_k, L = sum c_k e^{-s_k} L_k + s_k/2",
                DEFAULTS, ctx -> {
                    Params p = Params.of("loss weighting", ctx, DEFAULTS);
                    double[] c = new double[ctx.taskCount()];
                    for (int k = 0; k < c.length; k++) {
                        c[k] = factor(ctx.tasks().get(k).kind());
                    }
                    return new UncertaintyWeighting(ctx.taskNames(), c, p.get("init", DEFAULTS.get("init")),
                            p.positive("lr", DEFAULTS.get("lr")), p.flag("adam", true));
                });
    }

    /** c_k of Kendall et al.: 1/2 for a Gaussian likelihood (eq. 7), 1 for a softmax one (eq. 10). */
    public static double factor(TaskKind kind) {
        return kind == TaskKind.REGRESSION ? 0.5 : 1.0;
    }

    @Override
    public double[] weights(WeightingContext ctx) {
        int t = factors.length;
        double[] w = new double[t];
        for (int k = 0; k < t; k++) {
            w[k] = factors[k] * Math.exp(-logVariances[k]);
        }
        for (int k = 0; k < t; k++) {
            double loss = ctx.losses()[k];
            if (ctx.labelled()[k] > 0 && Double.isFinite(loss)) {
                double grad = 0.5 - w[k] * loss;
                logVariances[k] += optimiser.step(k, grad);
            }
        }
        return w;
    }

    /** The current s_k = log sigma_k^2, task order. */
    public double[] logVariances() {
        return logVariances.clone();
    }

    @Override
    public Map<String, Double> state() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int k = 0; k < names.size(); k++) {
            m.put("logVariance." + names.get(k), logVariances[k]);
        }
        return m;
    }

    @Override
    public PlainState saveState() {
        return PlainState.builder().put("logVariances", logVariances).put("optimiser", optimiser.saveState()).build();
    }

    @Override
    public void restoreState(PlainState s) {
        double[] lv = s.getDoubles("logVariances", logVariances.length);
        optimiser.restoreState(s.getState("optimiser"));
        System.arraycopy(lv, 0, logVariances, 0, lv.length);
    }
}
