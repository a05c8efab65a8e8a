package org.mtl4j.backend.tribuo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mtl4j.api.Mtl4jVersion;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.backend.Backend;
import org.mtl4j.api.backend.Capability;
import org.mtl4j.api.backend.TrainableModel;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.ModelSpec;
import org.tribuo.Tribuo;

/**
 * The Tribuo backend ({@code "tribuo"}): compiles a spec into a multi-task factorization machine
 * ({@link TribuoFmModel}) on {@code org.tribuo.math} tensors, whose task heads are also Tribuo
 * models ({@link TribuoTaskModels}).
 *
 * <p>Capabilities: topologies independent, shared-bottom and ple (one level); binary, multiclass and
 * regression tasks with ESMM chaining; dense, categorical and multi-hot inputs; per-task gradients
 * of the shared factors; adam, adamw, sgd and adagrad. MMoE, cross-stitch, sequences, images and
 * text are refused.
 */
public final class TribuoBackend implements Backend {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TribuoBackend.class);
    public static final String NAME = "tribuo";
    /** The mtl4j version this backend ships with ({@link Mtl4jVersion}). */
    public static final String VERSION = Mtl4jVersion.get();

    private static final Set<Capability> CAPABILITIES = Collections.unmodifiableSet(EnumSet.of(
            Capability.TOPOLOGY_INDEPENDENT, Capability.TOPOLOGY_SHARED_BOTTOM, Capability.TOPOLOGY_PLE,
            Capability.TASK_BINARY, Capability.TASK_MULTICLASS, Capability.TASK_REGRESSION, Capability.ESMM_CHAINING,
            Capability.INPUT_DENSE, Capability.INPUT_CATEGORICAL, Capability.INPUT_MULTI_HOT,
            Capability.PER_TASK_GRADIENTS,
            Capability.OPTIMIZER_ADAM, Capability.OPTIMIZER_ADAMW, Capability.OPTIMIZER_SGD, Capability.OPTIMIZER_ADAGRAD,
            Capability.CONTINUAL_TRAINING));

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String version() {
        return VERSION + " (tribuo " + Tribuo.VERSION + ")";
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    /** Library versions recorded in provenance. */
    static Map<String, String> libraries() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("tribuo", Tribuo.VERSION);
        m.put("java", System.getProperty("java.version"));
        return m;
    }

    /**
     * Checks the spec against this backend's capabilities; fails naming the backend, each missing
     * capability and the part of the spec that needs it.
     */
    public static void checkSupported(ModelSpec spec) {
        List<String> problems = new ArrayList<>();
        Capability.requiredBy(spec).forEach((cap, where) -> {
            if (!CAPABILITIES.contains(cap)) {
                problems.add(where + " needs " + cap + ", which backend 'tribuo' does not support");
            }
        });
        if (!problems.isEmpty()) {
            throw new MtlException("model '" + spec.name() + "' cannot be compiled by backend 'tribuo': "
                    + String.join("; ", problems));
        }
    }

    /**
     * The spec fields an FM has no counterpart for (hidden layer sizes of the bottom, experts and
     * towers), each as {@code path = value}; compile logs them as a warning so they are not ignored
     * silently (see the README: what shared-bottom means for the FM).
     */
    public static List<String> ignoredFields(ModelSpec spec) {
        List<String> out = new ArrayList<>();
        org.mtl4j.api.spec.Topology t = spec.topology();
        if (t instanceof org.mtl4j.api.spec.Topology.SharedBottom sb && !sb.layers().isEmpty()) {
            out.add("topology.layers = " + sb.layers());
        } else if (t instanceof org.mtl4j.api.spec.Topology.Independent ind && !ind.layers().isEmpty()) {
            out.add("topology.layers = " + ind.layers());
        } else if (t instanceof org.mtl4j.api.spec.Topology.Ple ple && !ple.expertLayers().isEmpty()) {
            out.add("topology.expertLayers = " + ple.expertLayers());
        }
        for (int k = 0; k < spec.tasks().size(); k++) {
            if (!spec.tasks().get(k).tower().isEmpty()) {
                out.add("tasks[" + k + "].tower = " + spec.tasks().get(k).tower());
            }
        }
        return out;
    }

    @Override
    public TribuoFmModel compile(ModelSpec spec, Map<String, Vocabulary> vocabularies,
            Map<String, Dataset.DenseStats> denseStats) {
        checkSupported(spec);
        List<String> ignored = ignoredFields(spec);
        if (!ignored.isEmpty()) {
            LOG.warn("model '{}': backend 'tribuo' (a factorization machine, no hidden layers) ignores {}", spec.name(),
                    String.join(", ", ignored));
        }
        if (spec.training().workers() > 1) {
            LOG.info("model '{}': backend 'tribuo' trains, evaluates and predicts on one thread; training.workers = {} is ignored "
                    + "(data-parallel workers are a dl4j feature; see backends/tribuo/README.md, \"Workers\")", spec.name(),
                    spec.training().workers());
        }
        return new TribuoFmModel(spec, vocabularies, denseStats);
    }

    @Override
    public TrainableModel load(Path file) throws IOException {
        return TribuoArchive.read(file);
    }

    @Override
    public String toString() {
        return "TribuoBackend[" + version() + "]";
    }
}
