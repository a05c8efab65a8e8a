package org.mtl4j.api.backend;

import java.util.EnumSet;
import java.util.Set;
import org.mtl4j.api.spec.CategoricalInput;
import org.mtl4j.api.spec.DenseInput;
import org.mtl4j.api.spec.ImageInput;
import org.mtl4j.api.spec.InputSpec;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.MultiHotInput;
import org.mtl4j.api.spec.SequenceInput;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.TextInput;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.api.spec.VectorInput;

/** What a backend can do; a spec needing a capability the backend lacks fails at {@code build()}. */
public enum Capability {
    TOPOLOGY_INDEPENDENT,
    TOPOLOGY_SHARED_BOTTOM,
    TOPOLOGY_MMOE,
    TOPOLOGY_PLE,
    TOPOLOGY_CROSS_STITCH,
    /** {@code grouped}: one shared bottom per group of tasks. */
    TOPOLOGY_GROUPED,
    /** {@code mmoe} or {@code ple} with {@code groups}: experts and gates per group of tasks, nothing shared across. */
    TOPOLOGY_GROUPED_EXPERTS,
    TASK_BINARY,
    TASK_MULTICLASS,
    TASK_REGRESSION,
    ESMM_CHAINING,
    INPUT_DENSE,
    INPUT_CATEGORICAL,
    INPUT_MULTI_HOT,
    INPUT_SEQUENCE,
    INPUT_IMAGE,
    INPUT_TEXT,
    /**
     * Frozen fixed-length vectors (precomputed or from a pretrained text embedder) through a trainable
     * adapter.
     */
    INPUT_VECTOR,
    /**
     * An input encoded by a user's pretrained network (an image input with {@code network}), frozen or
     * fine-tuned.
     */
    INPUT_NETWORK,
    /** Per-task gradients of the shared parameters (needed by gradient aggregators and some clippers). */
    PER_TASK_GRADIENTS,
    OPTIMIZER_ADAM,
    OPTIMIZER_ADAMW,
    OPTIMIZER_SGD,
    OPTIMIZER_ADAGRAD,
    /** {@link TrainableModel#initFrom}: a compiled model starts from a saved one (vocabularies may have grown). */
    CONTINUAL_TRAINING,
    /**
     * Hidden (MLP) layers: a topology's {@code layers} / {@code expertLayers} / {@code gateLayers} and a
     * task's {@code tower}. A backend without it (the Tribuo factorization machine) refuses every
     * non-empty one at {@code build()} instead of ignoring it.
     */
    HIDDEN_LAYERS;

    /**
     * Every capability a spec needs, each with every part that needs it (for error messages: one per
     * part, {@code path = value}); {@link #requiredBy} keeps the first part of each. Hidden layers are
     * listed per field ({@code topology.layers = [128]}, {@code tasks[1] (ctcvr).tower = [8]}).
     */
    public static java.util.List<java.util.Map.Entry<Capability, String>> requirements(ModelSpec spec) {
        java.util.List<java.util.Map.Entry<Capability, String>> out = new java.util.ArrayList<>();
        for (java.util.Map.Entry<Capability, String> e : requiredBy(spec).entrySet()) {
            if (e.getKey() != HIDDEN_LAYERS) {
                out.add(e);
            }
        }
        for (String where : hiddenLayers(spec)) {
            out.add(java.util.Map.entry(HIDDEN_LAYERS, where));
        }
        return out;
    }

    /** Every non-empty hidden-layer field of a spec, as {@code path = value}. */
    private static java.util.List<String> hiddenLayers(ModelSpec spec) {
        java.util.List<String> out = new java.util.ArrayList<>();
        Topology t = spec.topology();
        java.util.function.BiConsumer<String, java.util.List<Integer>> add = (path, layers) -> {
            if (!layers.isEmpty()) {
                out.add(path + " = " + layers);
            }
        };
        if (t instanceof Topology.Independent x) {
            add.accept("topology.layers", x.layers());
        } else if (t instanceof Topology.SharedBottom x) {
            add.accept("topology.layers", x.layers());
        } else if (t instanceof Topology.Ple x) {
            add.accept("topology.expertLayers", x.expertLayers());
        }
        // mmoe, cross-stitch and grouped cannot be written without layers: their layers are part of the
        // topology, whose own capability a backend without hidden layers lacks
        for (int k = 0; k < spec.tasks().size(); k++) {
            TaskSpec task = spec.tasks().get(k);
            add.accept("tasks[" + k + "] (" + task.name() + ").tower", task.tower());
        }
        return out;
    }

