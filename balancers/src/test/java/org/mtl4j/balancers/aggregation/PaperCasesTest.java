package org.mtl4j.balancers.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.mtl4j.balancers.TestVectors.dot;
import static org.mtl4j.balancers.TestVectors.list;
import static org.mtl4j.balancers.TestVectors.norm;
import static org.mtl4j.balancers.TestVectors.run;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.backend.GradientVector;
import org.mtl4j.balancers.TestVectors;
import org.mtl4j.balancers.internal.Grams;

/** Hand-computed cases from each aggregator's paper. */
class PaperCasesTest {
    private static final double S3 = Math.sqrt(3);

    @Test
    void pcgradAt120DegreesProjectsEachOntoTheOthersNormalPlane() {
        // g1 = (1, 0), g2 = (cos 120, sin 120); g1.g2 = -1/2 < 0:
        // g1' = g1 + 1/2 g2 = (3/4, sqrt3/4) (orthogonal to g2); g2' = g2 + 1/2 g1 = (0, sqrt3/2) (orthogonal to g1)
        PcGrad pc = new PcGrad(2, 1);
        double[] out = run(pc, list(new double[] {1, 0}, new double[] {-0.5, S3 / 2}));
        assertThat(out).containsExactly(new double[] {0.75, S3 / 4 + S3 / 2}, within(1e-15));
        assertThat(pc.lastCoefficients()).containsExactly(new double[] {1.5, 1.5}, within(1e-15));
        assertThat(dot(new double[] {0.75, S3 / 4}, new double[] {-0.5, S3 / 2})).isCloseTo(0, within(1e-15));
    }

    @Test
    void pcgradLeavesNonConflictingGradientsAlone() {
        double[] out = run(new PcGrad(2, 1), list(new double[] {1, 0}, new double[] {0.5, S3 / 2}));
        assertThat(out).containsExactly(new double[] {1.5, S3 / 2}, within(1e-15));
    }

    @Test
    void pcgradWithOneConflictingPairOfThree() {
        // g1.g2 = -1 (|g2|^2 = 2, |g1|^2 = 1), g3 orthogonal to both: g1' = g1 + g2/2 = (.5,.5,0),
        // g2' = g2 + g1 = (0,1,0), g3' = g3: sum (0.5, 1.5, 1) whatever the order
        for (long seed = 0; seed < 5; seed++) {
            double[] out = run(new PcGrad(3, seed), list(new double[] {1, 0, 0}, new double[] {-1, 1, 0}, new double[] {0, 0, 1}));
            assertThat(out).containsExactly(new double[] {0.5, 1.5, 1}, within(1e-15));
        }
    }

    @Test
    void mgdaTwoTaskClosedForm() {
        // g1 = (1,0), g2 = (0,2): gamma = (g2-g1).g2 / |g1-g2|^2 = 4/5; min-norm point (0.8, 0.4), orthogonal to g1 - g2
        Mgda m = new Mgda(2, 1000);
        double[] out = run(m, list(new double[] {1, 0}, new double[] {0, 2}));
        assertThat(m.alphas()).containsExactly(new double[] {0.8, 0.2}, within(1e-15));
        assertThat(out).containsExactly(new double[] {1.6, 0.8}, within(1e-15)); // T * min-norm point
        assertThat(m.lastCoefficients()).containsExactly(new double[] {1.6, 0.4}, within(1e-15));
    }

    @Test
    void mgdaPicksTheShorterGradientWhenItIsInTheOthersDirection() {
        // g2 = 2 g1: the min-norm point of the segment is g1 itself (gamma clipped to 1)
        Mgda m = new Mgda(2, 1000);
        run(m, list(new double[] {1, 0}, new double[] {2, 0}));
        assertThat(m.alphas()).containsExactly(1.0, 0.0);
    }

