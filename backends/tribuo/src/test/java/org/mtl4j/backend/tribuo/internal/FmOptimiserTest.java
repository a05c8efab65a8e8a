package org.mtl4j.backend.tribuo.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.spec.OptimizerSpec;
import org.tribuo.math.LinearParameters;
import org.tribuo.math.la.DenseMatrix;
import org.tribuo.math.la.Tensor;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.math.optimisers.Adam;

/** The optimisers against hand-computed steps, Tribuo's AdaGrad, and a Newton-method optimum. */
class FmOptimiserTest {
    private static final double[] G = {0.5, -0.2};

    /** Two updates of a scalar parameter starting at 1 with gradients 0.5 then -0.2. */
    private static double[] twoSteps(OptimizerSpec spec) {
        FmOptimiser o = FmOptimiser.of(spec);
        double[][] theta = {{1.0}};
        o.init(List.<double[][]>of(theta));
        double[] out = new double[2];
        for (int t = 0; t < 2; t++) {
            o.update(0, theta, new double[][] {{G[t]}}, null, 1.0, t + 1);
            out[t] = theta[0][0];
        }
        return out;
    }

    @Test
    void adamMatchesKingmaAndBaAlgorithmOneByHand() {
        double[] th = twoSteps(OptimizerSpec.adam(0.1));
        // t=1: m=0.05, v=0.00025, mhat=0.5, vhat=0.25 -> step 0.1*0.5/(0.5+1e-8)
        assertThat(th[0]).isCloseTo(1 - 0.1 * 0.5 / (0.5 + 1e-8), within(1e-15));
        // t=2: m=0.025, v=0.00028975, mhat=0.025/0.19, vhat=0.00028975/0.001999
        double step2 = 0.1 * (0.025 / 0.19) / (Math.sqrt(0.00028975 / 0.001999) + 1e-8);
        assertThat(th[1]).isCloseTo(th[0] - step2, within(1e-12));
        assertThat(th[1]).isCloseTo(0.865439, within(1e-6));
    }

    @Test
    void adamwDecaysTheWeightsApartFromTheGradient() {
        double[] th = twoSteps(OptimizerSpec.adamw(0.1, 0.1));
        assertThat(th[0]).isCloseTo(1 - 0.1 * (0.5 / (0.5 + 1e-8) + 0.1 * 1.0), within(1e-12));
        double step2 = 0.1 * ((0.025 / 0.19) / (Math.sqrt(0.00028975 / 0.001999) + 1e-8) + 0.1 * th[0]);
        assertThat(th[1]).isCloseTo(th[0] - step2, within(1e-12));
    }

    @Test
    void adagradAndSgdWithMomentumMatchHandComputedSteps() {
        double[] ada = twoSteps(OptimizerSpec.adagrad(0.1));
        assertThat(ada[0]).isCloseTo(1 - 0.1 * 0.5 / (0.5 + 1e-8), within(1e-12));
        assertThat(ada[1]).isCloseTo(ada[0] + 0.1 * 0.2 / (Math.sqrt(0.29) + 1e-8), within(1e-12));
        double[] sgd = twoSteps(OptimizerSpec.sgd(0.1, 0.9));
        assertThat(sgd[0]).isCloseTo(0.95, within(1e-15));
        assertThat(sgd[1]).isCloseTo(0.95 - 0.1 * (0.9 * 0.5 - 0.2), within(1e-15));
    }

    @Test
    void sparseUpdatesTouchOnlyTheSupportRowsAndTheirState() {
        FmOptimiser o = FmOptimiser.of(OptimizerSpec.adam(0.1));
        double[][] theta = {{1.0, 2.0}, {3.0, 4.0}};
        o.init(List.<double[][]>of(theta));
        double[][] g = {{9.0, 9.0}, {0.5, 0.5}};
        o.update(0, theta, g, new int[] {1}, 1.0, 1);
        assertThat(theta[0]).containsExactly(1.0, 2.0);
        assertThat(theta[1][0]).isCloseTo(2.9, within(1e-7));
        // row 0's moments never moved: a later dense step on it is a first Adam step
        o.update(0, theta, new double[][] {{0.5, 0.5}, {0, 0}}, new int[] {0}, 1.0, 2);
        double c1 = 1 - 0.81;
        double c2 = 1 - 0.998001;
        double expect = 1.0 - 0.1 * (0.05 / c1) / (Math.sqrt(0.00025 / c2) + 1e-8);
        assertThat(theta[0][0]).isCloseTo(expect, within(1e-12));
    }

