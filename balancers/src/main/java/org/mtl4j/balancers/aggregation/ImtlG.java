package org.mtl4j.balancers.aggregation;

import org.mtl4j.api.balance.AggregationContext;
import org.mtl4j.api.balance.GradientAggregator;
import org.mtl4j.balancers.internal.Factories;
import org.mtl4j.balancers.internal.Params;
import org.mtl4j.balancers.internal.SmallLinAlg;

/**
 * {@code imtl-g}: impartial gradient balancing (Liu, Li, Kuang, Xue, Chen, Yang, Liao &amp; Zhang, "Towards
 * Impartial Multi-task Learning", ICLR 2021, IMTL-G, eq. 5-6 and Alg. 1). It finds the combination
 * {@code g = sum_k alpha_k g_k} with {@code sum alpha_k = 1} whose projections onto every task's unit
 * gradient {@code u_k = g_k / ||g_k||} are equal. With {@code D = [g_1 - g_2, ..., g_1 - g_T]} and
 * {@code U = [u_1 - u_2, ..., u_1 - u_T]} (rows), the closed form is
 * <pre>
 *   alpha_{2..T} = g_1 U^T (D U^T)^{-1},   alpha_1 = 1 - sum_{k >= 2} alpha_k
 * </pre>
 * computed here from the Gram matrix ({@code g_a . u_b = M[a][b] / ||g_b||}). When {@code D U^T} is
 * singular (identical or collinear gradients) the minimum-norm pseudo-inverse solution is used, and a
 * zero task gradient has u_k = 0.
 *
 * <p><b>Scale:</b> the alphas sum to 1 as in the paper, so T identical gradients g give g (the mean).
 */
public final class ImtlG extends CoefficientAggregator {
    public static final String NAME = "imtl-g";

    public ImtlG(int tasks) {
        super(NAME, tasks);
    }

    public static GradientAggregator.Factory factory() {
        return Factories.aggregator("IMTL-G, Liu et al. ICLR 2021: equal projection of the update on every task's unit gradient",
                Factories.defaults(), ctx -> {
                    Params.of("gradient aggregator", ctx, Factories.defaults());
                    return new ImtlG(ctx.taskCount());
                });
    }

    @Override
    protected double[] coefficients(double[][] m, int[] tasks, AggregationContext ctx) {
        int t = m.length;
        if (t == 1) {
            return new double[] {1};
        }
        double[] norm = new double[t];
        for (int k = 0; k < t; k++) {
            norm[k] = Math.sqrt(Math.max(m[k][k], 0));
        }
        int n = t - 1;
        double[][] a = new double[n][n];
        double[] r = new double[n];
        for (int j = 0; j < n; j++) {
            r[j] = gu(m, norm, 0, 0) - gu(m, norm, 0, j + 1);
            for (int i = 0; i < n; i++) {
                a[i][j] = gu(m, norm, 0, 0) - gu(m, norm, 0, j + 1) - gu(m, norm, i + 1, 0) + gu(m, norm, i + 1, j + 1);
            }
        }
        // alpha (row) A = r  <=>  A^T alpha^T = r^T
        double[][] at = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                at[i][j] = a[j][i];
            }
        }
        double[] rest = SmallLinAlg.solve(at, r);
        if (rest == null) {
            rest = SmallLinAlg.pinvSolve(at, r);
        }
        double[] alpha = new double[t];
        double s = 0;
        for (int k = 0; k < n; k++) {
            alpha[k + 1] = rest[k];
            s += rest[k];
        }
        alpha[0] = 1 - s;
        return alpha;
    }

    /** {@code g_a . u_b}. */
    private static double gu(double[][] m, double[] norm, int a, int b) {
        return norm[b] > 0 ? m[a][b] / norm[b] : 0;
    }
}
