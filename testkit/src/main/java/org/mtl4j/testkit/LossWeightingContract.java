package org.mtl4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.mtl4j.api.backend.GradientVector;
import org.mtl4j.api.balance.LossWeighting;
import org.mtl4j.api.balance.WeightingContext;
import org.mtl4j.api.spec.PluginRef;

/**
 * The contract of a {@link LossWeighting}: extend it and implement {@link #factory()} (and
 * {@link #params()} if the weighting needs parameters). It checks finite, non-negative weights for
 * finite losses over many steps and epochs, that tasks without labelled rows do not break it, and,
 * when {@link #weightsSumTo()} says so, that weights stay normalised.
 */
public abstract class LossWeightingContract {

    protected abstract LossWeighting.Factory factory();

    /** The parameters the weighting is created with (none by default). */
    protected PluginRef params() {
        return PluginRef.of("under-test");
    }

    /** If the weighting keeps its weights summing to a constant for T tasks, that constant; NaN otherwise. */
    protected double weightsSumTo(int tasks) {
        return Double.NaN;
    }

    /** Runs the whole contract on this plugin. */
    @TestFactory
    Stream<DynamicTest> lossWeightingContract() {
        return suite(factory(), params(), this::weightsSumTo);
    }

    /**
     * The contract as dynamic tests, for suites that run it over many weightings.
     *
     * @param sumTo the constant the weights of T tasks sum to, or NaN
     */
    public static Stream<DynamicTest> suite(LossWeighting.Factory factory, PluginRef params,
            java.util.function.IntToDoubleFunction sumTo) {
        Checks c = new Checks(factory, params, sumTo);
        return Stream.of(
                DynamicTest.dynamicTest("weights finite, non-negative, normalised (1 task)", () -> c.weightsAreFiniteNonNegativeAndNormalised(1)),
                DynamicTest.dynamicTest("weights finite, non-negative, normalised (2 tasks)", () -> c.weightsAreFiniteNonNegativeAndNormalised(2)),
                DynamicTest.dynamicTest("weights finite, non-negative, normalised (3 tasks)", () -> c.weightsAreFiniteNonNegativeAndNormalised(3)),
                DynamicTest.dynamicTest("weights finite, non-negative, normalised (5 tasks)", () -> c.weightsAreFiniteNonNegativeAndNormalised(5)),
                DynamicTest.dynamicTest("a task without labels keeps weights finite", c::taskWithoutLabelsKeepsWeightsFinite),
                DynamicTest.dynamicTest("state is finite", c::stateIsFinite));
    }

    private record Checks(LossWeighting.Factory factory, PluginRef params, java.util.function.IntToDoubleFunction sumTo) {

    private LossWeighting create(int tasks) {
        return factory.create(Fixtures.context(params, tasks, 7L));
    }

    private static double[] losses(Random rng, int tasks, double scale) {
        double[] l = new double[tasks];
        for (int k = 0; k < tasks; k++) {
            l[k] = scale * (0.1 + rng.nextDouble());
        }
        return l;
    }

    /** Drives the weighting for 3 epochs of 20 steps and checks every weight vector. */
    void weightsAreFiniteNonNegativeAndNormalised(int tasks) {
        LossWeighting w = create(tasks);
        Random rng = new Random(11);
        long step = 0;
        for (int epoch = 0; epoch < 3; epoch++) {
            double[] sums = new double[tasks];
            for (int s = 0; s < 20; s++, step++) {
                double[] l = losses(rng, tasks, 1.0 / (1 + epoch));
                int[] labelled = new int[tasks];
                java.util.Arrays.fill(labelled, 32);
                WeightingContext ctx = new WeightingContext(step, epoch, l, labelled);
                double[] weights = w.weights(ctx);
                assertThat(weights).as("weights at step %d", step).hasSize(tasks);
                for (double x : weights) {
                    assertThat(x).as("weight at step %d", step).isFinite().isGreaterThanOrEqualTo(0.0);
                }
                double expected = sumTo.applyAsDouble(tasks);
                if (!Double.isNaN(expected)) {
                    assertThat(java.util.Arrays.stream(weights).sum()).as("sum of weights at step %d", step)
                            .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-6 * Math.max(1, expected)));
                }
                if (w.needsTaskGradients()) {
                    List<GradientVector> grads = Gradients.random(tasks, 16, step);
                    w.afterBackward(ctx, weights, grads);
                }
                for (int k = 0; k < tasks; k++) {
                    sums[k] += l[k];
                }
            }
            for (int k = 0; k < tasks; k++) {
                sums[k] /= 20;
            }
            w.onEpochEnd(epoch, sums);
        }
    }

    /** A task with no labelled rows (loss 0, labelled 0) must not produce NaN or negative weights. */
    void taskWithoutLabelsKeepsWeightsFinite() {
        LossWeighting w = create(3);
        for (long step = 0; step < 10; step++) {
            WeightingContext ctx = new WeightingContext(step, 0, new double[] {0.7, 0.0, 0.3}, new int[] {16, 0, 16});
            double[] weights = w.weights(ctx);
            if (w.needsTaskGradients()) {
                List<GradientVector> grads = Gradients.random(3, 8, step);
                grads.get(1).zero();
                w.afterBackward(ctx, weights, grads);
            }
            for (double x : weights) {
                assertThat(x).isFinite().isGreaterThanOrEqualTo(0.0);
            }
        }
        w.onEpochEnd(0, new double[] {0.7, 0.0, 0.3});
        double[] after = w.weights(new WeightingContext(10, 1, new double[] {0.7, 0.0, 0.3}, new int[] {16, 0, 16}));
        for (double x : after) {
            assertThat(x).isFinite().isGreaterThanOrEqualTo(0.0);
        }
    }

    /** Every state value the weighting exposes is finite. */
    void stateIsFinite() {
        LossWeighting w = create(2);
        w.weights(new WeightingContext(0, 0, new double[] {0.5, 2.0}, new int[] {8, 8}));
        w.state().forEach((k, v) -> assertThat(v).as("state %s", k).isFinite());
    }
    }
}