    @Test
    void mgdaFrankWolfeMatchesABruteForceSimplexGrid() {
        List<GradientVector> g = TestVectors.random(11, 3, 5);
        double[][] gram = Grams.of(g);
        double[] alpha = Mgda.minNormWeights(gram, 1000);
        double fw = quad(alpha, gram);
        double best = Double.MAX_VALUE;
        int n = 1000;
        for (int i = 0; i <= n; i++) {
            for (int j = 0; i + j <= n; j++) {
                double[] a = {i / (double) n, j / (double) n, (n - i - j) / (double) n};
                best = Math.min(best, quad(a, gram));
            }
        }
        assertThat(alpha[0] + alpha[1] + alpha[2]).isCloseTo(1, within(1e-12));
        for (double a : alpha) {
            assertThat(a).isGreaterThanOrEqualTo(0);
        }
        // the grid minimum is an upper bound of the true minimum, within its resolution
        assertThat(fw).isLessThanOrEqualTo(best + 1e-9).isGreaterThan(best - 1e-3 * best);
        // optimality (KKT): every g_k . p >= |p|^2 for the min-norm point p
        double[] p = combine(alpha, g);
        for (GradientVector gk : g) {
            assertThat(dot(gk.toArray(), p)).isGreaterThanOrEqualTo(dot(p, p) * (1 - 1e-3));
        }
    }

    @Test
    void cagradWithCZeroIsExactlyTheMean() {
        List<GradientVector> g = TestVectors.random(5, 4, 9);
        double[] out = run(new CaGrad(4, 0, 500), g);
        double[] mean = new double[9];
        for (GradientVector gk : g) {
            double[] a = gk.toArray();
            for (int i = 0; i < 9; i++) {
                mean[i] += a[i] / 4;
            }
        }
        assertThat(out).containsExactly(mean, within(1e-14));
    }

    @Test
    void cagradOnOrthogonalUnitGradientsByHand() {
        // g0 = (.5,.5), |g0| = sqrt(.5), radius = .5 |g0|; dual optimum w = (.5,.5), g_w = g0;
        // d = g0 + radius g_w/|g_w| = (.75,.75); / (1 + .25) = (.6, .6)
        CaGrad c = new CaGrad(2, 0.5, 500);
        double[] out = run(c, list(new double[] {1, 0}, new double[] {0, 1}));
        assertThat(out).containsExactly(new double[] {0.6, 0.6}, within(1e-9));
        assertThat(c.dualWeights()).containsExactly(new double[] {0.5, 0.5}, within(1e-6));
    }

    @Test
    void cagradDualMatchesAGridAndImprovesTheWorstTask() {
        List<GradientVector> g = list(new double[] {1, 0.2, 0}, new double[] {-0.6, 1, 0.1}, new double[] {0.1, -0.2, 2});
        double[][] gram = Grams.of(g);
        double c = 0.5;
        double sum = 0;
        for (double[] row : gram) {
            for (double x : row) {
                sum += x;
            }
        }
        double radius = c * Math.sqrt(sum) / 3;
        double[] w = CaGrad.solveDual(gram, radius, 500);
        double best = Double.MAX_VALUE;
        int n = 600;
        for (int i = 0; i <= n; i++) {
            for (int j = 0; i + j <= n; j++) {
                best = Math.min(best, CaGrad.objective(gram, new double[] {i / (double) n, j / (double) n, (n - i - j) / (double) n}, radius));
            }
        }
        assertThat(CaGrad.objective(gram, w, radius)).isLessThanOrEqualTo(best + 1e-9).isGreaterThan(best - 1e-3);
        double[] d = run(new CaGrad(3, c, 500), g);
        double[] mean = run(new CaGrad(3, 0, 500), g);
        double worstD = Double.MAX_VALUE;
        double worstMean = Double.MAX_VALUE;
        for (GradientVector gk : g) {
            worstD = Math.min(worstD, dot(gk.toArray(), d) * (1 + c * c));
            worstMean = Math.min(worstMean, dot(gk.toArray(), mean));
        }
        assertThat(worstD).isGreaterThan(worstMean);
    }

