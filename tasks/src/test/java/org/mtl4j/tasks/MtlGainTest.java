package org.mtl4j.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.metric.Evaluation;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.Topology;

class MtlGainTest {

    @Test
    void gainIsSignedSoPositiveIsBetter() {
        Evaluation mtl = new Evaluation(
                Map.of("ctr", Map.of("auc", 0.75, "logloss", 0.40, "calibration", 1.1),
                        "cvr", Map.of("rmse", 0.9, "ndcg@10", 0.30),
                        "extra", Map.of("auc", 0.6)),
                Map.of("ctr", 0.40, "cvr", 0.81), Map.of("ctr", 100L, "cvr", 100L, "extra", 10L));
        Evaluation single = new Evaluation(
                Map.of("ctr", Map.of("auc", 0.72, "logloss", 0.42, "calibration", 0.8),
                        "cvr", Map.of("rmse", 0.8, "ndcg@10", 0.35)),
                Map.of("ctr", 0.45, "cvr", 0.64), Map.of("ctr", 100L, "cvr", 100L));
        Map<String, Map<String, Double>> g = MtlGain.compute(mtl, single);
        assertThat(g).containsOnlyKeys("ctr", "cvr");
        assertThat(g.get("ctr").get("auc")).isCloseTo(0.03, within(1e-12));
        assertThat(g.get("ctr").get("logloss")).isCloseTo(0.02, within(1e-12));
        // |0.8 - 1| - |1.1 - 1|
        assertThat(g.get("ctr").get("calibration")).isCloseTo(0.1, within(1e-12));
        assertThat(g.get("ctr").get("loss")).isCloseTo(0.05, within(1e-12));
        assertThat(g.get("cvr").get("rmse")).isCloseTo(-0.1, within(1e-12));
        assertThat(g.get("cvr").get("ndcg@10")).isCloseTo(-0.05, within(1e-12));
        assertThat(g.get("cvr").get("loss")).isCloseTo(-0.17, within(1e-12));
    }

    @Test
    void splitsAuxiliaryTasks() {
        TaskSpec ctr = TaskSpec.binary("ctr", "click");
        TaskSpec ctcvr = new TaskSpec("ctcvr", org.mtl4j.api.spec.TaskKind.BINARY, "conv", 1, null, null, 1, false, "ctr", null, 1);
        TaskSpec dwell = new TaskSpec("dwell", org.mtl4j.api.spec.TaskKind.REGRESSION, "dwell", 1, null, null, 1, true, null, null, 1);
        ModelSpec spec = new ModelSpec("m", java.util.List.of(new org.mtl4j.api.spec.DenseInput("x", java.util.List.of("x0"), false)),
                java.util.List.of(ctr, ctcvr, dwell), new Topology.SharedBottom(java.util.List.of(4)), null, null, null, null, null, null);
        Evaluation e = new Evaluation(Map.of("ctr", Map.of("auc", 0.7), "ctcvr", Map.of("auc", 0.8),
                "ctcvr.conditional", Map.of("auc", 0.6), "dwell", Map.of("rmse", 1.0)),
                Map.of("ctr", 0.3, "dwell", 1.0), Map.of("ctr", 5L, "dwell", 4L));
        AuxiliaryTasks.Split s = AuxiliaryTasks.split(spec, e);
        assertThat(s.product().metrics()).containsOnlyKeys("ctr", "ctcvr", "ctcvr.conditional");
        assertThat(s.product().losses()).containsOnlyKeys("ctr");
        assertThat(s.auxiliary().metrics()).containsOnlyKeys("dwell");
        assertThat(s.auxiliary().rows()).containsEntry("dwell", 4L);
        assertThat(AuxiliaryTasks.productTasks(spec)).containsExactly("ctr", "ctcvr");
        assertThat(AuxiliaryTasks.auxiliaryTasks(spec)).containsExactly("dwell");
    }
}
