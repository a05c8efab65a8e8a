package org.mtl4j.balancers.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SmallLinAlgTest {

    @Test
    void eigenOfATwoByTwoByHand() {
        // [[2,1],[1,2]]: eigenvalues 3 (1,1)/sqrt2 and 1 (1,-1)/sqrt2
        SmallLinAlg.Eigen e = SmallLinAlg.symmetricEigen(new double[][] {{2, 1}, {1, 2}});
        assertThat(e.values()).containsExactly(new double[] {3, 1}, within(1e-14));
        double[] v0 = e.vector(0);
        assertThat(Math.abs(v0[0])).isCloseTo(Math.sqrt(0.5), within(1e-14));
        assertThat(v0[0] * v0[1]).isCloseTo(0.5, within(1e-14));
        double[] v1 = e.vector(1);
        assertThat(v1[0] * v1[1]).isCloseTo(-0.5, within(1e-14));
    }

    @Test
    void eigenReconstructsRandomSymmetricMatricesWithOrthonormalVectors() {
        Random rng = new Random(3);
        for (int n = 1; n <= 7; n++) {
            double[][] a = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = i; j < n; j++) {
                    a[i][j] = rng.nextGaussian();
                    a[j][i] = a[i][j];
                }
            }
            SmallLinAlg.Eigen e = SmallLinAlg.symmetricEigen(a);
            for (int k = 1; k < n; k++) {
                assertThat(e.values()[k]).isLessThanOrEqualTo(e.values()[k - 1]);
            }
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double rec = 0;
                    double orth = 0;
                    for (int k = 0; k < n; k++) {
                        rec += e.vectors()[i][k] * e.values()[k] * e.vectors()[j][k];
                        orth += e.vectors()[k][i] * e.vectors()[k][j];
                    }
                    assertThat(rec).as("A[%d][%d], n=%d", i, j, n).isCloseTo(a[i][j], within(1e-12));
                    assertThat(orth).isCloseTo(i == j ? 1 : 0, within(1e-12));
                }
            }
        }
    }

    @Test
    void solveAndSingularDetection() {
        double[] x = SmallLinAlg.solve(new double[][] {{0, 2}, {3, 1}}, new double[] {4, 5});
        // 2y = 4 -> y = 2; 3x + 2 = 5 -> x = 1 (needs a pivot swap)
        assertThat(x).containsExactly(new double[] {1, 2}, within(1e-14));
        assertThat(SmallLinAlg.solve(new double[][] {{1, 2}, {2, 4}}, new double[] {1, 2})).isNull();
        assertThat(SmallLinAlg.solve(new double[][] {{0, 0}, {0, 0}}, new double[] {1, 2})).isNull();
    }

    @Test
    void pseudoInverseGivesTheMinimumNormSolutionOfASingularSystem() {
        // x + y = 2 twice: minimum-norm solution (1, 1)
        double[] x = SmallLinAlg.pinvSolve(new double[][] {{1, 1}, {1, 1}}, new double[] {2, 2});
        assertThat(x).containsExactly(new double[] {1, 1}, within(1e-12));
        assertThat(SmallLinAlg.pinvSolve(new double[][] {{0, 0}, {0, 0}}, new double[] {1, 1}))
                .containsExactly(0.0, 0.0);
    }

    @Test
    void simplexProjectionByHand() {
        assertThat(SmallLinAlg.projectToSimplex(new double[] {0.5, 0.5})).containsExactly(new double[] {0.5, 0.5}, within(1e-15));
        assertThat(SmallLinAlg.projectToSimplex(new double[] {2, 0})).containsExactly(new double[] {1, 0}, within(1e-15));
        assertThat(SmallLinAlg.projectToSimplex(new double[] {1, 1, 1})).containsExactly(new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3},
                within(1e-15));
        // sorted 0.8, 0.6, -1: rho = 2, theta = (1.4 - 1) / 2 = 0.2
        assertThat(SmallLinAlg.projectToSimplex(new double[] {0.6, 0.8, -1})).containsExactly(new double[] {0.4, 0.6, 0},
                within(1e-15));
    }
}