    @Test
    void imtlgOnOrthogonalGradientsByHand() {
        // g = a g1 + (1-a) g2 = (2a, 1-a) with equal projections on u1 = (1,0), u2 = (0,1): a = 1/3
        ImtlG m = new ImtlG(2);
        double[] out = run(m, list(new double[] {2, 0}, new double[] {0, 1}));
        assertThat(out).containsExactly(new double[] {2.0 / 3, 2.0 / 3}, within(1e-14));
        assertThat(m.lastCoefficients()).containsExactly(new double[] {1.0 / 3, 2.0 / 3}, within(1e-14));
    }

    @Test
    void imtlgGivesEqualProjectionsOnEveryUnitGradient() {
        List<GradientVector> g = TestVectors.random(21, 4, 10);
        ImtlG m = new ImtlG(4);
        double[] out = run(m, g);
        double first = dot(out, g.get(0).toArray()) / g.get(0).norm();
        for (GradientVector gk : g) {
            assertThat(dot(out, gk.toArray()) / gk.norm()).isCloseTo(first, within(1e-10 * Math.abs(first)));
        }
        double s = 0;
        for (double a : m.lastCoefficients()) {
            s += a;
        }
        assertThat(s).isCloseTo(1, within(1e-12));
    }

    @Test
    void gradvacFirstStepWithZeroTargetsIsThePcgradProjection() {
        GradVac gv = new GradVac(2, 0.01, 3);
        double[] out = run(gv, list(new double[] {1, 0}, new double[] {-0.5, S3 / 2}));
        assertThat(out).containsExactly(new double[] {0.75, S3 / 4 + S3 / 2}, within(1e-14));
        // EMA (eq. 5): phi_hat = 0.99 * 0 + 0.01 * (-0.5)
        assertThat(gv.targets()[0][1]).isCloseTo(-0.005, within(1e-15));
    }

    @Test
    void gradvacRaisesTheCosineExactlyToItsTarget() {
        GradVac gv = new GradVac(2, 0.5, 3);
        // equal norms, so both directions get the same coefficient w and out = (1 + w)(g1 + g2)
        List<GradientVector> g = list(new double[] {1, 0.3}, new double[] {0.3, 1});
        run(gv, g); // cos = 0.6 / 1.09 > 0 = target: unchanged, the target moves to cos / 2
        double cos = 0.6 / 1.09;
        assertThat(gv.targets()[0][1]).isCloseTo(cos / 2, within(1e-15));
        assertThat(gv.lastCoefficients()).containsExactly(new double[] {1, 1}, within(1e-15));
        // now orthogonal gradients (cos 0 < target): g1' = g1 + w g2 must have cosine = target with g2 (eq. 4)
        List<GradientVector> h = list(new double[] {1, -0.5}, new double[] {0.5, 1});
        double target = gv.targets()[0][1];
        run(gv, h);
        double w = gv.lastCoefficients()[0] - 1;
        assertThat(gv.lastCoefficients()[1] - 1).isCloseTo(w, within(1e-14));
        double[] g1p = {1 + w * 0.5, -0.5 + w * 1};
        double cosAfter = dot(g1p, h.get(1).toArray()) / (norm(g1p) * h.get(1).norm());
        assertThat(cosAfter).isCloseTo(target, within(1e-12));
        assertThat(gv.targets()[0][1]).isCloseTo(0.5 * target, within(1e-15)); // EMA with cos 0
    }

