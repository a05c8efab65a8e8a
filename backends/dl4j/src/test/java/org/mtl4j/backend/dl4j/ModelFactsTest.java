package org.mtl4j.backend.dl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.backend.ParameterBlock;
import org.mtl4j.api.backend.TrainableModel;
import org.mtl4j.api.backend.TrainingStep;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.Topology;

/** Gate diagnostics, parameter blocks and counts, and the error messages users see. */
class ModelFactsTest {

    @Test
    void gateUtilisationIsAMeanDistributionPerGate() {
        ModelSpec mmoe = Fixtures.spec(new Topology.Mmoe(3, List.of(5), List.of()), Fixtures.mixedTasks(), OptimizerSpec.adam(1e-3));
        TrainingStep s = Fixtures.compile(mmoe).step(Fixtures.batch(mmoe, 16, 1, 0));
        assertThat(s.gateUtilisation()).containsOnlyKeys("ctr", "ctcvr", "genre", "rating");
        for (double[] g : s.gateUtilisation().values()) {
            assertThat(g).hasSize(3);
            assertThat(g[0] + g[1] + g[2]).isCloseTo(1.0, within(1e-5));
        }
        ModelSpec ple = Fixtures.spec(new Topology.Ple(2, 2, 1, List.of(5)), Fixtures.mixedTasks(), OptimizerSpec.adam(1e-3));
        TrainingStep p = Fixtures.compile(ple).step(Fixtures.batch(ple, 16, 1, 0));
        assertThat(p.gateUtilisation()).containsKeys("ctr@1", "ctr@2", "shared@1", "rating@2").doesNotContainKey("shared@2");
        assertThat(p.gateUtilisation().get("ctr@1")).hasSize(3); // 1 own + 2 shared
        assertThat(p.gateUtilisation().get("shared@1")).hasSize(4 + 2); // every expert of level 1
        ModelSpec sb = Fixtures.spec(new Topology.SharedBottom(List.of(4)), Fixtures.mixedTasks(), OptimizerSpec.adam(1e-3));
        assertThat(Fixtures.compile(sb).step(Fixtures.batch(sb, 4, 1, 0)).gateUtilisation()).isEmpty();
    }

    @Test
    void blocksCoverTheBufferAndCountsAddUp() {
        ModelSpec spec = Fixtures.spec(new Topology.SharedBottom(List.of(6)), Fixtures.mixedTasks(), OptimizerSpec.adam(1e-3));
        TrainableModel m = Fixtures.compile(spec);
        TrainingStep s = m.step(Fixtures.batch(spec, 8, 1, 0));
        long dense = 0;
        s.backward(new double[] {1, 1, 1, 1});
        java.util.Set<String> tables = new java.util.HashSet<>();
        for (ParameterBlock b : s.parameterBlocks()) {
            assertThat(b.values().length() % b.units()).as(b.name()).isZero();
            assertThat(b.values().length()).as(b.name()).isEqualTo(b.gradient().length());
            assertThat(b.shared()).isEqualTo(b.task() == null);
            if (b.name().startsWith("embedding:")) {
                // a table's block is the rows the batch touched: at most 8 rows of a batch of 8
                tables.add(b.name());
                assertThat(b.units()).as(b.name()).isBetween(1, 8);
            } else {
                dense += b.values().length();
            }
        }
        assertThat(tables).containsExactlyInAnyOrder("embedding:user", "embedding:tags");
        long total = dense + 12L * 3 + 7L * 2;
        assertThat(total).isEqualTo(s.gradient().length());
        Map<String, Long> counts = m.parameterCounts();
        // x: 5 dense, user 3, tags 2 -> width 10; bottom 10*6+6; ctr tower 6*4+4 + 4*1+1
        assertThat(counts).containsEntry("embedding:user", 12L * 3).containsEntry("embedding:tags", 7L * 2)
                .containsEntry("shared", 10L * 6 + 6 + 12 * 3 + 7 * 2 - 12 * 3 - 7 * 2).containsEntry("tower:ctr", 6L * 4 + 4 + 4 + 1)
                .containsEntry("tower:rating", 6L + 1);
        assertThat(counts.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(total);
    }

    @Test
    void errorsNameTheThingAndTheValue() {
        ModelSpec spec = Fixtures.spec(new Topology.SharedBottom(List.of(4)), Fixtures.mixedTasks(), OptimizerSpec.adam(1e-3));
        TrainableModel m = Fixtures.compile(spec);
        Batch b = Fixtures.batch(spec, 4, 1, 0);
        Map<String, float[]> labels = new HashMap<>(b.labels());
        labels.put("genre", new float[] {0, 1, 7, 2});
        Batch bad = new Batch(4, b.features(), labels, b.masks(), null);
        assertThatThrownBy(() -> m.step(bad)).isInstanceOf(MtlException.class)
                .hasMessage("task 'genre': label 7.0 at row 2 is not a class index in [0, 3)");
        labels.put("genre", b.labels("genre"));
        labels.put("ctr", new float[] {0, 1, 2, 1});
        Batch bad2 = new Batch(4, b.features(), labels, b.masks(), null);
        assertThatThrownBy(() -> m.step(bad2)).hasMessage("task 'ctr': label 2.0 at row 2 is outside [0, 1]");
        assertThatThrownBy(() -> new Dl4jBackend().compile(spec, Map.of(), Fixtures.stats()))
                .hasMessage("input 'user' has no vocabulary (the dataset must supply one for every id input)");
        TrainingStep stale = m.step(b);
        m.predict(b);
        assertThatThrownBy(() -> stale.backward(new double[] {1, 1, 1, 1}))
                .hasMessage("training step 3 of model 'm' is stale: a newer forward pass (step 4) ran since");
        assertThatThrownBy(() -> m.step(b).backward(new double[] {1}))
                .hasMessage("expected 4 task weights ([ctr, ctcvr, genre, rating]), found [1.0]");
    }
}
