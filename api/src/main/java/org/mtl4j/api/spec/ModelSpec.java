package org.mtl4j.api.spec;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.mtl4j.api.Checks;

/**
 * The whole declaration of a multi-task model. Record-level checks are local (non-null, non-empty);
 * the DSL's {@code build()} validates the graph as a whole and reports every problem at once.
 *
 * @param lossWeighting the loss weighting plugin ({@code equal} by default)
 * @param gradientAggregation the gradient aggregator plugin, or {@link PluginRef#NONE}
 * @param clipping clippers applied in order (may be empty)
 * @param backend the backend name ({@code dl4j}, {@code tribuo} ...)
 */
public record ModelSpec(String name, List<InputSpec> inputs, List<TaskSpec> tasks, Topology topology,
        PluginRef lossWeighting, PluginRef gradientAggregation, List<PluginRef> clipping, OptimizerSpec optimizer,
        TrainingSpec training, String backend) {

    public ModelSpec {
        Checks.name("model name", name);
        inputs = List.copyOf(Checks.notNull("inputs", inputs));
        tasks = List.copyOf(Checks.notNull("tasks", tasks));
        Checks.notNull("topology", topology);
        lossWeighting = lossWeighting == null ? PluginRef.of(Defaults.LOSS_WEIGHTING) : lossWeighting;
        gradientAggregation = gradientAggregation == null ? PluginRef.NONE : gradientAggregation;
        clipping = List.copyOf(clipping == null ? List.of() : clipping);
        optimizer = optimizer == null ? Defaults.optimizer() : optimizer;
        training = training == null ? TrainingSpec.DEFAULT : training;
        backend = backend == null || backend.isBlank() ? Defaults.BACKEND : backend;
    }

    public Optional<TaskSpec> task(String taskName) {
        return tasks.stream().filter(t -> t.name().equals(taskName)).findFirst();
    }

    public int taskIndex(String taskName) {
        for (int i = 0; i < tasks.size(); i++) {
            if (tasks.get(i).name().equals(taskName)) {
                return i;
            }
        }
        return -1;
    }

    public Optional<InputSpec> input(String inputName) {
        return inputs.stream().filter(i -> i.name().equals(inputName)).findFirst();
    }

    public List<String> taskNames() {
        return tasks.stream().map(TaskSpec::name).toList();
    }

    /** Names of every column the model reads (features and labels), in declaration order. */
    public Set<String> featureColumns() {
        Set<String> cols = new java.util.LinkedHashSet<>();
        for (InputSpec in : inputs) {
            cols.addAll(in.sourceColumns());
        }
        return cols;
    }

    public boolean hasGradientAggregation() {
        return !gradientAggregation.isNone();
    }

    /** Distinct embedding table names in declaration order. */
    public List<String> embeddingTables() {
        Set<String> seen = new HashSet<>();
        List<String> out = new java.util.ArrayList<>();
        for (InputSpec in : inputs) {
            String t = in.embeddingTable();
            if (t != null && seen.add(t)) {
                out.add(t);
            }
        }
        return out;
    }

    public ModelSpec withTopology(Topology t) {
        return new ModelSpec(name, inputs, tasks, t, lossWeighting, gradientAggregation, clipping, optimizer, training, backend);
    }

    public ModelSpec withTraining(TrainingSpec t) {
        return new ModelSpec(name, inputs, tasks, topology, lossWeighting, gradientAggregation, clipping, optimizer, t, backend);
    }

    /**
     * This spec without hidden layers: bottom, expert and group layers and every task's tower set to
     * {@code []} (mmoe and cross-stitch, which need them, unchanged). What a backend without
     * {@code HIDDEN_LAYERS} (the Tribuo factorization machine) accepts.
     */
    public ModelSpec withoutHiddenLayers() {
        Topology t = topology instanceof Topology.Independent ? new Topology.Independent(List.of())
                : topology instanceof Topology.SharedBottom ? new Topology.SharedBottom(List.of())
                : topology instanceof Topology.Ple p ? new Topology.Ple(p.levels(), p.sharedExperts(), p.taskExperts(), List.of(), p.groups())
                : topology;
        List<TaskSpec> bare = tasks.stream().map(k -> k.withTower(List.of())).toList();
        return new ModelSpec(name, inputs, bare, t, lossWeighting, gradientAggregation, clipping, optimizer, training, backend);
    }

    public ModelSpec withBackend(String b) {
        return new ModelSpec(name, inputs, tasks, topology, lossWeighting, gradientAggregation, clipping, optimizer, training, b);
    }

    public ModelSpec withBalancing(PluginRef weighting, PluginRef aggregation, List<PluginRef> clippers) {
        return new ModelSpec(name, inputs, tasks, topology, weighting, aggregation, clippers, optimizer, training, backend);
    }

    public ModelSpec withTasks(List<TaskSpec> newTasks) {
        return new ModelSpec(name, inputs, newTasks, topology, lossWeighting, gradientAggregation, clipping, optimizer, training, backend);
    }

    public ModelSpec withOptimizer(OptimizerSpec o) {
        return new ModelSpec(name, inputs, tasks, topology, lossWeighting, gradientAggregation, clipping, o, training, backend);
    }
}