    @Test
    void graddropKeepsAgreeingSignsAndDrawsBySignPurity() {
        int n = 20_000;
        double[] a = new double[n];
        double[] b = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = 1;
            b[i] = -3; // P = 0.5 (1 + (1 - 3) / 4) = 0.25: keep +1 with probability 0.25, else -3
        }
        double[] out = run(new GradDrop(2, 0, 9), list(a, b));
        int positive = 0;
        for (double x : out) {
            assertThat(x).isIn(1.0, -3.0);
            positive += x > 0 ? 1 : 0;
        }
        assertThat(positive / (double) n).isCloseTo(0.25, within(0.015));
        double[] agree = run(new GradDrop(2, 0, 9), list(new double[] {1, -2, 0}, new double[] {2, -1, 0}));
        assertThat(agree).containsExactly(3, -3, 0);
        // leak 1: the plain sum; leak 0.5 on a dropped +1 / kept -3 element gives 0.5 * 1 - 3
        assertThat(run(new GradDrop(2, 1, 9), list(new double[] {1}, new double[] {-3}))).containsExactly(-2.0);
        double[] leaky = run(new GradDrop(2, 0.5, 9), list(a, b));
        for (double x : leaky) {
            assertThat(x).isIn(1 - 1.5, 0.5 - 3);
        }
    }

    @Test
    void alignedMtlRescalesOrthogonalGradientsToTheSmallestSingularValue() {
        // M = diag(9, 1): B = 1 * diag(1/3, 1); alpha = (1/3, 1); out = (1, 1)
        AlignedMtl a = new AlignedMtl(2);
        double[] out = run(a, list(new double[] {3, 0}, new double[] {0, 1}));
        assertThat(out).containsExactly(new double[] {1, 1}, within(1e-14));
        assertThat(a.lastCoefficients()).containsExactly(new double[] {1.0 / 3, 1}, within(1e-14));
    }

    @Test
    void alignedMtlBalancesRandomGradientsToConditionNumberOne() {
        // B M B = lambda_min I for a full-rank M, so |out|^2 = 1^T B M B 1 = T lambda_min
        List<GradientVector> g = TestVectors.random(4, 3, 8);
        double[] out = run(new AlignedMtl(3), g);
        double lambdaMin = org.mtl4j.balancers.internal.SmallLinAlg.symmetricEigen(Grams.of(g)).values()[2];
        assertThat(dot(out, out)).isCloseTo(3 * lambdaMin, within(1e-10 * lambdaMin));
    }

    @Test
    void alignedMtlOnCollinearGradientsIsTheSum() {
        // rank 1: v = (1,3)/sqrt10, B = v v^T, alpha = (0.4, 1.2), out = (4, 0)
        double[] out = run(new AlignedMtl(2), list(new double[] {1, 0}, new double[] {3, 0}));
        assertThat(out).containsExactly(new double[] {4, 0}, within(1e-13));
    }

    @Test
    void nashMtlOnOrthogonalGradientsByHand() {
        // M = diag(4, 1/4): alpha_i^2 M_ii = 1 -> alpha = (1/2, 2); out = (1, 1); g_i . out = 1/alpha_i
        NashMtl nash = new NashMtl(2, 0);
        double[] out = run(nash, list(new double[] {2, 0}, new double[] {0, 0.5}));
        assertThat(nash.lastCoefficients()).containsExactly(new double[] {0.5, 2}, within(1e-10));
        assertThat(out).containsExactly(new double[] {1, 1}, within(1e-10));
    }

    @Test
    void nashMtlSolvesTheBargainingSystemOnRandomGradients() {
        List<GradientVector> g = TestVectors.random(8, 4, 12);
        NashMtl nash = new NashMtl(4, 0);
        double[] out = run(nash, g);
        double[] alpha = nash.lastCoefficients();
        for (int k = 0; k < 4; k++) {
            assertThat(alpha[k]).isPositive();
            assertThat(dot(g.get(k).toArray(), out)).isCloseTo(1 / alpha[k], within(1e-9 / alpha[k]));
        }
    }

    @Test
    void nashMtlOnExactlyOpposedGradientsStaysFiniteAndZero() {
        double[] out = run(new NashMtl(2, 1e-8), list(new double[] {1, 2}, new double[] {-1, -2}));
        assertThat(out).containsExactly(new double[] {0, 0}, within(1e-9));
    }

    private static double quad(double[] a, double[][] m) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a.length; j++) {
                s += a[i] * m[i][j] * a[j];
            }
        }
        return s;
    }

    private static double[] combine(double[] alpha, List<GradientVector> g) {
        double[] p = new double[g.get(0).length()];
        for (int k = 0; k < alpha.length; k++) {
            double[] a = g.get(k).toArray();
            for (int i = 0; i < p.length; i++) {
                p[i] += alpha[k] * a[i];
            }
        }
        return p;
    }
}
