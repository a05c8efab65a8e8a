package org.mtl4j.balancers.aggregation;

import java.util.Map;
import org.mtl4j.api.balance.AggregationContext;
import org.mtl4j.api.balance.GradientAggregator;
import org.mtl4j.balancers.internal.Factories;
import org.mtl4j.balancers.internal.Params;
import org.mtl4j.balancers.internal.SmallLinAlg;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code nash-mtl}: the Nash bargaining solution (Navon, Shamsian, Achituve, Maron, Kawaguchi, Chechik &amp;
 * Fetaya, "Multi-Task Learning as a Bargaining Game", ICML 2022, Theorem 5.1): the update
 * {@code out = sum_k alpha_k g_k} with alpha &gt; 0 solving {@code G^T G alpha = 1 / alpha} element-wise,
 * i.e. every task's improvement {@code g_i . out = 1 / alpha_i}.
 *
 * <p>Solver (instead of the paper's sequence of convex programs via cvxpy): the system is the stationarity
 * condition of the strictly convex {@code f(alpha) = 1/2 alpha^T M alpha - sum_i log alpha_i} on
 * alpha &gt; 0, which is minimised by damped Newton: {@code (M + diag(1/alpha^2)) Delta = -(M alpha - 1/alpha)},
 * halving the step until alpha stays positive and f decreases by the Armijo rule, from
 * {@code alpha_i = 1 / sqrt(T M_ii)}, until the Newton decrement is below 1e-18 or 100 iterations.
 * M gets a ridge {@code damping * trace(M) / T} on its diagonal so that a solution always exists (when
 * gradients cancel exactly, e.g. g_2 = -g_1, the undamped alphas grow without bound while the update
 * stays 0). A task whose gradient is zero gets alpha = 0 and is left out of the system.
 *
 * <p><b>Scale:</b> the update is invariant to rescaling the gradients; T identical gradients g give
 * {@code sqrt(T) g / ||g||}, and orthogonal ones give {@code sum_k g_k / ||g_k||}.
 */
public final class NashMtl extends CoefficientAggregator {
    public static final String NAME = "nash-mtl";
    static final Map<String, Double> DEFAULTS = Factories.defaults("damping", 1e-8);
    private static final Logger LOG = LoggerFactory.getLogger(NashMtl.class);
    private final double damping;

    public NashMtl(int tasks, double damping) {
        super(NAME, tasks);
        if (!(damping >= 0) || Double.isInfinite(damping)) {
            throw new IllegalArgumentException("nash-mtl damping must be a finite number >= 0, found " + damping);
        }
        this.damping = damping;
    }

    public static GradientAggregator.Factory factory() {
        return Factories.aggregator("Nash-MTL, Navon et al. 2022: Nash bargaining update, solves G^T G alpha = 1/alpha",
                DEFAULTS, ctx -> {
                    Params p = Params.of("gradient aggregator", ctx, DEFAULTS);
                    return new NashMtl(ctx.taskCount(), p.atLeast("damping", DEFAULTS.get("damping"), 0));
                });
    }

    @Override
    protected double[] coefficients(double[][] m, int[] tasks, AggregationContext ctx) {
        int t = m.length;
        double maxDiag = 0;
        for (int i = 0; i < t; i++) {
            maxDiag = Math.max(maxDiag, m[i][i]);
        }
        double[] alpha = new double[t];
        if (!(maxDiag > 0)) {
            return alpha;
        }
        double threshold = 1e-24 * maxDiag;
        int[] active = java.util.stream.IntStream.range(0, t).filter(i -> m[i][i] > threshold).toArray();
        int n = active.length;
        double[][] a = new double[n][n];
        double trace = 0;
        for (int i = 0; i < n; i++) {
            trace += m[active[i]][active[i]];
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                a[i][j] = m[active[i]][active[j]];
            }
            a[i][i] += damping * trace / n;
        }
        double[] x = solve(a, m.length, ctx);
        for (int i = 0; i < n; i++) {
            alpha[active[i]] = x[i];
        }
        return alpha;
    }

    /** Damped Newton on f(alpha) = 1/2 alpha^T A alpha - sum log alpha_i. */
    static double[] solve(double[][] a, int tasks, AggregationContext ctx) {
        int n = a.length;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = 1 / Math.sqrt(n * a[i][i]);
        }
        double f = value(a, x);
        for (int iter = 0; iter < 100; iter++) {
            double[] ax = SmallLinAlg.times(a, x);
            double[] grad = new double[n];
            double[][] h = new double[n][];
            for (int i = 0; i < n; i++) {
                grad[i] = ax[i] - 1 / x[i];
                h[i] = a[i].clone();
                h[i][i] += 1 / (x[i] * x[i]);
            }
            double[] delta = SmallLinAlg.solve(h, negate(grad));
            if (delta == null) {
                delta = SmallLinAlg.pinvSolve(h, negate(grad));
            }
            double decrement = 0;
            for (int i = 0; i < n; i++) {
                decrement -= grad[i] * delta[i];
            }
            if (!(decrement > 1e-18)) {
                return x;
            }
            double step = 1;
            boolean accepted = false;
            for (int tries = 0; tries < 60 && !accepted; tries++, step /= 2) {
                double[] next = new double[n];
                boolean positive = true;
                for (int i = 0; i < n; i++) {
                    next[i] = x[i] + step * delta[i];
                    positive &= next[i] > 0;
                }
                if (!positive) {
                    continue;
                }
                double fNext = value(a, next);
                if (fNext <= f - 0.25 * step * decrement) {
                    x = next;
                    f = fNext;
                    accepted = true;
                }
            }
            if (!accepted) {
                return x;
            }
        }
        LOG.debug("nash-mtl: Newton did not converge in 100 iterations at step {} ({} tasks)",
                ctx == null ? -1 : ctx.step(), tasks);
        return x;
    }

    private static double value(double[][] a, double[] x) {
        double f = 0.5 * SmallLinAlg.quad(x, a, x);
        for (double xi : x) {
            f -= Math.log(xi);
        }
        return f;
    }

    private static double[] negate(double[] v) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = -v[i];
        }
        return r;
    }
}
