package org.mtl4j.spi.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.backend.Provenance;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.CategoricalInput;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.TaskKind;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.api.spec.TrainingSpec;
import org.mtl4j.api.spec.VocabularySpec;
import org.mtl4j.spi.io.internal.SpecJacksonModule;

class SpecCodecTest {

    @Test
    void everyRecordRoundTripsThroughJsonAndYamlToAnEqualRecord() {
        for (Object r : Specimens.everyRecord()) {
            Class<?> type = r.getClass();
            assertThat(SpecCodec.fromJson(SpecCodec.toJson(r), "r.json", type)).as("json %s", r).isEqualTo(r);
            assertThat(SpecCodec.fromYaml(SpecCodec.toYaml(r), "r.yaml", type)).as("yaml %s", r).isEqualTo(r);
        }
    }

    @Test
    void everySpecRecordTypeIsKnownToTheCodec() {
        Set<Class<?>> covered = Specimens.everyRecord().stream().map(Object::getClass).collect(Collectors.toSet());
        for (Class<?> t : SpecJacksonModule.TYPES) {
            if (t.isRecord() && t != Provenance.class) {
                assertThat(covered).as("round-trip specimen for %s", t.getSimpleName()).contains(t);
            }
        }
    }

    @Test
    void everyRecordComponentIsAFieldOfItsJsonForm() {
        ModelSpec spec = Specimens.model(new Topology.Mmoe(3, List.of(4), List.of(2)));
        String json = SpecCodec.toJson(spec);
        for (Object r : Specimens.everyRecord()) {
            for (RecordComponent c : r.getClass().getRecordComponents()) {
                boolean nullValue;
                try {
                    nullValue = c.getAccessor().invoke(r) == null;
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(e);
                }
                if (!nullValue && !(r instanceof org.mtl4j.api.spec.PluginRef)) {
                    assertThat(SpecCodec.toJson(r)).as("%s.%s", r.getClass().getSimpleName(), c.getName())
                            .contains("\"" + c.getName() + "\"");
                }
            }
        }
        assertThat(json).contains("\"kind\" : \"multi-hot\"", "\"type\" : \"mmoe\"", "\"loss\" : \"cross-entropy\"",
                "\"encoding\" : \"bag-of-words\"", "\"pooling\" : \"last\"");
    }

    @Test
    void yamlFormIsReadableAndUsesIds() {
        String yaml = SpecCodec.toYaml(Specimens.model(new Topology.Ple(1, 1, 1, List.of(8))));
        assertThat(yaml).contains("type: ple", "kind: sequence", "lossWeighting:\n  name: gradnorm\n  params:\n    alpha: 1.5",
                "- value\n", "kind: multiclass", "\"007\"");
    }

    @Test
    void aHandWrittenYamlSpecTakesTheDocumentedDefaults() {
        String yaml = String.join("\n",
                "name: funnel",
                "inputs:",
                "  - {kind: dense, name: ctx, columns: [d0, d1]}",
                "  - {kind: categorical, name: user_id}",
                "tasks:",
                "  - {name: ctr, kind: binary, label: click}",
                "topology: {type: shared-bottom, layers: [64]}",
                "lossWeighting: equal",
                "");
        ModelSpec spec = SpecCodec.fromYaml(yaml, "funnel.yaml");
        assertThat(spec.inputs().get(0)).isEqualTo(new org.mtl4j.api.spec.DenseInput("ctx", List.of("d0", "d1"), true));
        assertThat(spec.inputs().get(1)).isEqualTo(new CategoricalInput("user_id", "user_id", 16, VocabularySpec.DEFAULT, null));
        assertThat(spec.tasks().get(0)).isEqualTo(org.mtl4j.api.spec.TaskSpec.binary("ctr", "click"));
        assertThat(spec.training()).isEqualTo(TrainingSpec.DEFAULT);
        assertThat(spec.backend()).isEqualTo("dl4j");
        assertThat(spec.tasks().get(0).kind()).isEqualTo(TaskKind.BINARY);
    }

