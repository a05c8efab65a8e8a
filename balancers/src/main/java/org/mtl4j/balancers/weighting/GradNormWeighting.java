package org.mtl4j.balancers.weighting;

import org.mtl4j.api.balance.PlainState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.backend.GradientVector;
import org.mtl4j.api.balance.LossWeighting;
import org.mtl4j.api.balance.WeightingContext;
import org.mtl4j.balancers.internal.Factories;
import org.mtl4j.balancers.internal.Params;
import org.mtl4j.balancers.internal.ScalarAdam;

/**
 * {@code gradnorm}: gradient normalisation (Chen, Badrinarayanan, Lee &amp; Rabinovich, "GradNorm: Gradient
 * Normalization for Adaptive Loss Balancing in Deep Multitask Networks", ICML 2018, eq. 1-2 and Alg. 1).
 * After each backward pass, with the unweighted per-task gradients g_k of the last shared layer W:
 * <pre>
 *   G_k = w_k ||g_k||,   G_bar = mean_k G_k,   r_k = (L_k / L_k(0)) / mean_i (L_i / L_i(0))
 *   L_grad = sum_k | G_k - G_bar r_k^alpha |      (the target treated as a constant)
 *   dL_grad / dw_k = sign(G_k - G_bar r_k^alpha) ||g_k||
 * </pre>
 * one Adam step (or SGD with {@code adam = 0}) with learning rate {@code lr} on w, then clamp to
 * {@code w >= 1e-4} and renormalise so that sum_k w_k = T. L_k(0) is the task's first loss seen with
 * labels. A task without labelled rows in the step (or without L_k(0) yet, or with a non-finite loss or
 * gradient) takes no part: its weight stays put and the others are renormalised among themselves so the
 * total stays T.
 */
public final class GradNormWeighting implements LossWeighting {
    public static final String NAME = "gradnorm";
    static final Map<String, Double> DEFAULTS = Factories.defaults("alpha", 1.5, "lr", 0.025, "adam", 1);
    private static final double MIN_WEIGHT = 1e-4;
    private final List<String> names;
    private final double alpha;
    private final double[] w;
    private final double[] initialLoss;
    private final ScalarAdam optimiser;

    public GradNormWeighting(List<String> names, double alpha, double lr, boolean adam) {
        if (!(alpha >= 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("gradnorm alpha must be a finite number >= 0, found " + alpha);
        }
        this.names = List.copyOf(names);
        this.alpha = alpha;
        this.w = new double[names.size()];
        java.util.Arrays.fill(w, 1.0);
        this.initialLoss = new double[names.size()];
        this.optimiser = new ScalarAdam(names.size(), lr, adam);
    }

    public static LossWeighting.Factory factory() {
        return Factories.weighting("GradNorm, Chen et al. 2018: learn weights so task gradient norms follow their training rates",
                DEFAULTS, ctx -> {
                    Params p = Params.of("loss weighting", ctx, DEFAULTS);
                    return new GradNormWeighting(ctx.taskNames(), p.atLeast("alpha", DEFAULTS.get("alpha"), 0),
                            p.positive("lr", DEFAULTS.get("lr")), p.flag("adam", true));
                });
    }

    @Override
    public double[] weights(WeightingContext ctx) {
        return w.clone();
    }

    @Override
    public boolean needsTaskGradients() {
        return true;
    }

    @Override
    public void afterBackward(WeightingContext ctx, double[] usedWeights, List<GradientVector> taskGradients) {
        int t = w.length;
        if (taskGradients.size() != t) {
            throw new IllegalArgumentException("gradnorm: got " + taskGradients.size() + " task gradients, expected " + t);
        }
        boolean[] active = new boolean[t];
        double[] norms = new double[t];
        int count = 0;
        for (int k = 0; k < t; k++) {
            double loss = ctx.losses()[k];
            if (ctx.labelled()[k] <= 0 || !Double.isFinite(loss)) {
                continue;
            }
            if (initialLoss[k] == 0) {
                if (!(loss > 0)) {
                    continue;
                }
                initialLoss[k] = loss;
            }
            norms[k] = taskGradients.get(k).norm();
            if (Double.isFinite(norms[k])) {
                active[k] = true;
                count++;
            }
        }
        if (count == 0) {
            return;
        }
        double gBar = 0;
        double rBar = 0;
        double activeSum = 0;
        double[] ratio = new double[t];
        for (int k = 0; k < t; k++) {
            if (active[k]) {
                gBar += w[k] * norms[k] / count;
                ratio[k] = ctx.losses()[k] / initialLoss[k];
                rBar += ratio[k] / count;
                activeSum += w[k];
            }
        }
        double updatedSum = 0;
        for (int k = 0; k < t; k++) {
            if (active[k]) {
                double r = rBar > 0 ? ratio[k] / rBar : 1;
                double target = gBar * Math.pow(r, alpha);
                double grad = Math.signum(w[k] * norms[k] - target) * norms[k];
                w[k] = Math.max(MIN_WEIGHT, w[k] + optimiser.step(k, grad));
                updatedSum += w[k];
            }
        }
        for (int k = 0; k < t; k++) {
            if (active[k]) {
                w[k] *= activeSum / updatedSum;
            }
        }
    }

    @Override
    public Map<String, Double> state() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int k = 0; k < names.size(); k++) {
            m.put("weight." + names.get(k), w[k]);
        }
        return m;
    }

    @Override
    public PlainState saveState() {
        return PlainState.builder().put("w", w).put("initialLoss", initialLoss).put("optimiser", optimiser.saveState()).build();
    }

    @Override
    public void restoreState(PlainState s) {
        double[] nw = s.getDoubles("w", w.length);
        double[] nl = s.getDoubles("initialLoss", initialLoss.length);
        optimiser.restoreState(s.getState("optimiser"));
        System.arraycopy(nw, 0, w, 0, w.length);
        System.arraycopy(nl, 0, initialLoss, 0, initialLoss.length);
    }
}
