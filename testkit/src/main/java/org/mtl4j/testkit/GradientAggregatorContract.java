package org.mtl4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.mtl4j.api.backend.ArrayGradientVector;
import org.mtl4j.api.backend.GradientVector;
import org.mtl4j.api.balance.AggregationContext;
import org.mtl4j.api.balance.GradientAggregator;
import org.mtl4j.api.spec.PluginRef;

/**
 * The contract of a {@link GradientAggregator}: extend it and implement {@link #factory()}. It checks
 * finite outputs of the right length for finite inputs, that identical task gradients give that
 * gradient back (times {@link #identicalScale(int)}), that all-zero gradients give zero, that the
 * inputs are left untouched, and task-order invariance where {@link #orderInvariant()} promises it.
 */
public abstract class GradientAggregatorContract {

    protected abstract GradientAggregator.Factory factory();

    protected PluginRef params() {
        return PluginRef.of("under-test");
    }

    /**
     * Scale s such that T identical gradients g aggregate to s*g (1 for mean-like methods, T for sums),
     * or NaN when the method only promises a positive multiple of g (e.g. Nash-MTL, whose scale
     * depends on the norm of g).
     */
    protected abstract double identicalScale(int tasks);

    /** Whether permuting the tasks leaves the result unchanged (false for randomised methods). */
    protected boolean orderInvariant() {
        return true;
    }

    /** Runs the whole contract on this plugin. */
    @TestFactory
    Stream<DynamicTest> gradientAggregatorContract() {
        return suite(factory(), params(), this::identicalScale, orderInvariant());
    }

    /** The contract as dynamic tests, for suites that run it over many aggregators. */
    public static Stream<DynamicTest> suite(GradientAggregator.Factory factory, PluginRef params,
            java.util.function.IntToDoubleFunction identicalScale, boolean orderInvariant) {
        Checks c = new Checks(factory, params, identicalScale, orderInvariant);
        Stream<DynamicTest> perT = java.util.stream.IntStream.of(2, 3, 5).boxed().flatMap(t -> Stream.of(
                DynamicTest.dynamicTest("finite output of the right length (" + t + " tasks)", () -> c.finiteOutputOfTheRightLength(t)),
                DynamicTest.dynamicTest("identical gradients come back (" + t + " tasks)", () -> c.identicalGradientsComeBack(t))));
        return Stream.concat(perT, Stream.of(
                DynamicTest.dynamicTest("zero gradients give zero", c::zeroGradientsGiveZero),
                DynamicTest.dynamicTest("one zero gradient among others stays finite", c::oneZeroGradientAmongOthersStaysFinite),
                DynamicTest.dynamicTest("inputs are not modified", c::inputsAreNotModified),
                DynamicTest.dynamicTest("task order does not matter where promised", c::taskOrderDoesNotMatterWherePromised)));
    }

    private record Checks(GradientAggregator.Factory factory, PluginRef params,
            java.util.function.IntToDoubleFunction identicalScaleFn, boolean orderInvariant) {

    private GradientAggregator create(int tasks) {
        return factory.create(Fixtures.context(params, tasks, 3L));
    }

    private static AggregationContext ctx(int tasks, long step) {
        double[] ones = new double[tasks];
        java.util.Arrays.fill(ones, 1.0);
        return new AggregationContext(step, 0, ones.clone(), ones);
    }

    void finiteOutputOfTheRightLength(int tasks) {
        GradientAggregator agg = create(tasks);
        for (long step = 0; step < 5; step++) {
            List<GradientVector> grads = Gradients.random(tasks, 40, 100 + step);
            GradientVector out = ArrayGradientVector.zeros(40);
            agg.aggregate(grads, out, ctx(tasks, step));
            assertThat(out.length()).isEqualTo(40);
            assertThat(out.isFinite()).as("finite output at step %d", step).isTrue();
        }
    }

    void identicalGradientsComeBack(int tasks) {
        GradientVector g = Gradients.random(1, 12, 5).get(0);
        List<GradientVector> grads = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            grads.add(g.copy());
        }
        GradientVector out = ArrayGradientVector.zeros(12);
        create(tasks).aggregate(grads, out, ctx(tasks, 0));
        double s = identicalScaleFn.applyAsDouble(tasks);
        if (Double.isNaN(s)) {
            assertThat(out.dot(g)).as("aggregate points along g").isPositive();
            assertThat(Gradients.cosine(out, g)).as("cosine of aggregate and g").isCloseTo(1.0, within(1e-6));
            return;
        }
        double[] expected = g.toArray();
        double[] actual = out.toArray();
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("element %d", i).isCloseTo(s * expected[i], within(1e-6 * Math.max(1, Math.abs(s * expected[i]))));
        }
    }

    void zeroGradientsGiveZero() {
        List<GradientVector> grads = List.of(ArrayGradientVector.zeros(6), ArrayGradientVector.zeros(6), ArrayGradientVector.zeros(6));
        GradientVector out = new ArrayGradientVector(1, 1, 1, 1, 1, 1);
        create(3).aggregate(grads, out, ctx(3, 0));
        assertThat(out.isFinite()).isTrue();
        assertThat(out.norm()).isCloseTo(0.0, within(1e-12));
    }

    void oneZeroGradientAmongOthersStaysFinite() {
        List<GradientVector> grads = new ArrayList<>(Gradients.random(2, 10, 9));
        grads.add(ArrayGradientVector.zeros(10));
        GradientVector out = ArrayGradientVector.zeros(10);
        create(3).aggregate(grads, out, ctx(3, 0));
        assertThat(out.isFinite()).isTrue();
    }

    void inputsAreNotModified() {
        List<GradientVector> grads = Gradients.random(3, 20, 21);
        List<GradientVector> before = Gradients.copies(grads);
        create(3).aggregate(grads, ArrayGradientVector.zeros(20), ctx(3, 0));
        for (int t = 0; t < 3; t++) {
            assertThat(grads.get(t).toArray()).as("task %d gradient", t).containsExactly(before.get(t).toArray());
        }
    }

    void taskOrderDoesNotMatterWherePromised() {
        org.junit.jupiter.api.Assumptions.assumeTrue(orderInvariant, "the method is randomised or order-dependent by design");
        List<GradientVector> grads = Gradients.random(3, 15, 33);
        GradientVector a = ArrayGradientVector.zeros(15);
        create(3).aggregate(Gradients.copies(grads), a, ctx(3, 0));
        List<GradientVector> reversed = new ArrayList<>(Gradients.copies(grads));
        Collections.reverse(reversed);
        GradientVector b = ArrayGradientVector.zeros(15);
        create(3).aggregate(reversed, b, ctx(3, 0));
        double[] x = a.toArray();
        double[] y = b.toArray();
        for (int i = 0; i < x.length; i++) {
            assertThat(y[i]).as("element %d", i).isCloseTo(x[i], within(1e-6 * Math.max(1, Math.abs(x[i]))));
        }
    }
    }
}
