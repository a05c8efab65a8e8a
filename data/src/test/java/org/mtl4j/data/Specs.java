package org.mtl4j.data;

import java.util.List;
import org.mtl4j.api.spec.InputSpec;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.api.spec.TrainingSpec;

/** Small specs for tests. */
final class Specs {
    private Specs() {
    }

    static ModelSpec spec(List<InputSpec> inputs, List<TaskSpec> tasks) {
        return new ModelSpec("t", inputs, tasks, new Topology.SharedBottom(List.of(4)), null, null, null, null,
                new TrainingSpec(1, 4, 1L, 0.0, null, 0, 1000), null);
    }
}
