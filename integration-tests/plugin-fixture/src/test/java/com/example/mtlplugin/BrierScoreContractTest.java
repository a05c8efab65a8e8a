package com.example.mtlplugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.mtl4j.api.metric.Metric;
import org.mtl4j.api.metric.MetricInput;
import org.mtl4j.api.spec.TaskKind;
import org.mtl4j.testkit.MetricContract;

class BrierScoreContractTest extends MetricContract {
    @Override
    protected Metric metric() {
        return new BrierScore();
    }

    @Override
    protected TaskKind kind() {
        return TaskKind.BINARY;
    }

    @Test
    void handComputed() {
        // (0.9-1)^2 + (0.2-0)^2 + (0.6-0)^2 = 0.01 + 0.04 + 0.36 = 0.41, / 3
        MetricInput in = new MetricInput(TaskKind.BINARY, 1, new float[] {1, 0, 0}, new float[] {0.9f, 0.2f, 0.6f}, null, 0);
        assertThat(new BrierScore().compute(in)).isCloseTo(0.41 / 3, within(1e-6));
    }
}
