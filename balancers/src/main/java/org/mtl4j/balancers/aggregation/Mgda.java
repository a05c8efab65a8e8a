package org.mtl4j.balancers.aggregation;

import org.mtl4j.api.balance.PlainState;
import org.mtl4j.api.balance.AggregationContext;
import org.mtl4j.api.balance.GradientAggregator;
import org.mtl4j.balancers.internal.Factories;
import org.mtl4j.balancers.internal.Params;
import org.mtl4j.balancers.internal.SmallLinAlg;

/**
 * {@code mgda}: multiple-gradient descent (Sener &amp; Koltun, "Multi-Task Learning as Multi-Objective
 * Optimization", NeurIPS 2018). Finds the min-norm point of the convex hull of the task gradients,
 * {@code min_alpha ||sum_k alpha_k g_k||^2} over the simplex (eq. 3), which is a common descent direction
 * (or zero at a Pareto-stationary point):
 * <ul>
 *   <li>T = 2: the closed form of their Alg. 1, {@code gamma = clip(((g_2 - g_1) . g_2) / ||g_1 - g_2||^2, 0, 1)},
 *       {@code alpha = (gamma, 1 - gamma)};</li>
 *   <li>T &gt; 2: the Frank-Wolfe solver of their Alg. 2 on the Gram matrix: start at alpha = 1/T; pick
 *       {@code t = argmin_r (M alpha)_r}; line-search the segment between {@code sum alpha g} and g_t
 *       exactly (the closed form of Alg. 1). Plain Frank-Wolfe crawls when the optimum lies on a face of
 *       the simplex (a task weight that should be 0 decays like 1/k: 1e-3 relative error after 1000
 *       steps on a 3-task case), so it is extended with away steps (Lacoste-Julien &amp; Jaggi, NeurIPS
 *       2015, Alg. 1), which take weight off the vertex with the largest {@code (M alpha)_r} and converge
 *       linearly; stop when the Frank-Wolfe duality gap {@code alpha^T M alpha - min_r (M alpha)_r} is below
 *       1e-13 of {@code alpha^T M alpha}, or after {@code maxIterations}.</li>
 * </ul>
 * MGDA-UB (their section 3.3) takes the gradients with respect to the shared representation; here they
 * are those of the shared parameters the backend hands over, the solver being the same.
 *
 * <p><b>Scale:</b> the alphas sum to 1, so {@code sum alpha_k g_k} has the magnitude of a mean gradient;
 * the result is multiplied by T ({@code out = T sum_k alpha_k g_k}, {@link #lastCoefficients()} =
 * T alpha) so that identical task gradients g give T g, the same as {@code sum} and one weighted backward
 * pass, and a learning rate tuned with loss weighting carries over.
 */
public final class Mgda extends CoefficientAggregator {
    public static final String NAME = "mgda";
    static final java.util.Map<String, Double> DEFAULTS = Factories.defaults("maxIterations", 1000);
    private final int maxIterations;
    private double[] alphas = new double[0];

    public Mgda(int tasks, int maxIterations) {
        super(NAME, tasks);
        if (maxIterations < 1) {
            throw new IllegalArgumentException("mgda maxIterations must be >= 1, found " + maxIterations);
        }
        this.maxIterations = maxIterations;
    }

    public static GradientAggregator.Factory factory() {
        return Factories.aggregator("MGDA-UB, Sener & Koltun 2018: min-norm point of the task gradients' convex hull (Frank-Wolfe)",
                DEFAULTS, ctx -> {
                    Params p = Params.of("gradient aggregator", ctx, DEFAULTS);
                    return new Mgda(ctx.taskCount(), (int) p.atLeast("maxIterations", DEFAULTS.get("maxIterations"), 1));
                });
    }

    /** The simplex weights of the last step (they sum to 1). */
    public double[] alphas() {
        return alphas.clone();
    }

    @Override
    protected double[] coefficients(double[][] m, int[] tasks, AggregationContext ctx) {
        alphas = minNormWeights(m, maxIterations);
        double[] c = alphas.clone();
        for (int k = 0; k < c.length; k++) {
            c[k] *= c.length;
        }
        return c;
    }

    /** The weights on the simplex minimising {@code alpha^T M alpha} (Alg. 1 for 2 tasks, Alg. 2 beyond). */
    public static double[] minNormWeights(double[][] m, int maxIterations) {
        int t = m.length;
        if (t == 1) {
            return new double[] {1};
        }
        if (t == 2) {
            double denom = m[0][0] - 2 * m[0][1] + m[1][1];
            double gamma = denom > 0 ? clip01((m[1][1] - m[0][1]) / denom) : 0.5;
            return new double[] {gamma, 1 - gamma};
        }
        double[] alpha = new double[t];
        java.util.Arrays.fill(alpha, 1.0 / t);
        for (int iter = 0; iter < maxIterations; iter++) {
            double[] ma = SmallLinAlg.times(m, alpha);
            double ama = 0;
            for (int k = 0; k < t; k++) {
                ama += alpha[k] * ma[k];
            }
            int toward = 0;
            int away = -1;
            for (int r = 0; r < t; r++) {
                if (ma[r] < ma[toward]) {
                    toward = r;
                }
                if (alpha[r] > 0 && (away < 0 || ma[r] > ma[away])) {
                    away = r;
                }
            }
            double fwGap = ama - ma[toward];
            double awayGap = ma[away] - ama;
            if (!(fwGap > 1e-13 * Math.max(ama, Double.MIN_NORMAL))) {
                break;
            }
            double[] d = new double[t];
            double maxStep;
            boolean awayStep = !(fwGap >= awayGap || alpha[away] >= 1);
            if (!awayStep) {
                // Frank-Wolfe step of Alg. 2 toward the vertex of the smallest (M alpha)_r
                for (int k = 0; k < t; k++) {
                    d[k] = (k == toward ? 1 : 0) - alpha[k];
                }
                maxStep = 1;
            } else {
                // away step: move weight off the vertex of the largest (M alpha)_r
                for (int k = 0; k < t; k++) {
                    d[k] = alpha[k] - (k == away ? 1 : 0);
                }
                maxStep = alpha[away] / (1 - alpha[away]);
            }
            double dmd = SmallLinAlg.quad(d, m, d);
            double dma = 0;
            for (int k = 0; k < t; k++) {
                dma += d[k] * ma[k];
            }
            double gamma = dmd > 0 ? Math.max(0, Math.min(maxStep, -dma / dmd)) : maxStep;
            if (gamma == 0) {
                break;
            }
            for (int k = 0; k < t; k++) {
                alpha[k] = Math.max(0, alpha[k] + gamma * d[k]);
            }
            if (awayStep && gamma == maxStep) {
                alpha[away] = 0; // drop the vertex exactly
            }
        }
        return alpha;
    }

    private static double clip01(double x) {
        return Math.max(0, Math.min(1, x));
    }

    @Override
    protected void saveMore(PlainState.Builder b) {
        b.put("alphas", alphas);
    }

    @Override
    protected void restoreMore(PlainState s) {
        alphas = s.getDoubles("alphas");
    }
}
