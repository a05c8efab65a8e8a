package com.example.mtlplugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.balance.BalancerContext;
import org.mtl4j.api.balance.LossWeighting;
import org.mtl4j.api.balance.WeightingContext;
import org.mtl4j.api.spec.PluginRef;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.testkit.LossWeightingContract;

/** The plugin proves itself with mtl4j's test kit, from its own build. */
class InverseLossWeightingContractTest extends LossWeightingContract {
    @Override
    protected LossWeighting.Factory factory() {
        return new InverseLossWeighting.Factory();
    }

    @Override
    protected double weightsSumTo(int tasks) {
        return tasks;
    }

    @Test
    void aTaskWithTenTimesTheLossGetsATenthOfTheWeight() {
        LossWeighting w = factory().create(new BalancerContext(PluginRef.of("inverse-loss", java.util.Map.of("beta", 1.0)),
                List.of(TaskSpec.binary("a", "a"), TaskSpec.regression("b", "b")), 1));
        double[] weights = w.weights(new WeightingContext(0, 0, new double[] {0.5, 5.0}, new int[] {10, 10}));
        assertThat(weights[0] / weights[1]).isCloseTo(10.0, within(1e-9));
        assertThat(weights[0] + weights[1]).isCloseTo(2.0, within(1e-9));
    }
}