    private static String minimal(String tasksBlock) {
        return String.join("\n",
                "name: m",
                "inputs:",
                "  - kind: dense",
                "    name: ctx",
                "    columns: [d0]",
                "tasks:",
                tasksBlock,
                "topology:",
                "  type: shared-bottom",
                "  layers: [8]",
                "");
    }

    @Test
    void anUnknownFieldIsAnErrorNamingSourceLinePathAndTheKnownFields() {
        String yaml = minimal("  - name: ctr\n    kind: binary\n    lable: click");
        assertThatThrownBy(() -> SpecCodec.fromYaml(yaml, "model.yaml"))
                .isInstanceOf(SpecFormatException.class)
                .hasMessage("model.yaml: line 9: tasks[0].lable: unknown field \"lable\" (known: auxiliary, chainedAfter, "
                        + "kind, label, loss, metrics, name, numClasses, tower, towerLearningRate, weight)");
    }

    @Test
    void mmoeAndPleTakeGroupsAndAnUngroupedOneWritesNone() {
        Topology m = SpecCodec.fromYaml("type: mmoe\nexperts: 2\nexpertLayers: [8]\ngroups: [[ctr, cvr], [rating]]\n", "t.yaml",
                Topology.class);
        assertThat(m).isEqualTo(new Topology.Mmoe(2, List.of(8), List.of(), List.of(List.of("ctr", "cvr"), List.of("rating"))));
        Topology p = SpecCodec.fromYaml("type: ple\nsharedExperts: 1\ntaskExperts: 1\nexpertLayers: [8]\ngroups: [[a], [b, c]]\n",
                "t.yaml", Topology.class);
        assertThat(((Topology.Ple) p).groups()).containsExactly(List.of("a"), List.of("b", "c"));
        assertThat(SpecCodec.toJson(new Topology.Mmoe(2, List.of(8), List.of()))).doesNotContain("groups");
        assertThat(SpecCodec.toJson(m)).contains("\"groups\" : [ [ \"ctr\", \"cvr\" ], [ \"rating\" ] ]");
    }

    @Test
    void anEmptyGroupOrNoGroupOfAnMmoeIsRefusedWithItsPath() {
        assertThatThrownBy(() -> SpecCodec.fromYaml("name: m\ntopology:\n  type: mmoe\n  experts: 2\n  expertLayers: [4]\n"
                + "  groups: [[ctr], []]\n", "model.yaml"))
                .hasMessage("model.yaml: line 3: topology: mmoe groups[1] must name at least one task, found []");
        assertThatThrownBy(() -> SpecCodec.fromYaml("name: m\ntopology:\n  type: ple\n  sharedExperts: 1\n  taskExperts: 1\n"
                + "  expertLayers: [4]\n  groups: []\n", "model.yaml"))
                .hasMessage("model.yaml: line 3: topology: ple needs at least one group, found []");
        assertThatThrownBy(() -> SpecCodec.fromYaml("name: m\ntopology:\n  type: mmoe\n  experts: 2\n  expertLayers: [4]\n"
                + "  groups: [[ctr, cvr], [cvr]]\n", "model.yaml"))
                .hasMessage("model.yaml: line 3: topology: mmoe: tasks in more than one group: cvr (groups [[ctr, cvr], [cvr]])");
    }

    @Test
    void anUnknownTopologyFieldIsAnErrorWithItsPath() {
        String yaml = "name: m\ntopology:\n  type: mmoe\n  experts: 4\n  expertz: 3\n";
        assertThatThrownBy(() -> SpecCodec.fromYaml(yaml, "model.yaml"))
                .hasMessage("model.yaml: line 5: topology.expertz: unknown field \"expertz\" "
                        + "(known: expertLayers, experts, gateLayers, groups, type)");
    }

