package org.mtl4j.dsl.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.mtl4j.api.spec.InputSpec;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.PluginRef;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.api.spec.TrainingSpec;

/**
 * The parts of a model as the validator sees them. Unlike {@link ModelSpec} a part may be missing
 * (null) because the DSL could not construct its record; the validator then checks everything else,
 * and list positions stay those of the declaration so that paths ({@code tasks[2]}) stay right.
 */
public record SpecDraft(String name, List<InputSpec> inputs, List<TaskSpec> tasks, Topology topology,
        PluginRef lossWeighting, PluginRef gradientAggregation, List<PluginRef> clipping, OptimizerSpec optimizer,
        TrainingSpec training, String backend) {

    public SpecDraft {
        inputs = Collections.unmodifiableList(new ArrayList<>(inputs));
        tasks = Collections.unmodifiableList(new ArrayList<>(tasks));
        clipping = Collections.unmodifiableList(new ArrayList<>(clipping));
    }

    public static SpecDraft of(ModelSpec s) {
        return new SpecDraft(s.name(), s.inputs(), s.tasks(), s.topology(), s.lossWeighting(), s.gradientAggregation(),
                s.clipping(), s.optimizer(), s.training(), s.backend());
    }

    public boolean complete() {
        return name != null && topology != null && optimizer != null && training != null && lossWeighting != null
                && gradientAggregation != null && !inputs.contains(null) && !tasks.contains(null) && !clipping.contains(null);
    }

    /** The spec of the parts that exist, or null when a part no spec can do without is missing. */
    public ModelSpec toSpecOrNull() {
        if (topology == null) {
            return null;
        }
        try {
            return new ModelSpec(name, inputs.stream().filter(Objects::nonNull).toList(),
                    tasks.stream().filter(Objects::nonNull).toList(), topology, lossWeighting, gradientAggregation,
                    clipping.stream().filter(Objects::nonNull).toList(), optimizer, training, backend);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
