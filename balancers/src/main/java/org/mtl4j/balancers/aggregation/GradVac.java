package org.mtl4j.balancers.aggregation;

import org.mtl4j.api.balance.PlainState;
import java.util.Map;
import org.mtl4j.api.balance.AggregationContext;
import org.mtl4j.api.balance.GradientAggregator;
import org.mtl4j.balancers.internal.Factories;
import org.mtl4j.balancers.internal.Params;
import org.mtl4j.balancers.internal.ResumableRandom;

/**
 * {@code gradvac}: Gradient Vaccine (Wang, Tsvetkov, Firat &amp; Cao, "Gradient Vaccine: Investigating and
 * Improving Multi-task Optimization in Massively Multilingual Models", ICLR 2021). For each task i and
 * each other task j in a random (seeded) order, with {@code phi_ij = cos(g_i', g_j)} and the EMA target
 * {@code phi_hat_ij}: if {@code phi_ij < phi_hat_ij},
 * <pre>
 *   g_i' &lt;- g_i' + ||g_i'|| (phi_hat_ij sqrt(1 - phi_ij^2) - phi_ij sqrt(1 - phi_hat_ij^2))
 *                   / (||g_j|| sqrt(1 - phi_hat_ij^2)) g_j                                   (eq. 4)
 * </pre>
 * which sets the cosine to the target; then {@code phi_hat_ij <- (1 - beta) phi_hat_ij + beta phi_ij}
 * (eq. 5) for every visited pair. The result is {@code sum_i g_i'}. Targets start at 0 (so the first
 * steps act like PCGrad) and are capped at 1 - 1e-6 to keep eq. 4 finite. A task whose gradient is zero
 * (no labels in the batch) is skipped and its targets left alone. Applied to the whole shared
 * gradient (the paper also allows per-layer targets).
 */
public final class GradVac extends CoefficientAggregator {
    public static final String NAME = "gradvac";
    static final Map<String, Double> DEFAULTS = Factories.defaults("beta", 0.01);
    private static final double MAX_TARGET = 1 - 1e-6;
    private final double beta;
    private final ResumableRandom rng;
    private final double[][] targets;

    public GradVac(int tasks, double beta, long seed) {
        super(NAME, tasks);
        if (!(beta >= 0 && beta <= 1)) {
            throw new IllegalArgumentException("gradvac beta must be in [0, 1], found " + beta);
        }
        this.beta = beta;
        this.rng = new ResumableRandom(seed);
        this.targets = new double[tasks][tasks];
    }

    public static GradientAggregator.Factory factory() {
        return Factories.aggregator("GradVac, Wang et al. 2021: raise pairwise gradient cosines to their EMA targets",
                DEFAULTS, ctx -> {
                    Params p = Params.of("gradient aggregator", ctx, DEFAULTS);
                    return new GradVac(ctx.taskCount(), p.inRange("beta", DEFAULTS.get("beta"), 0, 1), ctx.seed());
                });
    }

    /** The current EMA cosine targets phi_hat (a copy). */
    public double[][] targets() {
        double[][] copy = new double[targets.length][];
        for (int i = 0; i < targets.length; i++) {
            copy[i] = targets[i].clone();
        }
        return copy;
    }

    @Override
    protected double[] coefficients(double[][] m, int[] tasks, AggregationContext ctx) {
        int t = m.length;
        double[] total = new double[t];
        for (int i = 0; i < t; i++) {
            double[] c = new double[t];
            c[i] = 1;
            for (int j : shuffledOthers(t, i, rng)) {
                double dot = org.mtl4j.balancers.internal.SmallLinAlg.column(c, m, j);
                double ni = Math.sqrt(Math.max(org.mtl4j.balancers.internal.SmallLinAlg.quad(c, m, c), 0));
                double nj = Math.sqrt(Math.max(m[j][j], 0));
                if (!(ni > 0 && nj > 0)) {
                    continue;
                }
                double phi = Math.max(-1, Math.min(1, dot / (ni * nj)));
                double target = Math.min(targets[tasks[i]][tasks[j]], MAX_TARGET);
                if (phi < target) {
                    double w = ni * (target * Math.sqrt(1 - phi * phi) - phi * Math.sqrt(1 - target * target))
                            / (nj * Math.sqrt(1 - target * target));
                    c[j] += w;
                }
                targets[tasks[i]][tasks[j]] = (1 - beta) * targets[tasks[i]][tasks[j]] + beta * phi;
            }
            for (int k = 0; k < t; k++) {
                total[k] += c[k];
            }
        }
        return total;
    }

    @Override
    protected void saveMore(PlainState.Builder b) {
        b.put("rng", rng.saveState()).put("targets", targets);
    }

    @Override
    protected void restoreMore(PlainState s) {
        double[][] t = s.getMatrix("targets");
        if (t.length != targets.length) {
            throw new IllegalArgumentException("saved gradvac targets are " + t.length + " x .., expected " + targets.length);
        }
        for (int i = 0; i < t.length; i++) {
            if (t[i].length != targets[i].length) {
                throw new IllegalArgumentException("saved gradvac targets row " + i + " has " + t[i].length + " values");
            }
        }
        rng.restoreState(s.getState("rng"));
        for (int i = 0; i < t.length; i++) {
            System.arraycopy(t[i], 0, targets[i], 0, t[i].length);
        }
    }
}
