package org.mtl4j.balancers.aggregation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.backend.GradientVector;
import org.mtl4j.balancers.TestVectors;

/**
 * Two tasks pulling a shared parameter vector in conflicting directions (cosine &lt; 0): the plain sum
 * makes one task worse (g_k . sum &lt; 0), while the surgery and multi-objective methods give an update
 * that no task's first-order loss change opposes.
 */
class ConflictReductionTest {

    private static List<GradientVector> conflictingPair(Random rng) {
        while (true) {
            List<GradientVector> g = TestVectors.random(rng.nextLong(), 2, 6);
            g.get(1).scale(1 + 4 * rng.nextDouble());
            double[] a = g.get(0).toArray();
            double[] b = g.get(1).toArray();
            double[] s = new double[a.length];
            for (int i = 0; i < a.length; i++) {
                s[i] = a[i] + b[i];
            }
            // conflict, and the sum hurts one task
            if (TestVectors.dot(a, b) < 0 && Math.min(TestVectors.dot(a, s), TestVectors.dot(b, s)) < 0) {
                return g;
            }
        }
    }

    private static double worst(List<GradientVector> g, double[] out) {
        double w = Double.MAX_VALUE;
        for (GradientVector gk : g) {
            w = Math.min(w, TestVectors.dot(gk.toArray(), out));
        }
        return w;
    }

    @Test
    void pcgradMgdaImtlAndNashNeverOpposeATaskOfAConflictingPair() {
        Random rng = new Random(2024);
        for (int trial = 0; trial < 200; trial++) {
            List<GradientVector> g = conflictingPair(rng);
            double[] sum = TestVectors.run(new SumAggregator(2), g);
            assertThat(worst(g, sum)).isNegative();
            for (CoefficientAggregator agg : List.of(new PcGrad(2, trial), new Mgda(2, 1000), new ImtlG(2), new NashMtl(2, 0))) {
                double[] out = TestVectors.run(agg, g);
                assertThat(worst(g, out)).as("%s trial %d", agg.name(), trial).isGreaterThanOrEqualTo(-1e-12);
            }
        }
    }

    @Test
    void mgdaIsACommonDescentDirectionForFiveTasks() {
        Random rng = new Random(7);
        for (int trial = 0; trial < 100; trial++) {
            List<GradientVector> g = TestVectors.random(rng.nextLong(), 5, 8);
            double[] out = TestVectors.run(new Mgda(5, 1000), g);
            // KKT of the min-norm problem: g_k . p >= |p|^2 for every k
            assertThat(worst(g, out) / 5).isGreaterThanOrEqualTo(TestVectors.dot(out, out) / 25 * (1 - 1e-9) - 1e-12);
        }
    }

    @Test
    void cagradImprovesTheWorstTaskOverTheMean() {
        Random rng = new Random(11);
        for (int trial = 0; trial < 100; trial++) {
            List<GradientVector> g = trial % 2 == 0 ? conflictingPair(rng) : TestVectors.random(rng.nextLong(), 3, 6);
            int t = g.size();
            double c = 0.5;
            double[] d = TestVectors.run(new CaGrad(t, c, 500), g);
            double[] mean = TestVectors.run(new CaGrad(t, 0, 500), g);
            for (int i = 0; i < d.length; i++) {
                d[i] *= 1 + c * c; // undo the (1 + c^2) rescale: d is the maximiser within the ball around g0
            }
            assertThat(worst(g, d)).as("trial %d", trial).isGreaterThanOrEqualTo(worst(g, mean) - 1e-9);
        }
    }
}