    @Test
    void adagradMatchesTribuosAdagradStepForStep() {
        Random r = new Random(5);
        FmOptimiser ours = FmOptimiser.of(new OptimizerSpec("adagrad", 0.3, 0.9, 0.999, 1e-6, 0, 0));
        double[][] theta = new double[2][3];
        ours.init(List.<double[][]>of(theta));
        LinearParameters tp = new LinearParameters(3, 2); // weights: 2 x 3 (outputs x features)
        AdaGrad tribuo = new AdaGrad(0.3, 1e-6);
        tribuo.initialise(tp);
        for (int step = 1; step <= 20; step++) {
            double[][] g = new double[2][3];
            DenseMatrix neg = new DenseMatrix(2, 3);
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 3; j++) {
                    g[i][j] = r.nextGaussian();
                    neg.set(i, j, -g[i][j]); // Tribuo adds its updates: hand it the descent direction
                }
            }
            ours.update(0, theta, g, null, 1.0, step);
            tp.update(tribuo.step(new Tensor[] {neg}, 1.0));
        }
        DenseMatrix w = tp.getWeightMatrix();
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                assertThat(theta[i][j]).isCloseTo(w.get(i, j), within(1e-12));
            }
        }
    }

    @Test
    void tribuo432AdamStepIsThousandsOfTimesTooSmallWhichIsWhyWeHaveOurOwn() {
        LinearParameters tp = new LinearParameters(1, 1);
        Adam tribuo = new Adam(0.1, 0.9, 0.999, 1e-8);
        tribuo.initialise(tp);
        DenseMatrix neg = new DenseMatrix(1, 1);
        neg.set(0, 0, -0.5);
        tp.update(tribuo.step(new Tensor[] {neg}, 1.0));
        double tribuoStep = Math.abs(tp.getWeightMatrix().get(0, 0));
        double ourStep = 1 - twoSteps(OptimizerSpec.adam(0.1))[0];
        assertThat(ourStep).isCloseTo(0.1, within(1e-7));
        // Tribuo 4.3.2 multiplies by sqrt(v)+eps instead of dividing (fixed upstream after 4.3.2)
        assertThat(tribuoStep).isLessThan(ourStep / 1000);
    }

    /** A fixed logistic-regression problem: 400 rows, 4 features plus intercept. */
    private static final double[][] X = new double[400][5];
    private static final double[] Y = new double[400];

    static {
        Random r = new Random(11);
        double[] w = {0.8, -1.2, 0.5, 0.0, -0.3};
        for (int i = 0; i < X.length; i++) {
            X[i][4] = 1;
            double z = 0;
            for (int j = 0; j < 4; j++) {
                X[i][j] = r.nextGaussian();
            }
            for (int j = 0; j < 5; j++) {
                z += w[j] * X[i][j];
            }
            Y[i] = r.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
        }
    }

    private static double lossAndGrad(double[] w, double[] grad, double[][] hess) {
        double loss = 0;
        java.util.Arrays.fill(grad, 0);
        for (int i = 0; i < X.length; i++) {
            double z = 0;
            for (int j = 0; j < 5; j++) {
                z += w[j] * X[i][j];
            }
            double p = 1 / (1 + Math.exp(-z));
            loss += Math.max(z, 0) - z * Y[i] + Math.log1p(Math.exp(-Math.abs(z)));
            for (int j = 0; j < 5; j++) {
                grad[j] += (p - Y[i]) * X[i][j] / X.length;
                if (hess != null) {
                    for (int k = 0; k < 5; k++) {
                        hess[j][k] += p * (1 - p) * X[i][j] * X[i][k] / X.length;
                    }
                }
            }
        }
        return loss / X.length;
    }

    /** The reference: Newton's method (IRLS) to machine precision. */
    private static double newtonOptimum() {
        double[] w = new double[5];
        double[] g = new double[5];
        for (int it = 0; it < 30; it++) {
            double[][] h = new double[5][5];
            lossAndGrad(w, g, h);
            double[] d = solve(h, g);
            for (int j = 0; j < 5; j++) {
                w[j] -= d[j];
            }
        }
        return lossAndGrad(w, g, null);
    }

    private static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        double[][] m = new double[n][n + 1];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a[i], 0, m[i], 0, n);
            m[i][n] = b[i];
        }
        for (int c = 0; c < n; c++) {
            int p = c;
            for (int r = c + 1; r < n; r++) {
                if (Math.abs(m[r][c]) > Math.abs(m[p][c])) {
                    p = r;
                }
            }
            double[] t = m[c];
            m[c] = m[p];
            m[p] = t;
            for (int r = 0; r < n; r++) {
                if (r != c) {
                    double f = m[r][c] / m[c][c];
                    for (int k = c; k <= n; k++) {
                        m[r][k] -= f * m[c][k];
                    }
                }
            }
        }
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = m[i][n] / m[i][i];
        }
        return x;
    }

    @Test
    void everyOptimiserReachesTheNewtonOptimumOfALogisticRegression() {
        double optimum = newtonOptimum();
        assertThat(optimum).isBetween(0.3, 0.69);
        for (OptimizerSpec spec : List.of(OptimizerSpec.adam(0.05), OptimizerSpec.adamw(0.05, 0.0),
                OptimizerSpec.adagrad(0.5), OptimizerSpec.sgd(0.5, 0.9))) {
            FmOptimiser o = FmOptimiser.of(spec);
            double[][] w = new double[1][5];
            o.init(List.<double[][]>of(w));
            double[] g = new double[5];
            for (int t = 1; t <= 3000; t++) {
                lossAndGrad(w[0], g, null);
                o.update(0, w, new double[][] {g.clone()}, null, 1.0, t);
            }
            double loss = lossAndGrad(w[0], g, null);
            assertThat(loss).as(spec.name()).isCloseTo(optimum, within(1e-6));
        }
    }
}
