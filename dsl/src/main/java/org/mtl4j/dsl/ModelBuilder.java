package org.mtl4j.dsl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedSet;
import org.mtl4j.api.Checks;
import org.mtl4j.api.spec.Defaults;
import org.mtl4j.api.spec.InputSpec;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.PluginRef;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.api.spec.TrainingSpec;
import org.mtl4j.dsl.internal.SpecDraft;
import org.mtl4j.spi.PluginKind;
import org.mtl4j.spi.UnknownPluginException;

/**
 * Records the declarations of one model ({@link Mtl#model}) and turns them into a validated
 * {@link ModelSpec} in {@link #build()}. Nothing is checked before {@code build()}; then every
 * problem is reported at once in one {@link SpecValidationException}.
 */
public final class ModelBuilder {
    private final String name;
    private final List<Inputs.Input> inputs = new ArrayList<>();
    private final List<Tasks.Task> tasks = new ArrayList<>();
    private Sharing.Choice sharing;
    private final List<Balance.Choice> balance = new ArrayList<>();
    private final List<Clip.Choice> clips = new ArrayList<>();
    private Optimizer.Choice optimizer;
    private Training training;
    private String backend;

    ModelBuilder(String name) {
        this.name = name;
    }

    /** Adds inputs, in order. */
    public ModelBuilder inputs(Inputs.Input... in) {
        inputs.addAll(Arrays.asList(in));
        return this;
    }

    public ModelBuilder input(Inputs.Input in) {
        return inputs(in);
    }

    /** Adds tasks, in order (the order of outputs, weights and metrics everywhere). */
    public ModelBuilder tasks(Tasks.Task... t) {
        tasks.addAll(Arrays.asList(t));
        return this;
    }

    public ModelBuilder task(Tasks.Task t) {
        return tasks(t);
    }

    /** How the tasks share the representation below their towers. */
    public ModelBuilder sharing(Sharing.Choice s) {
        this.sharing = s;
        return this;
    }

    /** A loss weighting and/or a gradient aggregator (default: {@code equal} weights, no aggregation). */
    public ModelBuilder balance(Balance.Choice... choices) {
        balance.addAll(Arrays.asList(choices));
        return this;
    }

    /** Gradient clippers, applied in order. */
    public ModelBuilder clip(Clip.Choice... c) {
        clips.addAll(Arrays.asList(c));
        return this;
    }

    /** The optimiser (default: Adam, learning rate 1e-3). */
    public ModelBuilder optimizer(Optimizer.Choice o) {
        this.optimizer = o;
        return this;
    }

    /** Epochs, batch size, seed, validation split, early stopping. */
    public ModelBuilder training(Training t) {
        this.training = t;
        return this;
    }

    /**
     * The backend that trains the model; without it, {@link MtlRuntime#defaultBackend()} (the
     * highest-ranked installed backend, {@code dl4j}, unless {@code -Dmtl4j.backend} or
     * {@code MTL4J_BACKEND} names another).
     */
    public ModelBuilder backend(String name) {
        this.backend = name;
        return this;
    }

    /** Validates against the plugins {@link Mtl#runtime()} discovered. */
    public ModelSpec build() {
        return build(Mtl.runtime());
    }

    /**
     * Validates the whole model against the plugins of {@code runtime}.
     *
     * @throws SpecValidationException listing every problem, each as {@code ID: path = value (detail)}
     */
    public ModelSpec build(MtlRuntime runtime) {
        List<Problem> problems = new ArrayList<>();
        SpecDraft draft = draft(runtime, problems);
        problems.addAll(runtime.validate(draft));
        if (!problems.isEmpty()) {
            throw new SpecValidationException(name, problems);
        }
        return draft.toSpecOrNull();
    }

