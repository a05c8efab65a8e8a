package org.mtl4j.backend.tribuo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.backend.Capability;
import org.mtl4j.api.spec.InputSpec;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.SequenceInput;
import org.mtl4j.api.spec.Topology;

/** Capabilities, plugin discovery and the refusals, with their exact messages. */
class TribuoBackendTest {

    @Test
    void declaresExactlyWhatTheFactorizationMachineImplements() {
        TribuoBackend b = new TribuoBackend();
        assertThat(b.name()).isEqualTo("tribuo");
        assertThat(b.version()).isEqualTo("0.1.0-SNAPSHOT (tribuo 4.3.2)");
        assertThat(b.capabilities()).containsExactlyInAnyOrder(Capability.TOPOLOGY_INDEPENDENT,
                Capability.TOPOLOGY_SHARED_BOTTOM, Capability.TOPOLOGY_PLE, Capability.TASK_BINARY,
                Capability.TASK_MULTICLASS, Capability.TASK_REGRESSION, Capability.ESMM_CHAINING, Capability.INPUT_DENSE,
                Capability.INPUT_CATEGORICAL, Capability.INPUT_MULTI_HOT, Capability.PER_TASK_GRADIENTS,
                Capability.OPTIMIZER_ADAM, Capability.OPTIMIZER_ADAMW, Capability.OPTIMIZER_SGD,
                Capability.OPTIMIZER_ADAGRAD, Capability.CONTINUAL_TRAINING);
        assertThat(b.supports(Capability.TOPOLOGY_MMOE)).isFalse();
        assertThat(b.supports(Capability.HIDDEN_LAYERS)).isFalse();
        assertThat(b.supports(Capability.INPUT_IMAGE)).isFalse();
    }

    private static ModelSpec withInput(InputSpec extra, Topology topo) {
        ModelSpec base = Fixtures.spec(topo, Fixtures.allTasks(), OptimizerSpec.adam(0.01));
        List<InputSpec> inputs = new java.util.ArrayList<>(base.inputs());
        inputs.add(extra);
        return new ModelSpec(base.name(), inputs, base.tasks(), base.topology(), null, null, null, base.optimizer(),
                base.training(), "tribuo").withoutHiddenLayers();
    }

