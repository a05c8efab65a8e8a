package org.mtl4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.mtl4j.api.metric.Metric;
import org.mtl4j.api.spec.PluginRef;
import org.mtl4j.api.spec.TaskKind;
import org.mtl4j.balancers.Balancers;
import org.mtl4j.tasks.Metrics;
import org.mtl4j.testkit.ClipperContract;
import org.mtl4j.testkit.GradientAggregatorContract;
import org.mtl4j.testkit.LossWeightingContract;
import org.mtl4j.testkit.MetricContract;

/**
 * Every built-in balancer, clipper and metric goes through the test kit's contracts, so the kit is
 * proven on real plugins. A new plugin without an expectation below fails here until one is added.
 */
class BuiltInPluginContractsTest {

    /** What T identical task gradients g aggregate to, as a multiple of g (NaN: any positive multiple). */
    private static final Map<String, java.util.function.IntToDoubleFunction> IDENTICAL_SCALE = Map.ofEntries(
            Map.entry("sum", t -> t),
            Map.entry("pcgrad", t -> t),
            Map.entry("gradvac", t -> t),
            Map.entry("graddrop", t -> t),
            Map.entry("mgda", t -> t),
            Map.entry("cagrad", t -> (1 + 0.5) / (1 + 0.5 * 0.5)),
            Map.entry("imtl-g", t -> 1),
            Map.entry("aligned-mtl", t -> t),
            Map.entry("nash-mtl", t -> Double.NaN));

    /** Randomised methods promise no task-order invariance. */
    private static final java.util.Set<String> ORDER_DEPENDENT = java.util.Set.of("pcgrad", "graddrop", "gradvac");

    /** What the weights of T tasks sum to (NaN: not normalised). */
    private static final Map<String, java.util.function.IntToDoubleFunction> WEIGHT_SUM = Map.ofEntries(
            Map.entry("equal", t -> t),
            Map.entry("fixed", t -> t),
            Map.entry("dwa", t -> t),
            Map.entry("gradnorm", t -> t),
            Map.entry("rlw", t -> t),
            Map.entry("uncertainty", t -> Double.NaN),
            Map.entry("schedule", t -> Double.NaN));

    @TestFactory
    Stream<DynamicNode> everyLossWeighting() {
        return Balancers.lossWeightings().entrySet().stream().map(e -> {
            var sum = WEIGHT_SUM.get(e.getKey());
            if (sum == null) {
                return DynamicTest.dynamicTest(e.getKey(), () -> assertThat(WEIGHT_SUM).as("expectation for new weighting").containsKey(e.getKey()));
            }
            return DynamicContainer.dynamicContainer(e.getKey(), LossWeightingContract.suite(e.getValue(), PluginRef.of(e.getKey()), sum));
        });
    }

    @TestFactory
    Stream<DynamicNode> everyGradientAggregator() {
        return Balancers.gradientAggregators().entrySet().stream().map(e -> {
            var scale = IDENTICAL_SCALE.get(e.getKey());
            if (scale == null) {
                return DynamicTest.dynamicTest(e.getKey(), () -> assertThat(IDENTICAL_SCALE).as("expectation for new aggregator").containsKey(e.getKey()));
            }
            return DynamicContainer.dynamicContainer(e.getKey(), GradientAggregatorContract.suite(e.getValue(),
                    PluginRef.of(e.getKey()), scale, !ORDER_DEPENDENT.contains(e.getKey())));
        });
    }

    @TestFactory
    Stream<DynamicNode> everyClipper() {
        return Balancers.clippers().entrySet().stream().map(e -> DynamicContainer.dynamicContainer(e.getKey(),
                ClipperContract.suite(e.getValue(), PluginRef.of(e.getKey()))));
    }

    @TestFactory
    Stream<DynamicNode> everyMetricWithADirection() {
        return Metrics.builtIn().values().stream()
                .filter(m -> !m.name().equals("calibration")) // ideal value 1, neither higher nor lower is better
                .map(m -> DynamicContainer.dynamicContainer(m.name(), Stream.of(TaskKind.values()).filter(m::supports)
                        .map(k -> DynamicContainer.dynamicContainer(k.id(),
                                MetricContract.suite(m, k, 2, !m.name().equals("ece"))))));
    }

    @TestFactory
    Stream<DynamicTest> calibrationIsOneForCalibratedScores() {
        Metric m = Metrics.builtIn().get("calibration");
        return Stream.of(DynamicTest.dynamicTest("calibration", () -> {
            float[] labels = {1, 0, 0, 0, 1, 0, 0, 0};
            float[] scores = {0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f};
            double v = m.compute(new org.mtl4j.api.metric.MetricInput(TaskKind.BINARY, 1, labels, scores, null, 0));
            assertThat(v).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-6));
        }));
    }
}