    private SpecDraft draft(MtlRuntime runtime, List<Problem> problems) {
        try {
            Checks.name("model name", name);
        } catch (IllegalArgumentException e) {
            problems.add(new Problem("MTL/BadName", "name", Problem.quote(name), e.getMessage()));
        }
        List<InputSpec> in = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            try {
                in.add(inputs.get(i).toSpec());
            } catch (IllegalArgumentException e) {
                problems.add(new Problem("MTL/BadInput", "inputs[" + i + "]", Problem.quote(inputs.get(i).name()), e.getMessage()));
                in.add(null);
            }
        }
        List<TaskSpec> ts = new ArrayList<>();
        for (int k = 0; k < tasks.size(); k++) {
            try {
                ts.add(tasks.get(k).toSpec());
            } catch (IllegalArgumentException e) {
                problems.add(new Problem("MTL/BadTask", "tasks[" + k + "]", Problem.quote(tasks.get(k).name()), e.getMessage()));
                ts.add(tasks.get(k).standIn());
            }
        }
        Topology topology = null;
        if (sharing == null) {
            problems.add(new Problem("MTL/NoTopology", "topology", "none", "choose one: Sharing.independent, sharedBottom, "
                    + "mmoe, ple, cgc or crossStitch"));
        } else {
            try {
                topology = sharing.toTopology();
            } catch (IllegalArgumentException e) {
                problems.add(new Problem("MTL/BadTopology", "topology", sharing.id(), e.getMessage()));
            }
        }
        PluginRef[] roles = balancing(runtime, problems);
        List<PluginRef> clipping = new ArrayList<>();
        for (int i = 0; i < clips.size(); i++) {
            clipping.add(ref("clipping[" + i + "]", clips.get(i).name(), clips.get(i).params(), problems));
        }
        OptimizerSpec opt = Defaults.optimizer();
        if (optimizer != null) {
            try {
                opt = optimizer.toSpec();
            } catch (IllegalArgumentException e) {
                problems.add(field("MTL/BadOptimizer", "optimizer", "optimizer ", Problem.quote(optimizer.name()), e));
                opt = null;
            }
        }
        TrainingSpec train = TrainingSpec.DEFAULT;
        if (training != null) {
            try {
                train = training.toSpec();
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage().startsWith("early stopping ")
                        ? field("MTL/BadTraining", "training.earlyStopping", "early stopping ", "...", e)
                        : field("MTL/BadTraining", "training", "training ", "...", e));
                train = null;
            }
        }
        return new SpecDraft(name, in, ts, topology, roles[0], roles[1], clipping, opt, train,
                backend == null || backend.isBlank() ? runtime.defaultBackend() : backend);
    }

    private static final java.util.regex.Pattern FIELD = java.util.regex.Pattern.compile("^(\\w+) .*, found (.*)$");

    /**
     * A problem at {@code base.<field>} when the record's message reads {@code "<prefix><field> ..., found <value>"}
     * (the form of {@link Checks}' messages), else at {@code base}.
     */
    private static Problem field(String id, String base, String prefix, String value, IllegalArgumentException e) {
        String msg = e.getMessage();
        if (msg.startsWith(prefix)) {
            java.util.regex.Matcher m = FIELD.matcher(msg.substring(prefix.length()));
            if (m.matches()) {
                return new Problem(id, base + "." + m.group(1), m.group(2), msg);
            }
        }
        return new Problem(id, base, value, msg);
    }

    /** [loss weighting, gradient aggregation]; a missing one takes its default (equal, none). */
    private PluginRef[] balancing(MtlRuntime runtime, List<Problem> problems) {
        PluginRef[] roles = {PluginRef.of(Defaults.LOSS_WEIGHTING), PluginRef.NONE};
        String[] chosen = new String[2];
        for (int i = 0; i < balance.size(); i++) {
            Balance.Choice c = balance.get(i);
            String path = "balance[" + i + "]";
            int role = role(runtime, c, path, problems);
            if (role < 0) {
                continue;
            }
            if (chosen[role] != null) {
                problems.add(new Problem("MTL/DuplicateBalancing", path, Problem.quote(c.name()), "a "
                        + (role == 0 ? "loss weighting" : "gradient aggregator") + " is already chosen: "
                        + Problem.quote(chosen[role])));
                continue;
            }
            chosen[role] = c.name();
            roles[role] = ref(role == 0 ? "lossWeighting" : "gradientAggregation", c.name(), c.params(), problems);
        }
        return roles;
    }

    /** 0 for a loss weighting, 1 for a gradient aggregator, -1 when it cannot be told (a problem is recorded). */
    private static int role(MtlRuntime runtime, Balance.Choice c, String path, List<Problem> problems) {
        if (c.role() == Balance.Role.LOSS_WEIGHTING) {
            return 0;
        }
        if (c.role() == Balance.Role.GRADIENT_AGGREGATION) {
            return 1;
        }
        SortedSet<String> weightings = runtime.names(PluginKind.LOSS_WEIGHTING);
        SortedSet<String> aggregators = runtime.names(PluginKind.GRADIENT_AGGREGATOR);
        boolean w = weightings.contains(c.name());
        boolean a = aggregators.contains(c.name());
        if (w && a) {
            problems.add(new Problem("MTL/AmbiguousPlugin", path, Problem.quote(c.name()), "both a loss weighting and a "
                    + "gradient aggregator have this name"));
            return -1;
        }
        if (!w && !a) {
            problems.add(new Problem(UnknownPluginException.ID, path, Problem.quote(c.name()), "loss weightings "
                    + UnknownPluginException.knownText(weightings) + "; gradient aggregators "
                    + UnknownPluginException.knownText(aggregators)));
            return -1;
        }
        return w ? 0 : 1;
    }

    private static PluginRef ref(String path, String name, java.util.Map<String, Double> params, List<Problem> problems) {
        try {
            return PluginRef.of(name, params);
        } catch (IllegalArgumentException | NullPointerException e) {
            problems.add(new Problem("MTL/BadPluginParams", path, Problem.quote(name), e.getMessage()));
            return null;
        }
    }
}
