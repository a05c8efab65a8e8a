package org.mtl4j.balancers.aggregation;

import org.mtl4j.api.balance.AggregationContext;
import org.mtl4j.api.balance.GradientAggregator;
import org.mtl4j.balancers.internal.Factories;
import org.mtl4j.balancers.internal.Params;
import org.mtl4j.balancers.internal.SmallLinAlg;

/**
 * {@code aligned-mtl}: Aligned-MTL (Senushkin, Patakin, Kuznetsov &amp; Konushin, "Independent Component
 * Alignment for Multi-Task Learning", CVPR 2023, Alg. 1). With G the n x T matrix of task gradients,
 * eigen-decompose the Gram matrix {@code M = G^T G = V Lambda V^T}, keep the R eigenvalues above
 * {@code lambda_max * T * 1.19e-7} (the authors' float32 rank tolerance), and balance the singular values of
 * G to the smallest kept one:
 * <pre>
 *   B = sqrt(lambda_R) V_R Lambda_R^{-1/2} V_R^T,     G' = G B,     out = G' 1 = sum_k alpha_k g_k,  alpha = B 1
 * </pre>
 * so that the combined system has condition number 1 (eq. 9-10). The task weights of their Alg. 1 are
 * already applied to the gradients handed over, so the weight vector here is 1. The eigen-decomposition
 * is the cyclic Jacobi solver. T identical gradients g give T g; all-zero gradients give 0.
 */
public final class AlignedMtl extends CoefficientAggregator {
    public static final String NAME = "aligned-mtl";
    private static final double RANK_TOL = 1.1920929e-7;

    public AlignedMtl(int tasks) {
        super(NAME, tasks);
    }

    public static GradientAggregator.Factory factory() {
        return Factories.aggregator("Aligned-MTL, Senushkin et al. CVPR 2023: equalise the singular values of the gradient matrix",
                Factories.defaults(), ctx -> {
                    Params.of("gradient aggregator", ctx, Factories.defaults());
                    return new AlignedMtl(ctx.taskCount());
                });
    }

    @Override
    protected double[] coefficients(double[][] m, int[] tasks, AggregationContext ctx) {
        int t = m.length;
        SmallLinAlg.Eigen eig = SmallLinAlg.symmetricEigen(m);
        double[] lambda = eig.values();
        double tol = Math.max(lambda[0], 0) * t * RANK_TOL;
        int rank = 0;
        while (rank < t && lambda[rank] > tol) {
            rank++;
        }
        double[] alpha = new double[t];
        if (rank == 0) {
            return alpha;
        }
        double smallest = Math.sqrt(lambda[rank - 1]);
        double[][] v = eig.vectors();
        for (int k = 0; k < rank; k++) {
            double colSum = 0;
            for (int i = 0; i < t; i++) {
                colSum += v[i][k];
            }
            double f = smallest / Math.sqrt(lambda[k]) * colSum;
            for (int j = 0; j < t; j++) {
                alpha[j] += v[j][k] * f;
            }
        }
        return alpha;
    }
}
