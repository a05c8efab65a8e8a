package org.mtl4j.backend.dl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.backend.ParameterBlock;
import org.mtl4j.api.backend.TrainableModel;
import org.mtl4j.api.backend.TrainedModel;
import org.mtl4j.api.backend.TrainingStep;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.backend.dl4j.internal.model.Dl4jModel;

/**
 * MMoE and PLE per group of tasks: experts, gates and encoders of a group are read by its tasks only, the gates
 * are named per group, and the model saves, loads and continues from a saved one ({@code initFrom}).
 */
class GroupedExpertsTest {
    private static final List<List<String>> GROUPS = List.of(List.of("ctr", "ctcvr"), List.of("genre", "rating"));

    @TempDir
    Path dir;

    private static ModelSpec spec(Topology t) {
        return Fixtures.spec(t, Fixtures.mixedTasks(), OptimizerSpec.adam(1e-2));
    }

    @Test
    void aTasksGradientNeverReachesAnotherGroupsExpertsOrGates() {
        for (Topology t : List.of(new Topology.Mmoe(2, List.of(5), List.of(), GROUPS),
                new Topology.Ple(2, 1, 1, List.of(5), GROUPS))) {
            ModelSpec spec = spec(t);
            Dl4jModel model = (Dl4jModel) Fixtures.compile(spec);
            String p = t.id();
            assertThat(model.parameterTensors().keySet()).as(p).anyMatch(n -> n.startsWith(p + "@ctr+ctcvr."))
                    .anyMatch(n -> n.startsWith(p + "@genre+rating.")).noneMatch(n -> n.startsWith(p + "."));
            TrainingStep step = model.step(Fixtures.batch(spec, 24, 5, 0));
            step.backward(new double[] {1, 1, 1, 1});
            List<ParameterBlock> shared = step.parameterBlocks().stream().filter(ParameterBlock::shared)
                    .filter(b -> !b.name().startsWith("embedding:")).toList();
            assertThat(shared).extracting(ParameterBlock::name).anyMatch(n -> n.contains("@ctr+ctcvr"))
                    .anyMatch(n -> n.contains("@genre+rating"));
            String[] tasks = {"ctr", "ctcvr", "genre", "rating"};
            for (int k = 0; k < 4; k++) {
                double[] e = new double[4];
                e[k] = 1;
                step.backward(e);
                double own = 0;
                for (ParameterBlock b : shared) {
                    boolean mine = b.name().contains(k < 2 ? "ctr+ctcvr" : "genre+rating");
                    double n = b.gradient().norm();
                    if (mine) {
                        own += n;
                    } else {
                        assertThat(n).as("%s %s on %s", p, tasks[k], b.name()).isZero();
                    }
                }
                assertThat(own).as("%s %s on its own group", p, tasks[k]).isPositive();
            }
        }
    }

    @Test
    void gateUtilisationIsNamedPerGroup() {
        ModelSpec mmoe = spec(new Topology.Mmoe(3, List.of(5), List.of(), GROUPS));
        Map<String, double[]> g = Fixtures.compile(mmoe).step(Fixtures.batch(mmoe, 16, 1, 0)).gateUtilisation();
        assertThat(g).containsOnlyKeys("ctr+ctcvr/ctr", "ctr+ctcvr/ctcvr", "genre+rating/genre", "genre+rating/rating");
        for (double[] w : g.values()) {
            assertThat(w).hasSize(3); // the group's own 3 experts, not all 6
            assertThat(w[0] + w[1] + w[2]).isCloseTo(1.0, within(1e-5));
        }
        ModelSpec ple = spec(new Topology.Ple(2, 2, 1, List.of(5), List.of(List.of("ctr", "ctcvr", "genre"), List.of("rating"))));
        Map<String, double[]> p = Fixtures.compile(ple).step(Fixtures.batch(ple, 16, 1, 0)).gateUtilisation();
        assertThat(p).containsKeys("ctr+ctcvr+genre/ctr@1", "ctr+ctcvr+genre/shared@1", "ctr+ctcvr+genre/genre@2",
                "rating/rating@1", "rating/shared@1", "rating/rating@2").doesNotContainKeys("ctr@1", "shared@1");
        assertThat(p.get("ctr+ctcvr+genre/ctr@1")).hasSize(1 + 2); // own + the group's shared
        assertThat(p.get("ctr+ctcvr+genre/shared@1")).hasSize(3 * 1 + 2); // every expert of the group's level 1
        assertThat(p.get("rating/shared@1")).hasSize(1 + 2);
    }

    @Test
    void savesLoadsAndContinuesFromASavedModel() throws Exception {
        ModelSpec spec = spec(new Topology.Mmoe(2, List.of(5), List.of(3), GROUPS));
        TrainableModel model = Fixtures.compile(spec);
        for (int s = 0; s < 5; s++) {
            model.step(Fixtures.batch(spec, 32, s, 0)).backward(new double[] {1, 1, 1, 1});
            model.applyUpdate();
        }
        Batch probe = Fixtures.batch(spec, 17, 99, 0);
        Map<String, float[]> expected = model.predict(probe).outputs();
        Path file = dir.resolve("grouped-mmoe.mtl");
        model.save(file);
        try (TrainedModel loaded = new Dl4jBackend().load(file)) {
            assertThat(loaded.spec()).isEqualTo(spec);
            TrainableModel next = Fixtures.compile(spec);
            next.initFrom(loaded, true);
            for (TrainedModel m : List.of(loaded, next)) {
                Map<String, float[]> actual = m.predict(probe).outputs();
                expected.forEach((k, v) -> assertThat(actual.get(k)).as(k).containsExactly(v));
            }
        }
        // a plain MMoE's parameters are not those of the grouped one
        TrainableModel plain = Fixtures.compile(spec(new Topology.Mmoe(2, List.of(5), List.of(3))));
        try (TrainedModel loaded = new Dl4jBackend().load(file)) {
            assertThatThrownBy(() -> plain.initFrom(loaded, false)).hasMessageContaining("does not have the parameters of this spec")
                    .hasMessageContaining("mmoe.experts.0.W").hasMessageContaining("mmoe@ctr+ctcvr.experts.0.W");
        }
    }

    @Test
    void aGroupingThatDoesNotCoverTheTasksFailsAtCompile() {
        ModelSpec spec = spec(new Topology.Ple(1, 1, 1, List.of(4), List.of(List.of("ctr", "ctcvr"), List.of("genre", "nope"))));
        assertThatThrownBy(() -> Fixtures.compile(spec)).hasMessage("model 'm': ple topology [[ctr, ctcvr], [genre, nope]] "
                + "names unknown tasks [nope] and leaves tasks in no group [rating] (tasks: ctr, ctcvr, genre, rating)");
    }
}
