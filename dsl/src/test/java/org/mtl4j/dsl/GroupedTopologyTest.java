package org.mtl4j.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.spi.io.SpecCodec;

/**
 * {@code Sharing.grouped} and MMoE/PLE per group ({@code Sharing.mmoe(..).group(..)}): the builder, the YAML form and
 * the checks against the tasks.
 */
class GroupedTopologyTest {
    private final MtlRuntime rt = DeclaredCapabilities.runtime();

    private ModelBuilder six() {
        return Mtl.model("m").inputs(Inputs.dense("ctx", "d0")).tasks(Tasks.binary("a"), Tasks.binary("b"),
                Tasks.binary("c"), Tasks.regression("d"), Tasks.regression("e"), Tasks.binary("f"));
    }

    @Test
    void builderAndListFormGiveTheSameRecord() {
        Topology expected = new Topology.Grouped(List.of(List.of("a", "b", "c"), List.of("d", "e"), List.of("f")),
                List.of(16, 8));
        assertThat(six().sharing(Sharing.grouped(16, 8).group("a", "b", "c").group("d", "e").group("f")).build(rt)
                .topology()).isEqualTo(expected);
        assertThat(six().sharing(Sharing.grouped(List.of(List.of("a", "b", "c"), List.of("d", "e"), List.of("f")), 16, 8))
                .build(rt).topology()).isEqualTo(expected);
    }

    @Test
    void yamlFormReadsAndRoundTrips() {
        String yaml = String.join("\n",
                "name: m",
                "inputs:",
                "  - kind: dense",
                "    name: ctx",
                "    columns: [d0]",
                "tasks:",
                "  - {name: a, kind: binary}",
                "  - {name: b, kind: binary}",
                "  - {name: f, kind: binary}",
                "topology:",
                "  type: grouped",
                "  groups: [[a, b], [f]]",
                "  layers: [8]",
                "");
        ModelSpec s = SpecCodec.fromYaml(yaml, "m.yaml");
        assertThat(s.topology()).isEqualTo(new Topology.Grouped(List.of(List.of("a", "b"), List.of("f")), List.of(8)));
        assertThat(SpecCodec.fromYaml(SpecCodec.toYaml(s), "again.yaml")).isEqualTo(s);
        assertThat(SpecCodec.fromJson(SpecCodec.toJson(s), "again.json")).isEqualTo(s);
        assertThatThrownBy(() -> SpecCodec.fromYaml(yaml.replace("  groups: [[a, b], [f]]\n", ""), "m.yaml"))
                .hasMessageContaining("m.yaml").hasMessageContaining("groups");
        assertThatThrownBy(() -> SpecCodec.fromYaml(yaml.replace("[[a, b], [f]]", "[[a, b], f]"), "m.yaml"))
                .hasMessageContaining("topology.groups[1]").hasMessageContaining("expected a list of task names");
    }

    @Test
    void everyTaskInExactlyOneGroupAndUnknownNamesListed() {
        assertThatThrownBy(() -> six().sharing(Sharing.grouped(8).group("a", "b", "x").group("d", "e", "y")).build(rt))
                .hasMessage("model 'm' has 2 problems:\n"
                        + "  1) MTL/UnknownTask: topology.groups = \"x\", \"y\" (grouped names tasks the model does not have "
                        + "(known: a, b, c, d, e, f))\n"
                        + "  2) MTL/UngroupedTask: topology.groups = [[a, b, x], [d, e, y]] (every task must be in exactly "
                        + "one group; in none: c, f)");
        assertThatThrownBy(() -> six().sharing(Sharing.grouped(8).group("a", "b", "c").group("c", "d", "e", "f")).build(rt))
                .hasMessageContaining("grouped: tasks in more than one group: c");
        assertThatThrownBy(() -> six().sharing(Sharing.grouped(8).group("a", "b", "c", "d", "e", "f").group()).build(rt))
                .hasMessageContaining("grouped groups[1] must name at least one task, found []");
    }

