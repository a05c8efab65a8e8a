package org.mtl4j.balancers.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mtl4j.api.backend.GradientVector;
import org.mtl4j.api.balance.GradientAggregator;
import org.mtl4j.balancers.Balancers;
import org.mtl4j.balancers.TestVectors;

/** Properties every aggregator must have, over seeded random gradients, on two GradientVector implementations. */
class AggregatorPropertiesTest {

    static Stream<String> names() {
        return Balancers.gradientAggregators().keySet().stream();
    }

    /** Identical inputs g: the documented output, factor * g (nash-mtl: sqrt(T) g / |g|). */
    private static double identicalFactor(String name, int t, double norm) {
        return switch (name) {
            case "cagrad" -> 1.5 / 1.25;
            case "imtl-g" -> 1;
            case "nash-mtl" -> Math.sqrt(t) / norm;
            default -> t;
        };
    }

    /** Methods whose result does not depend on the order of the tasks (up to rounding). */
    private static boolean orderInvariant(String name, int t) {
        return !(name.equals("pcgrad") || name.equals("gradvac")) || t == 2;
    }

    private static GradientAggregator create(String name, int tasks) {
        return Balancers.gradientAggregators().get(name).create(TestVectors.ctx(name, tasks));
    }

    @ParameterizedTest
    @MethodSource("names")
    void identicalGradientsComeBackWithTheDocumentedScale(String name) {
        for (int t : new int[] {1, 2, 3, 5}) {
            double[] g = {0.3, -1.2, 2.0, 0.0, 0.7};
            List<GradientVector> grads = new ArrayList<>();
            for (int k = 0; k < t; k++) {
                grads.add(TestVectors.v(g));
            }
            double[] out = TestVectors.run(create(name, t), grads);
            double f = identicalFactor(name, t, TestVectors.norm(g));
            // nash-mtl's ridge (damping 1e-8 * trace / T) shifts its alphas by about 1e-8 relative
            double tol = name.equals("nash-mtl") ? 1e-7 : 1e-9;
            for (int i = 0; i < g.length; i++) {
                assertThat(out[i]).as("%s, T=%d, element %d", name, t, i).isCloseTo(f * g[i], within(tol));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("names")
    void zeroGradientsGiveZeroWithoutNaN(String name) {
        for (int t : new int[] {1, 2, 4}) {
            List<GradientVector> grads = new ArrayList<>();
            for (int k = 0; k < t; k++) {
                grads.add(TestVectors.v(new double[6]));
            }
            GradientAggregator agg = create(name, t);
            assertThat(TestVectors.run(agg, grads)).as("%s, T=%d", name, t).containsOnly(0.0);
            for (double c : agg.lastCoefficients()) {
                assertThat(c).isFinite();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("names")
    void aTaskWithAZeroGradientTakesNoPart(String name) {
        // a task without labels in the batch: the result is that of the other tasks alone
        List<GradientVector> two = TestVectors.random(2, 2, 7);
        List<GradientVector> three = new ArrayList<>(List.of(two.get(0), TestVectors.v(new double[7]), two.get(1)));
        GradientAggregator agg = create(name, 3);
        GradientAggregator ref = create(name, 2);
        for (int step = 0; step < 3; step++) {
            double[] out = TestVectors.run(agg, three);
            double[] expected = TestVectors.run(ref, two);
            for (double x : out) {
                assertThat(x).as(name).isFinite();
            }
            assertThat(TestVectors.norm(out)).as(name).isPositive();
            assertThat(out).as(name).containsExactly(expected, within(1e-12 * (1 + TestVectors.norm(expected))));
            if (!name.equals("graddrop")) { // element-wise: no coefficients
                assertThat(agg.lastCoefficients()[1]).isZero();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("names")
    void randomGradientsGiveFiniteOutputsAndLeaveTheInputsAlone(String name) {
        Random seeds = new Random(99);
        for (int t : new int[] {2, 3, 5}) {
            GradientAggregator agg = create(name, t);
            for (int trial = 0; trial < 20; trial++) {
                List<GradientVector> grads = TestVectors.random(seeds.nextLong(), t, 11);
                List<double[]> before = grads.stream().map(GradientVector::toArray).toList();
                double[] out = TestVectors.run(agg, grads);
                assertThat(out).hasSize(11);
                for (double x : out) {
                    assertThat(x).as("%s T=%d trial %d", name, t, trial).isFinite();
                }
                for (int k = 0; k < t; k++) {
                    assertThat(grads.get(k).toArray()).containsExactly(before.get(k));
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("names")
    void taskOrderDoesNotMatterWhereTheMethodPromisesIt(String name) {
        for (int t : new int[] {2, 3, 4}) {
            if (!orderInvariant(name, t)) {
                continue;
            }
            List<GradientVector> grads = TestVectors.random(17 + t, t, 9);
            double[] out = TestVectors.run(create(name, t), grads);
            List<GradientVector> reversed = new ArrayList<>(grads);
            java.util.Collections.reverse(reversed);
            double[] outReversed = TestVectors.run(create(name, t), reversed);
            double tol = name.equals("cagrad") ? 1e-6 : 1e-9;
            assertThat(outReversed).as("%s T=%d", name, t).containsExactly(out, within(tol * (1 + TestVectors.norm(out))));
        }
    }

    @ParameterizedTest
    @MethodSource("names")
    void worksOnAnotherGradientVectorImplementation(String name) {
        List<GradientVector> arrays = TestVectors.random(5, 3, 6);
        List<GradientVector> others = arrays.stream().map(g -> (GradientVector) new TestVectors.OtherVector(g.toArray())).toList();
        double[] a = TestVectors.run(create(name, 3), arrays);
        double[] b = TestVectors.run(create(name, 3), others);
        assertThat(b).containsExactly(a, within(1e-12));
    }

    @ParameterizedTest
    @ValueSource(strings = {"pcgrad", "mgda", "graddrop"})
    void mismatchedInputsAreRejectedWithTheirSizes(String name) {
        GradientAggregator agg = create(name, 2);
        List<GradientVector> three = TestVectors.random(1, 3, 4);
        assertThatThrownBy(() -> agg.aggregate(three, TestVectors.v(new double[4]), TestVectors.aggCtx(3)))
                .hasMessage("gradient aggregator '" + name + "' was created for 2 tasks, found 3 task gradients");
        List<GradientVector> uneven = List.of(TestVectors.v(1, 2, 3, 4), TestVectors.v(1, 2, 3));
        assertThatThrownBy(() -> agg.aggregate(uneven, TestVectors.v(new double[4]), TestVectors.aggCtx(2)))
                .hasMessage("gradient aggregator '" + name + "': task gradient 1 has length 3, expected 4 (the output's length)");
    }

    @ParameterizedTest
    @MethodSource("names")
    void nonFiniteGradientsReachTheOutputInsteadOfBeingHidden(String name) {
        List<GradientVector> grads = TestVectors.list(new double[] {1, Double.NaN}, new double[] {0.5, 1});
        double[] out = TestVectors.run(create(name, 2), grads);
        assertThat(Double.isFinite(out[0]) && Double.isFinite(out[1])).as(name).isFalse();
    }

    @org.junit.jupiter.api.Test
    void sameSeedSameResultForTheRandomisedMethods() {
        for (String name : List.of("pcgrad", "gradvac", "graddrop")) {
            List<GradientVector> grads = TestVectors.random(3, 5, 40);
            assertThat(TestVectors.run(create(name, 5), grads)).containsExactly(TestVectors.run(create(name, 5), grads));
        }
        Map<String, Double> none = Map.of();
        assertThat(none).isEmpty();
    }
}
