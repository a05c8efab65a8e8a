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
import org.mtl4j.api.spec.TaskKind;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.tasks.LabelScaling;
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
     * Checks the spec against this backend's capabilities and {@link #unsupportedFields}; fails naming
     * the backend, each missing capability or field, its path and value. Hidden layers (a topology's
     * {@code layers}, {@code expertLayers}, a task's {@code tower}) are refused: the FM has none and
     * would ignore them (README: what shared-bottom means for the FM).
     */
    public static void checkSupported(ModelSpec spec) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<Capability, String> r : Capability.requirements(spec)) {
            if (!CAPABILITIES.contains(r.getKey())) {
                problems.add(r.getValue() + " needs " + r.getKey() + ", which backend 'tribuo' does not support"
                        + (r.getKey() == Capability.HIDDEN_LAYERS ? " (a factorization machine has no hidden layers: write [])" : ""));
            }
        }
        for (Map.Entry<String, String> f : fields(spec)) {
            problems.add(f.getKey() + ": " + f.getValue());
        }
        if (!problems.isEmpty()) {
            throw new MtlException("model '" + spec.name() + "' cannot be compiled by backend 'tribuo': "
                    + String.join("; ", problems));
        }
    }

    @Override
    public List<Map.Entry<String, String>> unsupportedFields(ModelSpec spec) {
        return fields(spec);
    }

    /**
     * What the FM cannot honour beyond its capabilities: ple with more than one level (one extraction
     * level of factor blocks) and id inputs of different {@code embeddingDim} (every factor row has the
     * one width k, the widest; a narrower dimension would be ignored).
     */
    static List<Map.Entry<String, String>> fields(ModelSpec spec) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        if (spec.topology() instanceof org.mtl4j.api.spec.Topology.Ple p && p.levels() != 1) {
            out.add(Map.entry("topology.levels = " + p.levels(),
                    "a factorization machine has one extraction level (factor blocks); use levels: 1"));
        }
        int k = TribuoFmModel.factorWidth(spec);
        String widest = null;
        for (int i = 0; i < spec.inputs().size(); i++) {
            org.mtl4j.api.spec.InputSpec in = spec.inputs().get(i);
            int dim = in instanceof org.mtl4j.api.spec.CategoricalInput c ? c.embeddingDim()
                    : in instanceof org.mtl4j.api.spec.MultiHotInput m ? m.embeddingDim() : -1;
            if (dim == k && widest == null) {
                widest = "input '" + in.name() + "'";
            }
        }
        for (int i = 0; i < spec.inputs().size(); i++) {
            org.mtl4j.api.spec.InputSpec in = spec.inputs().get(i);
            int dim = in instanceof org.mtl4j.api.spec.CategoricalInput c ? c.embeddingDim()
                    : in instanceof org.mtl4j.api.spec.MultiHotInput m ? m.embeddingDim() : -1;
            if (dim >= 0 && dim != k) {
                out.add(Map.entry("inputs[" + i + "].embeddingDim = " + dim, "input '" + in.name() + "': every id feature of the factorization machine has factors of one width, k = " + k + " (the widest, "
                        + widest + "), so this dimension would be ignored: give every id input embeddingDim " + k));
            }
        }
        return out;
    }

    @Override
    public TribuoFmModel compile(ModelSpec spec, Map<String, Vocabulary> vocabularies,
            Map<String, Dataset.DenseStats> denseStats) {
        checkSupported(spec);
        if (spec.training().workers() > 1) {
            LOG.info("model '{}': backend 'tribuo' trains, evaluates and predicts on one thread; training.workers = {} is ignored "
                    + "(data-parallel workers are a dl4j feature; see backends/tribuo/README.md, \"Workers\")", spec.name(),
                    spec.training().workers());
        }
        List<String> noRate = spec.tasks().stream().filter(t -> t.kind() == TaskKind.BINARY
                && !Double.isFinite(LabelScaling.initialLogit(t, denseStats))).map(TaskSpec::name).toList();
        if (!noRate.isEmpty()) {
            // the trap the scale benchmark fell into (CTCVR AUC 0.611 instead of 0.735 at 1M users): compile
            // called without the runtime's label pass
            LOG.warn("model '{}': binary task(s) {} have no recorded base rate, so their biases start at 0 (p = 0.5): the FM then "
                    + "ranks frequent ids low and loses AUC on large vocabularies. Train through MtlRuntime, or compile with "
                    + "LabelScaling.withLabelStats(spec, train, stats) (see backends/tribuo/README.md, \"Binary biases\")",
                    spec.name(), noRate);
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
