package org.mtl4j.backend.dl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.backend.ParameterBlock;
import org.mtl4j.api.backend.TrainingStep;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.backend.dl4j.internal.model.Dl4jModel;

/** The grouped topology shares within groups and not across. */
class GroupedTopologyTest {

    @Test
    void tasksShareWithinTheirGroupAndNotAcross() {
        ModelSpec spec = Fixtures.spec(new Topology.Grouped(List.of(List.of("ctr", "ctcvr"), List.of("genre", "rating")),
                List.of(6)), Fixtures.mixedTasks(), OptimizerSpec.adam(1e-3));
        Dl4jModel model = (Dl4jModel) Fixtures.compile(spec);
        Batch batch = Fixtures.batch(spec, 24, 5, 0);
        TrainingStep step = model.step(batch);
        step.backward(new double[] {1, 1, 1, 1}); // table blocks cover the rows a backward pass touched (sparse gradients)
        assertThat(step.parameterBlocks().stream().filter(ParameterBlock::shared).toList()).extracting(ParameterBlock::name)
                .contains("bottom@ctr+ctcvr.0.W", "bottom@genre+rating.0.W", "embedding:user@<shared:ctr+ctcvr>",
                        "embedding:user@<shared:genre+rating>");
        List<ParameterBlock> shared = step.parameterBlocks().stream().filter(ParameterBlock::shared)
                .filter(b -> !b.name().startsWith("embedding:")).toList();
        String[] tasks = {"ctr", "ctcvr", "genre", "rating"};
        for (int k = 0; k < 4; k++) {
            double[] e = new double[4];
            e[k] = 1;
            step.backward(e);
            for (ParameterBlock b : shared) {
                boolean own = b.name().contains(k < 2 ? "ctr+ctcvr" : "genre+rating");
                double n = b.gradient().norm();
                if (own && b.name().endsWith(".W")) {
                    assertThat(n).as("%s on %s", tasks[k], b.name()).isPositive();
                } else if (!own) {
                    assertThat(n).as("%s on %s", tasks[k], b.name()).isZero();
                }
            }
        }
        assertThat(model.parameterCounts()).containsKeys("shared");
    }

    @Test
    void aGroupingThatDoesNotCoverTheTasksFailsAtCompile() {
        ModelSpec spec = Fixtures.spec(new Topology.Grouped(List.of(List.of("ctr", "ctcvr"), List.of("genre", "nope")),
                List.of(6)), Fixtures.mixedTasks(), OptimizerSpec.adam(1e-3));
        assertThatThrownBy(() -> Fixtures.compile(spec)).hasMessage("model 'm': grouped topology [[ctr, ctcvr], [genre, nope]] "
                + "names unknown tasks [nope] and leaves tasks in no group [rating] (tasks: ctr, ctcvr, genre, rating)");
    }
}
