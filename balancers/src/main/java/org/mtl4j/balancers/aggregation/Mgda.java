package org.mtl4j.balancers.aggregation;

import org.mtl4j.api.balance.AggregationContext;
import org.mtl4j.api.balance.GradientAggregator;
import org.mtl4j.balancers.internal.Factories;
import org.mtl4j.balancers.internal.Params;
import org.mtl4j.balancers.internal.SmallLinAlg;

/**
 * {@code mgda}: multiple-gradient descent (Sener & Koltun, "Multi-Task Learning as Multi-Objective
 * Optimization", NeurIPS 2018). Finds the min-norm point of the convex hull of the task gradients,
 * {@code min_alpha ||sum_k alpha_k g_k||^2} over the simplex (eq. 3), which is a common descent direction
 * (or zero at a Pareto-stationary point):
 * <ul>
 *   <li>T = 2: the closed form of their Alg. 1, {@code gamma = clip(((g_2 - g_1) . g_2) / ||g_1 - g_2||^2, 0, 1)},
 *       {@code alpha = (gamma, 1 - gamma)};</li>
 *   <li>T &gt; 2: the Frank-Wolfe solver of their Alg. 2 on the Gram matrix: start at alpha = 1/T; pick
 *       {@code t = argmin_r (M alpha)_r}; line-search the segment between {@code sum alpha g} and g_t
 *       with the closed form of Alg. 1; stop when the step changes alpha by less than 1e-10 or after
 *       {@code maxIterations}.</li>
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
    protected double[] coefficients(double[][] m, AggregationContext ctx) {
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
            int best = 0;
            for (int r = 1; r < t; r++) {
                if (ma[r] < ma[best]) {
                    best = r;
                }
            }
            double v1v1 = SmallLinAlg.quad(alpha, m, alpha);
            double v1v2 = ma[best];
            double v2v2 = m[best][best];
            double gamma = lineSearch(v1v1, v1v2, v2v2);
            double change = 0;
            for (int k = 0; k < t; k++) {
                double next = (1 - gamma) * alpha[k] + (k == best ? gamma : 0);
                change = Math.max(change, Math.abs(next - alpha[k]));
                alpha[k] = next;
            }
            if (change < 1e-10) {
                break;
            }
        }
        return alpha;
    }

    /** argmin over gamma in [0, 1] of {@code ||(1 - gamma) v1 + gamma v2||^2} given the three dot products. */
    static double lineSearch(double v1v1, double v1v2, double v2v2) {
        double denom = v1v1 - 2 * v1v2 + v2v2;
        return denom > 0 ? clip01((v1v1 - v1v2) / denom) : 0;
    }

    private static double clip01(double x) {
        return Math.max(0, Math.min(1, x));
    }
}