    @Test
    void wrongTypesUnknownIdsAndMissingFieldsAreReportedWithLineAndPath() {
        assertThatThrownBy(() -> SpecCodec.fromYaml(minimal("  - name: ctr\n    kind: binery"), "m.yaml"))
                .hasMessage("m.yaml: line 8: tasks[0].kind: unknown value \"binery\" (known: binary, multiclass, regression)");
        assertThatThrownBy(() -> SpecCodec.fromYaml(minimal("  - name: ctr\n    kind: binary\n    weight: heavy"), "m.yaml"))
                .hasMessage("m.yaml: line 9: tasks[0].weight: expected a number, found \"heavy\"");
        assertThatThrownBy(() -> SpecCodec.fromYaml(minimal("  - name: ctr\n    kind: binary\n    tower: [8, 2.5]"), "m.yaml"))
                .hasMessage("m.yaml: line 9: tasks[0].tower[1]: expected an integer, found 2.5");
        assertThatThrownBy(() -> SpecCodec.fromYaml(minimal("  - name: ctr"), "m.yaml"))
                .hasMessage("m.yaml: line 7: tasks[0].kind: missing required field");
        assertThatThrownBy(() -> SpecCodec.fromYaml("name: m\ninputs:\n  - name: x\n    kind: dens\n"
                + "topology: {type: independent}\n", "m.yaml"))
                .hasMessage("m.yaml: line 4: inputs[0].kind: unknown input kind \"dens\" "
                        + "(known: dense, categorical, multi-hot, sequence, image, text, vector)");
        assertThatThrownBy(() -> SpecCodec.fromYaml("name: m\ninputs: []\ntasks: []\n", "m.yaml"))
                .hasMessage("m.yaml: line 1: topology: missing required field");
    }

    @Test
    void everyProblemOfASpecIsReportedAtOnceEachWithItsLine() {
        String yaml = String.join("\n",
                "name: funnel",                                   // 1
                "inputs:",                                        // 2
                "  - kind: dense",                                // 3
                "    name: ctx",                                  // 4
                "    columns: [d0]",                              // 5
                "  - kind: multihot",                             // 6
                "    name: genres",                               // 7
                "tasks:",                                         // 8
                "  - name: ctr",                                  // 9
                "    kind: binary",                               // 10
                "    weight: heavy",                              // 11
                "  - name: ctcvr",                                // 12
                "    kind: binery",                               // 13
                "topology:",                                      // 14
                "  type: mmoe",                                   // 15
                "  experts: 4",                                   // 16
                "  expertLayer: [8]",                             // 17
                "training: {epochs: 0}",                          // 18
                "");
        assertThatThrownBy(() -> SpecCodec.fromYaml(yaml, "funnel.yaml"))
                .isInstanceOf(SpecFormatException.class)
                .hasMessage("funnel.yaml: 5 problems:\n"
                        + "  1) line 6: inputs[1].kind: unknown input kind \"multihot\" (known: dense, categorical, multi-hot, "
                        + "sequence, image, text, vector)\n"
                        + "  2) line 11: tasks[0].weight: expected a number, found \"heavy\"\n"
                        + "  3) line 13: tasks[1].kind: unknown value \"binery\" (known: binary, multiclass, regression)\n"
                        + "  4) line 17: topology.expertLayer: unknown field \"expertLayer\" (known: expertLayers, experts, "
                        + "gateLayers, groups, type)\n"
                        + "  5) line 18: training: training epochs must be positive, found 0")
                .satisfies(e -> {
                    SpecFormatException f = (SpecFormatException) e;
                    assertThat(f.problems()).extracting(SpecFormatException::line).containsExactly(6, 11, 13, 17, 18);
                    assertThat(f.problems()).extracting(SpecFormatException::path).containsExactly("inputs[1].kind",
                            "tasks[0].weight", "tasks[1].kind", "topology.expertLayer", "training");
                    assertThat(f.line()).isEqualTo(6);
                });
        // the same spec as JSON: the same problems, at the JSON's lines
        String json = "{\"name\": \"m\",\n\"inputs\": [{\"kind\": \"multihot\", \"name\": \"g\"}],\n"
                + "\"topology\": {\"type\": \"mmoe\", \"experts\": 2,\n\"expertLayer\": [8]}}";
        assertThatThrownBy(() -> SpecCodec.fromJson(json, "m.json"))
                .hasMessage("m.json: 2 problems:\n"
                        + "  1) line 2: inputs[0].kind: unknown input kind \"multihot\" (known: dense, categorical, multi-hot, "
                        + "sequence, image, text, vector)\n"
                        + "  2) line 4: topology.expertLayer: unknown field \"expertLayer\" (known: expertLayers, experts, "
                        + "gateLayers, groups, type)");
    }