    /** Every capability a spec needs, with the (first) thing that needs it (for error messages). */
    public static java.util.Map<Capability, String> requiredBy(ModelSpec spec) {
        java.util.Map<Capability, String> req = new java.util.LinkedHashMap<>();
        Topology topo = spec.topology();
        Capability tc = topo instanceof Topology.Independent ? TOPOLOGY_INDEPENDENT
                : topo instanceof Topology.SharedBottom ? TOPOLOGY_SHARED_BOTTOM
                : topo instanceof Topology.Mmoe ? TOPOLOGY_MMOE
                : topo instanceof Topology.Ple ? TOPOLOGY_PLE
                : topo instanceof Topology.Grouped ? TOPOLOGY_GROUPED
                : TOPOLOGY_CROSS_STITCH;
        req.put(tc, "topology = " + spec.topology().id());
        if ((topo instanceof Topology.Mmoe || topo instanceof Topology.Ple) && ((Topology.TaskGroups) topo).grouped()) {
            req.put(TOPOLOGY_GROUPED_EXPERTS, "topology.groups = " + ((Topology.TaskGroups) topo).groups());
        }
        for (int k = 0; k < spec.tasks().size(); k++) {
            TaskSpec t = spec.tasks().get(k);
            String path = "tasks[" + k + "] (" + t.name() + ")";
            req.putIfAbsent(switch (t.kind()) {
                case BINARY -> TASK_BINARY;
                case MULTICLASS -> TASK_MULTICLASS;
                case REGRESSION -> TASK_REGRESSION;
            }, path + ".kind = " + t.kind().id());
            if (t.chained()) {
                req.putIfAbsent(ESMM_CHAINING, path + ".chainedAfter = " + t.chainedAfter());
            }
        }
        for (int i = 0; i < spec.inputs().size(); i++) {
            InputSpec in = spec.inputs().get(i);
            Capability c = in instanceof DenseInput ? INPUT_DENSE
                    : in instanceof CategoricalInput ? INPUT_CATEGORICAL
                    : in instanceof MultiHotInput ? INPUT_MULTI_HOT
                    : in instanceof SequenceInput ? INPUT_SEQUENCE
                    : in instanceof ImageInput img && img.hasNetwork() ? INPUT_NETWORK
                    : in instanceof ImageInput ? INPUT_IMAGE
                    : in instanceof VectorInput ? INPUT_VECTOR
                    : in instanceof TextInput t && t.isPretrained() ? INPUT_VECTOR
                    : INPUT_TEXT;
            req.putIfAbsent(c, "inputs[" + i + "] (" + in.name() + ")" + (c == INPUT_NETWORK
                    ? ".network = " + ((ImageInput) in).network() : " kind = " + in.kind()));
        }
        if (spec.hasGradientAggregation()) {
            req.putIfAbsent(PER_TASK_GRADIENTS, "gradientAggregation = " + spec.gradientAggregation().name());
        }
        req.putIfAbsent(switch (spec.optimizer().name()) {
            case "adamw" -> OPTIMIZER_ADAMW;
            case "sgd" -> OPTIMIZER_SGD;
            case "adagrad" -> OPTIMIZER_ADAGRAD;
            default -> OPTIMIZER_ADAM;
        }, "optimizer = " + spec.optimizer().name());
        java.util.List<String> hidden = hiddenLayers(spec);
        if (!hidden.isEmpty()) {
            req.put(HIDDEN_LAYERS, hidden.get(0));
        }
        return req;
    }

    public static Set<Capability> all() {
        return EnumSet.allOf(Capability.class);
    }
}
