package org.mtl4j.balancers.aggregation;

import org.mtl4j.api.balance.PlainState;
import java.util.Map;
import org.mtl4j.api.balance.AggregationContext;
import org.mtl4j.api.balance.GradientAggregator;
import org.mtl4j.balancers.internal.Factories;
import org.mtl4j.balancers.internal.Params;
import org.mtl4j.balancers.internal.SmallLinAlg;

/**
 * {@code cagrad}: conflict-averse gradient descent (Liu, Liu, Jin, Stone &amp; Liu, "Conflict-Averse Gradient
 * Descent for Multi-task Learning", NeurIPS 2021). With the average gradient g0 = (1/T) sum g_k, it
 * seeks the update d maximising the worst task improvement {@code min_i g_i . d} within the ball
 * {@code ||d - g0|| <= c ||g0||} (eq. 2). Through the dual (their eq. 3/Alg. 1) this is
 * <pre>
 *   w* = argmin over the simplex of  g_w . g0 + c ||g0|| ||g_w||,    g_w = sum_k w_k g_k
 *   d  = g0 + c ||g0|| g_w / ||g_w||
 * </pre>
 * and, as in the authors' code ({@code rescale = 1}), the result is {@code d / (1 + c^2)}.
 *
 * <p>The dual is solved on the T x T Gram matrix by projected gradient descent with Armijo backtracking
 * on the simplex (the objective is convex), from w = 1/T, up to {@code maxIterations} steps.
 *
 * <p><b>Scale:</b> like the paper, this is on the scale of the mean gradient: c = 0 gives exactly
 * g0, and T identical gradients g give {@code g (1 + c) / (1 + c^2)} (1.2 g for c = 0.5).
 */
public final class CaGrad extends CoefficientAggregator {
    public static final String NAME = "cagrad";
    static final Map<String, Double> DEFAULTS = Factories.defaults("c", 0.5, "maxIterations", 500);
    private final double c;
    private final int maxIterations;
    private double[] dualWeights = new double[0];

    public CaGrad(int tasks, double c, int maxIterations) {
        super(NAME, tasks);
        if (!(c >= 0) || Double.isInfinite(c)) {
            throw new IllegalArgumentException("cagrad c must be a finite number >= 0, found " + c);
        }
        this.c = c;
        this.maxIterations = Math.max(1, maxIterations);
    }

    public static GradientAggregator.Factory factory() {
        return Factories.aggregator("CAGrad, Liu et al. 2021: best worst-case improvement within c*||g0|| of the mean gradient",
                DEFAULTS, ctx -> {
                    Params p = Params.of("gradient aggregator", ctx, DEFAULTS);
                    return new CaGrad(ctx.taskCount(), p.atLeast("c", DEFAULTS.get("c"), 0),
                            (int) p.atLeast("maxIterations", DEFAULTS.get("maxIterations"), 1));
                });
    }

    /** The dual simplex weights w* of the last step (empty when c ||g0|| was 0). */
    public double[] dualWeights() {
        return dualWeights.clone();
    }

    @Override
    protected double[] coefficients(double[][] m, int[] tasks, AggregationContext ctx) {
        int t = m.length;
        double[] coef = new double[t];
        double sumAll = 0;
        for (double[] row : m) {
            for (double x : row) {
                sumAll += x;
            }
        }
        double g0norm = Math.sqrt(Math.max(sumAll, 0)) / t;
        double radius = c * g0norm;
        java.util.Arrays.fill(coef, 1.0 / t);
        if (!(radius > 0)) {
            dualWeights = new double[0];
            scale(coef, 1 / (1 + c * c));
            return coef;
        }
        double[] w = solveDual(m, radius, maxIterations);
        dualWeights = w;
        double gwNorm = Math.sqrt(Math.max(SmallLinAlg.quad(w, m, w), 0));
        if (gwNorm > 0) {
            double lambda = radius / gwNorm;
            for (int k = 0; k < t; k++) {
                coef[k] += lambda * w[k];
            }
        }
        scale(coef, 1 / (1 + c * c));
        return coef;
    }

    private static void scale(double[] x, double f) {
        for (int i = 0; i < x.length; i++) {
            x[i] *= f;
        }
    }

    /** The dual objective {@code F(w) = w^T M b + radius sqrt(w^T M w)}, b = 1/T. */
    static double objective(double[][] m, double[] w, double radius) {
        int t = m.length;
        double[] mw = SmallLinAlg.times(m, w);
        double lin = 0;
        for (double x : mw) {
            lin += x / t;
        }
        return lin + radius * Math.sqrt(Math.max(SmallLinAlg.quad(w, m, w), 0));
    }

    /** argmin of {@link #objective} over the simplex by projected gradient descent with backtracking. */
    static double[] solveDual(double[][] m, double radius, int maxIterations) {
        int t = m.length;
        double[] w = new double[t];
        java.util.Arrays.fill(w, 1.0 / t);
        double[] mb = SmallLinAlg.times(m, w);
        double trace = 0;
        for (int i = 0; i < t; i++) {
            trace += m[i][i];
        }
        double step = trace > 0 ? 1 / trace : 1;
        double f = objective(m, w, radius);
        for (int iter = 0; iter < maxIterations; iter++) {
            double[] mw = SmallLinAlg.times(m, w);
            double norm = Math.sqrt(Math.max(SmallLinAlg.quad(w, m, w), 0));
            double[] grad = new double[t];
            for (int i = 0; i < t; i++) {
                grad[i] = mb[i] + (norm > 0 ? radius * mw[i] / norm : 0);
            }
            boolean moved = false;
            for (int tries = 0; tries < 60; tries++) {
                double[] y = new double[t];
                for (int i = 0; i < t; i++) {
                    y[i] = w[i] - step * grad[i];
                }
                double[] next = SmallLinAlg.projectToSimplex(y);
                double lin = 0;
                double dist2 = 0;
                for (int i = 0; i < t; i++) {
                    double d = next[i] - w[i];
                    lin += grad[i] * d;
                    dist2 += d * d;
                }
                double fNext = objective(m, next, radius);
                if (fNext <= f + lin + dist2 / (2 * step) + 1e-15 * Math.abs(f)) {
                    moved = dist2 > 1e-28;
                    w = next;
                    f = Math.min(f, fNext);
                    step *= 2;
                    break;
                }
                step /= 2;
            }
            if (!moved) {
                break;
            }
        }
        return w;
    }

    @Override
    protected void saveMore(PlainState.Builder b) {
        b.put("dualWeights", dualWeights);
    }

    @Override
    protected void restoreMore(PlainState s) {
        dualWeights = s.getDoubles("dualWeights");
    }
}