    @Test
    void mmoeAndPleTakeGroupsInTheBuilderAndInYaml() {
        List<List<String>> groups = List.of(List.of("a", "b", "c"), List.of("d", "e"), List.of("f"));
        assertThat(six().sharing(Sharing.mmoe(2, 8).gateLayers(4).group("a", "b", "c").group("d", "e").group("f")).build(rt)
                .topology()).isEqualTo(new Topology.Mmoe(2, List.of(8), List.of(4), groups));
        assertThat(six().sharing(Sharing.cgc(1, 1, 8).groups(groups)).build(rt).topology())
                .isEqualTo(new Topology.Ple(1, 1, 1, List.of(8), groups));
        assertThat(six().sharing(Sharing.mmoe(2, 8)).build(rt).topology()).isEqualTo(new Topology.Mmoe(2, List.of(8), List.of()));
        String yaml = String.join("\n",
                "name: m",
                "inputs:",
                "  - kind: dense",
                "    name: ctx",
                "    columns: [d0]",
                "tasks:",
                "  - {name: a, kind: binary}",
                "  - {name: b, kind: binary}",
                "  - {name: f, kind: binary}",
                "topology:",
                "  type: mmoe",
                "  experts: 2",
                "  expertLayers: [8]",
                "  groups: [[a, b], [f]]",
                "");
        ModelSpec s = SpecCodec.fromYaml(yaml, "m.yaml");
        assertThat(s.topology()).isEqualTo(new Topology.Mmoe(2, List.of(8), List.of(), List.of(List.of("a", "b"), List.of("f"))));
        assertThat(SpecCodec.fromYaml(SpecCodec.toYaml(s), "again.yaml")).isEqualTo(s);
        assertThat(rt.check(s).topology()).isEqualTo(s.topology());
    }

    @Test
    void groupedExpertsNeedEveryTaskInExactlyOneNonEmptyGroup() {
        assertThatThrownBy(() -> six().sharing(Sharing.mmoe(2, 8).group("a", "b", "x").group("d", "e", "y")).build(rt))
                .hasMessage("model 'm' has 2 problems:\n"
                        + "  1) MTL/UnknownTask: topology.groups = \"x\", \"y\" (mmoe groups name tasks the model does not have "
                        + "(known: a, b, c, d, e, f))\n"
                        + "  2) MTL/UngroupedTask: topology.groups = [[a, b, x], [d, e, y]] (every task must be in exactly "
                        + "one group; in none: c, f)");
        assertThatThrownBy(() -> six().sharing(Sharing.cgc(1, 1, 8).group("a", "b", "c").group("c", "d", "e", "f")).build(rt))
                .hasMessageContaining("ple: tasks in more than one group: c");
        assertThatThrownBy(() -> six().sharing(Sharing.mmoe(2, 8).group("a", "b", "c", "d", "e", "f").group()).build(rt))
                .hasMessageContaining("mmoe groups[1] must name at least one task, found []");
        assertThatThrownBy(() -> six().sharing(Sharing.mmoe(2, 8).groups(List.of())).build(rt))
                .hasMessageContaining("mmoe needs at least one group, found []");
        assertThatThrownBy(() -> six().backend("tribuo").sharing(Sharing.cgc(1, 1, 8).group("a", "b", "c").group("d", "e", "f"))
                .build(rt)).hasMessageContaining("TOPOLOGY_GROUPED_EXPERTS").hasMessageContaining("topology.groups = [[a, b, c], [d, e, f]]");
    }

    @Test
    void aBackendWithoutTheCapabilityRefusesAtBuild() {
        assertThatThrownBy(() -> six().backend("tribuo").sharing(Sharing.grouped(8).group("a", "b", "c").group("d", "e", "f"))
                .build(rt)).hasMessageContaining("TOPOLOGY_GROUPED").hasMessageContaining("tribuo");
    }
}