    @Test
    void aValueTheRecordRejectsIsReportedAtTheObjectWithItsPath() {
        String yaml = minimal("  - name: genre\n    kind: multiclass\n    numClasses: 1");
        assertThatThrownBy(() -> SpecCodec.fromYaml(yaml, "model.yaml"))
                .hasMessage("model.yaml: line 7: tasks[0]: multiclass task 'genre' needs numClasses >= 2, found 1");
        assertThatThrownBy(() -> SpecCodec.fromYaml("name: m\ntopology:\n  type: mmoe\n  experts: 0\n  expertLayers: [4]\n",
                "model.yaml"))
                .hasMessage("model.yaml: line 3: topology: mmoe experts must be >= 1, found 0");
    }

    @Test
    void syntaxErrorsAndDuplicateKeysNameSourceAndLine() {
        assertThatThrownBy(() -> SpecCodec.fromYaml("name: m\ntopology:\n  type: [shared\n", "bad.yaml"))
                .isInstanceOf(SpecFormatException.class)
                .hasMessage("bad.yaml: line 3: while parsing a flow sequence, expected ',' or ']', but got <stream end>");
        assertThatThrownBy(() -> SpecCodec.fromYaml("name: m\nname: n\n", "dup.yaml"))
                .hasMessage("dup.yaml: line 2: duplicate field \"name\"");
        assertThatThrownBy(() -> SpecCodec.fromJson("{\"name\": \"m\",\n \"topology\": {\"type\": \"ple\",}}", "s.json"))
                .isInstanceOf(SpecFormatException.class)
                .satisfies(e -> assertThat(e.getMessage()).startsWith("s.json: line 2: Unexpected character ('}'"));
        assertThatThrownBy(() -> SpecCodec.fromYaml("", "empty.yaml"))
                .hasMessage("empty.yaml: line 1: the document is empty");
    }

    @Test
    void vocabulariesAndProvenanceRoundTrip() {
        Map<String, Vocabulary> vocabs = new java.util.LinkedHashMap<>();
        vocabs.put("user", Vocabulary.of("user", List.of("u1", "u2", "true", "null", "*", "a: b", "")));
        vocabs.put("item", Vocabulary.hashed("item", 1024));
        assertThat(SpecCodec.vocabulariesFromJson(SpecCodec.vocabulariesToJson(vocabs), "v.json")).isEqualTo(vocabs);
        Provenance p = new Provenance("dl4j", "1.0.0-M2.1", "0.1.0", Map.of("nd4j", "1.0.0-M2.1"), 42, "train.csv", null,
                "2026-01-01T00:00:00Z", Map.of("epochs", "3"));
        assertThat(SpecCodec.provenanceFromJson(SpecCodec.provenanceToJson(p), "p.json")).isEqualTo(p);
        assertThatThrownBy(() -> SpecCodec.vocabulariesFromJson("{\"user\": {\"input\": \"user\", \"tokens\": [\"a\", \"a\"]}}",
                "v.json"))
                .hasMessage("v.json: line 1: user: vocabulary 'user' lists \"a\" twice");
    }

    @Test
    void theObjectMapperReadsAndWritesSpecsEmbeddedInOtherDocuments() throws Exception {
        ModelSpec spec = Specimens.model(new Topology.CrossStitch(List.of(8), 0.6));
        var mapper = SpecCodec.jsonMapper();
        String doc = mapper.writeValueAsString(Map.of("spec", spec, "note", "x"));
        var tree = mapper.readTree(doc);
        assertThat(mapper.treeToValue(tree.get("spec"), ModelSpec.class)).isEqualTo(spec);
        Set<String> names = new TreeSet<>();
        tree.get("spec").fieldNames().forEachRemaining(names::add);
        assertThat(names).isEqualTo(new TreeSet<>(Arrays.stream(ModelSpec.class.getRecordComponents())
                .map(RecordComponent::getName).toList()));
    }
}