    @Test
    void aVocabularyAboveTheFeatureLimitIsRefusedWithTheSizes() {
        ModelSpec spec = Fixtures.spec(new Topology.SharedBottom(List.of(8)), List.of(org.mtl4j.api.spec.TaskSpec.binary("ctr", "click")),
                org.mtl4j.api.spec.OptimizerSpec.adagrad(0.1));
        java.util.Map<String, org.mtl4j.api.data.Vocabulary> v = new java.util.HashMap<>(Fixtures.vocabularies());
        v.put("user", org.mtl4j.api.data.Vocabulary.hashed("user", 999_994));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new TribuoBackend().compile(spec, v, null))
                .isInstanceOf(org.mtl4j.api.MtlException.class)
                .hasMessage("tribuo backend: model 'fixture' has 1000002 id features (tables: user 999996, genres 6), more than"
                        + " the backend's limit of 1000000 (its parameters, gradient and optimiser state grow with every id; use backend"
                        + " 'dl4j', hashed vocabularies or a smaller vocabulary maxSize, or raise -Dmtl4j.tribuo.maxFeatures)");
        // at the limit it compiles
        v.put("user", org.mtl4j.api.data.Vocabulary.hashed("user", 999_992));
        assertThat(new TribuoBackend().compile(spec, v, null).spec()).isEqualTo(spec);
    }

    @Test
    void compileRefusesWhatItCannotDoWithTheBackendsOwnMessage() {
        ModelSpec seq = withInput(new SequenceInput("history", "history", "|", 16, null, null, null),
                new Topology.SharedBottom(List.of(8)));
        assertThatThrownBy(() -> new TribuoBackend().compile(seq, Fixtures.vocabularies(), Map.of()))
                .isInstanceOf(MtlException.class)
                .hasMessage("model 'fixture' cannot be compiled by backend 'tribuo': inputs[3] (history) kind = sequence"
                        + " needs INPUT_SEQUENCE, which backend 'tribuo' does not support");
        ModelSpec mmoe = Fixtures.spec(new Topology.Mmoe(4, List.of(8), List.of()), Fixtures.allTasks(), OptimizerSpec.adam(0.01));
        assertThatThrownBy(() -> new TribuoBackend().compile(mmoe, Fixtures.vocabularies(), Map.of()))
                .hasMessage("model 'fixture' cannot be compiled by backend 'tribuo': topology = mmoe needs TOPOLOGY_MMOE,"
                        + " which backend 'tribuo' does not support");
        ModelSpec grouped = Fixtures.spec(new Topology.Grouped(List.of(List.of("ctr", "ctcvr"), List.of("rating", "genre")),
                List.of(8)), Fixtures.allTasks(), OptimizerSpec.adam(0.01));
        assertThatThrownBy(() -> new TribuoBackend().compile(grouped, Fixtures.vocabularies(), Map.of()))
                .hasMessage("model 'fixture' cannot be compiled by backend 'tribuo': topology = grouped needs TOPOLOGY_GROUPED,"
                        + " which backend 'tribuo' does not support");
        ModelSpec groupedCgc = Fixtures.spec(new Topology.Ple(1, 1, 1, List.of(8), List.of(List.of("ctr", "ctcvr"),
                List.of("rating", "genre"))), Fixtures.allTasks(), OptimizerSpec.adam(0.01));
        assertThatThrownBy(() -> new TribuoBackend().compile(groupedCgc, Fixtures.vocabularies(), Map.of()))
                .hasMessage("model 'fixture' cannot be compiled by backend 'tribuo': topology.groups = [[ctr, ctcvr], [rating, genre]]"
                        + " needs TOPOLOGY_GROUPED_EXPERTS, which backend 'tribuo' does not support");
        ModelSpec ple2 = Fixtures.spec(new Topology.Ple(2, 1, 1, List.of(8)), Fixtures.allTasks(), OptimizerSpec.adam(0.01));
        assertThatThrownBy(() -> new TribuoBackend().compile(ple2, Fixtures.vocabularies(), Map.of()))
                .hasMessage("model 'fixture' cannot be compiled by backend 'tribuo': topology.levels = 2: a factorization"
                        + " machine has one extraction level (factor blocks); use levels: 1");
        ModelSpec ok = Fixtures.spec(new Topology.SharedBottom(List.of(8)), Fixtures.allTasks(), OptimizerSpec.adam(0.01));
        assertThatThrownBy(() -> new TribuoBackend().compile(ok, Map.of("user", Fixtures.vocabularies().get("user")), Map.of()))
                .hasMessage("tribuo backend: input 'genres' (multi-hot) has no vocabulary (vocabularies given: [user])");
    }

    @Test
    void whatTheFmWouldIgnoreIsRefusedNamingEachFieldAndValue() {
        ModelSpec spec = Fixtures.withLayers(new Topology.SharedBottom(List.of(8)), Fixtures.allTasks(), OptimizerSpec.adam(0.01));
        assertThatThrownBy(() -> new TribuoBackend().compile(spec, Fixtures.vocabularies(), Map.of()))
                .isInstanceOf(MtlException.class)
                .hasMessage("model 'fixture' cannot be compiled by backend 'tribuo':"
                        + " topology.layers = [8] needs HIDDEN_LAYERS, which backend 'tribuo' does not support (a factorization machine has no hidden layers: write [])"
                        + "; tasks[0] (ctr).tower = [8] needs HIDDEN_LAYERS, which backend 'tribuo' does not support (a factorization machine has no hidden layers: write [])"
                        + "; tasks[1] (ctcvr).tower = [8] needs HIDDEN_LAYERS, which backend 'tribuo' does not support (a factorization machine has no hidden layers: write [])"
                        + "; tasks[2] (rating).tower = [8] needs HIDDEN_LAYERS, which backend 'tribuo' does not support (a factorization machine has no hidden layers: write [])"
                        + "; tasks[3] (genre).tower = [8] needs HIDDEN_LAYERS, which backend 'tribuo' does not support (a factorization machine has no hidden layers: write [])");
        ModelSpec ple = Fixtures.withLayers(new Topology.Ple(1, 2, 1, List.of(6)), Fixtures.allTasks(), OptimizerSpec.adam(0.01))
                .withTasks(spec.withoutHiddenLayers().tasks());
        assertThatThrownBy(() -> new TribuoBackend().compile(ple, Fixtures.vocabularies(), Map.of()))
                .hasMessage("model 'fixture' cannot be compiled by backend 'tribuo': topology.expertLayers = [6] needs"
                        + " HIDDEN_LAYERS, which backend 'tribuo' does not support (a factorization machine has no hidden layers: write [])");
        // id inputs of different widths: the FM has one factor width, the narrower dimension would be ignored
        List<InputSpec> inputs = new java.util.ArrayList<>(Fixtures.INPUTS);
        inputs.set(1, new org.mtl4j.api.spec.MultiHotInput("genres", "genres", "|", 2, org.mtl4j.api.spec.Pooling.MEAN, null, null));
        ModelSpec dims = new ModelSpec("fixture", inputs, Fixtures.allTasks(), new Topology.SharedBottom(List.of()), null, null,
                null, OptimizerSpec.adam(0.01), null, "tribuo").withoutHiddenLayers();
        assertThat(new TribuoBackend().unsupportedFields(dims)).containsExactly(Map.entry("inputs[1].embeddingDim = 2",
                "input 'genres': every id feature of the factorization machine has factors of one width, k = 4 (the widest,"
                        + " input 'user'), so this dimension would be ignored: give every id input embeddingDim 4"));
        assertThatThrownBy(() -> new TribuoBackend().compile(dims, Fixtures.vocabularies(), Map.of()))
                .hasMessageContaining("inputs[1].embeddingDim = 2: input 'genres'");
        assertThat(new TribuoBackend().unsupportedFields(spec.withoutHiddenLayers())).isEmpty();
    }

    @Test
    void topologiesMapToSharedAndTaskFactorBlocks() {
        Map<String, Long> sb = new TribuoBackend().compile(Fixtures.spec(new Topology.SharedBottom(List.of(8)),
                Fixtures.allTasks(), OptimizerSpec.adam(0.01)), Fixtures.vocabularies(), Map.of()).parameterCounts();
        // n = 8 user rows + 6 genre rows + 2 dense = 16 features, k = 4
        assertThat(sb.get("shared")).isEqualTo(16L * 4);
        // binary tower: linear 16, bias 1, head 1 x 4
        assertThat(sb.get("tower:ctr")).isEqualTo(16L + 1 + 4);
        assertThat(sb.get("tower:genre")).isEqualTo(16L * 3 + 3 + 3 * 4);
        Map<String, Long> ind = new TribuoBackend().compile(Fixtures.spec(new Topology.Independent(List.of()),
                Fixtures.allTasks(), OptimizerSpec.adam(0.01)), Fixtures.vocabularies(), Map.of()).parameterCounts();
        assertThat(ind).doesNotContainKey("shared");
        assertThat(ind.get("tower:ctr")).isEqualTo(16L * 4 + 16 + 1 + 4);
        Map<String, Long> ple = new TribuoBackend().compile(Fixtures.spec(new Topology.Ple(1, 2, 1, List.of(8)),
                Fixtures.allTasks(), OptimizerSpec.adam(0.01)), Fixtures.vocabularies(), Map.of()).parameterCounts();
        assertThat(ple.get("shared")).isEqualTo(16L * 8);
        assertThat(ple.get("tower:ctr")).isEqualTo(16L * 4 + 16 + 1 + 12);
    }
}
