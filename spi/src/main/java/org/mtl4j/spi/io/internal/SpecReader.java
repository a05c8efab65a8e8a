package org.mtl4j.spi.io.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.mtl4j.api.backend.Provenance;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.CategoricalInput;
import org.mtl4j.api.spec.DenseInput;
import org.mtl4j.api.spec.EarlyStopping;
import org.mtl4j.api.spec.ImageInput;
import org.mtl4j.api.spec.InputSpec;
import org.mtl4j.api.spec.LossKind;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.MultiHotInput;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.PluginRef;
import org.mtl4j.api.spec.Pooling;
import org.mtl4j.api.spec.SequenceInput;
import org.mtl4j.api.spec.TaskKind;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.TextInput;
import org.mtl4j.api.spec.VectorInput;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.api.spec.TrainingSpec;
import org.mtl4j.api.spec.TransformerSpec;
import org.mtl4j.api.spec.VocabularySpec;
import org.mtl4j.api.spec.Defaults;
import org.mtl4j.spi.io.SpecFormatException;

/**
 * Binds a {@link Node} tree to the spec records. Field names are the record component names;
 * an input's {@code kind} and a topology's {@code type} pick the record; enums are read by id.
 * Fields left out take the values of {@link Defaults} (or the record's own defaults).
 */
public final class SpecReader {
    /** Input kind ids in the order of {@link InputSpec}'s permitted records. */
    public static final List<String> INPUT_KINDS = List.of("dense", "categorical", "multi-hot", "sequence", "image", "text",
            "vector");
    /** Topology ids. */
    public static final List<String> TOPOLOGY_TYPES = List.of("independent", "shared-bottom", "mmoe", "ple", "cross-stitch",
            "grouped");

    private final String source;
    private final List<SpecFormatException> problems = new ArrayList<>();

    public SpecReader(String source) {
        this.source = source;
    }

    /**
     * Runs one whole read: every problem found on the way is collected, and if there is any, one
     * {@link SpecFormatException} lists them all (in line order).
     */
    private <T> T complete(Supplier<T> read) {
        problems.clear();
        T value;
        try {
            value = read.get();
        } catch (SpecFormatException e) {
            problems.add(e);
            value = null;
        }
        if (!problems.isEmpty()) {
            List<SpecFormatException> found = new ArrayList<>(problems);
            problems.clear();
            throw SpecFormatException.of(source, found);
        }
        return value;
    }

    /** Reads a value of {@code type} (a spec record, an {@link InputSpec}, a {@link Topology}, or {@link Provenance}). */
    public <T> T read(Node n, Class<T> type) {
        Object value = complete(() -> readAny(n, type));
        if (!type.isInstance(value)) {
            throw new SpecFormatException(source, n.line(), "", "expected " + type.getSimpleName() + ", found "
                    + value.getClass().getSimpleName());
        }
        return type.cast(value);
    }

    private Object readAny(Node n, Class<?> type) {
        Object value;
        if (type == ModelSpec.class) {
            value = model(n, "");
        } else if (InputSpec.class.isAssignableFrom(type)) {
            value = input(n, "");
        } else if (Topology.class.isAssignableFrom(type)) {
            value = topology(n, "");
        } else if (type == TaskSpec.class) {
            value = task(n, "");
        } else if (type == PluginRef.class) {
            value = plugin(n, "");
        } else if (type == OptimizerSpec.class) {
            value = optimizer(n, "");
        } else if (type == TrainingSpec.class) {
            value = training(n, "");
        } else if (type == EarlyStopping.class) {
            value = earlyStopping(n, "");
        } else if (type == VocabularySpec.class) {
            value = vocabularySpec(n, "");
        } else if (type == TransformerSpec.class) {
            value = transformer(n, "");
        } else if (type == Provenance.class) {
            value = provenance(n, "");
        } else {
            throw new IllegalArgumentException("the spec codec does not read " + type.getName());
        }
        return value;
    }

    public ModelSpec model(Node n, String path) {
        Fields f = Fields.of(problems, source, n, path, "name", "inputs", "tasks", "topology", "lossWeighting",
                "gradientAggregation", "clipping", "optimizer", "training", "backend");
        String name = f.requiredString("name");
        List<InputSpec> inputs = f.list("inputs", this::input);
        List<TaskSpec> tasks = f.list("tasks", this::task);
        f.require("topology");
        Topology topology = f.nested("topology", this::topology);
        PluginRef weighting = f.nested("lossWeighting", this::plugin);
        PluginRef aggregation = f.nested("gradientAggregation", this::plugin);
        List<PluginRef> clipping = f.list("clipping", this::plugin);
        OptimizerSpec optimizer = f.nested("optimizer", this::optimizer);
        TrainingSpec training = f.nested("training", this::training);
        String backend = f.string("backend");
        return f.construct(() -> new ModelSpec(name, inputs == null ? List.of() : inputs, tasks == null ? List.of() : tasks,
                topology, weighting, aggregation, clipping, optimizer, training, backend));
    }

    public InputSpec input(Node n, String path) {
        String kind = discriminator(n, path, "kind", INPUT_KINDS, "input kind");
        switch (kind) {
            case "dense": {
                Fields f = Fields.of(problems, source, n, path, "kind", "name", "columns", "standardize");
                String name = f.requiredString("name");
                List<String> columns = f.strings("columns");
                boolean standardize = f.bool("standardize", Defaults.DENSE_STANDARDIZE);
                return f.construct(() -> new DenseInput(name, columns, standardize));
            }
            case "categorical": {
                Fields f = Fields.of(problems, source, n, path, "kind", "name", "column", "embeddingDim", "vocabulary", "table");
                String name = f.requiredString("name");
                String column = columnOrName(f, name);
                int dim = f.integer("embeddingDim", Defaults.EMBEDDING_DIM);
                VocabularySpec vocab = f.nested("vocabulary", this::vocabularySpec);
                String table = f.string("table");
                return f.construct(() -> new CategoricalInput(name, column, dim, vocab, table));
            }
            case "multi-hot": {
                Fields f = Fields.of(problems, source, n, path, "kind", "name", "column", "separator", "embeddingDim", "pooling",
                        "vocabulary", "table");
                String name = f.requiredString("name");
                String column = columnOrName(f, name);
                String separator = f.string("separator");
                int dim = f.integer("embeddingDim", Defaults.EMBEDDING_DIM);
                Pooling pooling = f.enumValue("pooling", Pooling.class, null);
                VocabularySpec vocab = f.nested("vocabulary", this::vocabularySpec);
                String table = f.string("table");
                return f.construct(() -> new MultiHotInput(name, column, separator, dim, pooling, vocab, table));
            }
            case "sequence": {
                Fields f = Fields.of(problems, source, n, path, "kind", "name", "column", "separator", "maxLength", "vocabulary",
                        "table", "encoder");
                String name = f.requiredString("name");
                String column = columnOrName(f, name);
                String separator = f.string("separator");
                int maxLength = f.integer("maxLength", Defaults.SEQUENCE_MAX_LENGTH);
                VocabularySpec vocab = f.nested("vocabulary", this::vocabularySpec);
                String table = f.string("table");
                TransformerSpec encoder = f.nested("encoder", this::transformer);
                return f.construct(() -> new SequenceInput(name, column, separator, maxLength, vocab, table, encoder));
            }
            case "image": {
                Fields f = Fields.of(problems, source, n, path, "kind", "name", "column", "channels", "height", "width",
                        "convChannels", "kernel", "network", "mode", "output", "dimension", "networkLearningRate");
                String name = f.requiredString("name");
                String column = f.string("column");
                int channels = f.integer("channels", Defaults.IMAGE_CHANNELS);
                int height = f.requiredInteger("height");
                int width = f.requiredInteger("width");
                List<Integer> conv = f.integers("convChannels");
                int kernel = f.integer("kernel", Defaults.IMAGE_KERNEL);
                String network = f.string("network");
                ImageInput.NetworkMode mode = f.enumValue("mode", ImageInput.NetworkMode.class, null);
                String output = f.string("output");
                Integer dimension = f.has("dimension") ? f.requiredInteger("dimension") : null;
                Double rate = f.has("networkLearningRate") ? f.decimal("networkLearningRate", 1.0) : null;
                return f.construct(() -> new ImageInput(name, column, channels, height, width, conv, kernel, network, mode,
                        output, dimension, rate));
            }
            case "vector": {
                Fields f = Fields.of(problems, source, n, path, "kind", "name", "column", "dimension", "file", "missing", "adapter");
                String name = f.requiredString("name");
                String column = columnOrName(f, name);
                int dimension = f.requiredInteger("dimension");
                String file = f.string("file");
                VectorInput.Missing missing = f.enumValue("missing", VectorInput.Missing.class, null);
                VectorInput.Adapter adapter = f.nested("adapter", this::adapter);
                return f.construct(() -> new VectorInput(name, column, dimension, file, missing, adapter));
            }
            default: {
                Fields f = Fields.of(problems, source, n, path, "kind", "name", "column", "encoding", "maxTokens", "embeddingDim",
                        "vocabulary", "encoder", "pretrained", "adapter");
                String name = f.requiredString("name");
                String column = columnOrName(f, name);
                TextInput.Encoding encoding = f.enumValue("encoding", TextInput.Encoding.class, null);
                int maxTokens = f.integer("maxTokens", Defaults.TEXT_MAX_TOKENS);
                int dim = f.integer("embeddingDim", Defaults.EMBEDDING_DIM);
                VocabularySpec vocab = f.nested("vocabulary", this::vocabularySpec);
                TransformerSpec encoder = f.nested("encoder", this::transformer);
                String pretrained = f.string("pretrained");
                VectorInput.Adapter adapter = f.nested("adapter", this::adapter);
                return f.construct(() -> new TextInput(name, column, encoding, maxTokens, dim, vocab, encoder, pretrained,
                        adapter));
            }
        }
    }

    private VectorInput.Adapter adapter(Node n, String path) {
        Fields f = Fields.of(problems, source, n, path, "width", "whiten");
        int width = f.integer("width", VectorInput.Adapter.DEFAULT.width());
        boolean whiten = f.bool("whiten", VectorInput.Adapter.DEFAULT.whiten());
        return f.construct(() -> new VectorInput.Adapter(width, whiten));
    }

    private static String columnOrName(Fields f, String name) {
        String c = f.string("column");
        return c == null ? name : c;
    }

    public TaskSpec task(Node n, String path) {
        Fields f = Fields.of(problems, source, n, path, "name", "kind", "label", "numClasses", "loss", "metrics", "weight",
                "auxiliary", "chainedAfter", "tower", "towerLearningRate");
        String name = f.requiredString("name");
        f.require("kind");
        TaskKind kind = f.enumValue("kind", TaskKind.class, null);
        String label = f.string("label");
        int classes = f.integer("numClasses", 1);
        LossKind loss = f.enumValue("loss", LossKind.class, null);
        List<String> metrics = f.strings("metrics");
        double weight = f.decimal("weight", Defaults.TASK_WEIGHT);
        boolean auxiliary = f.bool("auxiliary", false);
        String chainedAfter = f.string("chainedAfter");
        List<Integer> tower = f.integers("tower");
        double towerLr = f.decimal("towerLearningRate", Defaults.TOWER_LEARNING_RATE);
        return f.construct(() -> new TaskSpec(name, kind, label, classes, loss, metrics, weight, auxiliary, chainedAfter,
                tower, towerLr));
    }

    public Topology topology(Node n, String path) {
        String type = discriminator(n, path, "type", TOPOLOGY_TYPES, "topology type");
        switch (type) {
            case "independent": {
                Fields f = Fields.of(problems, source, n, path, "type", "layers");
                List<Integer> layers = f.integers("layers");
                return f.construct(() -> new Topology.Independent(layers));
            }
            case "shared-bottom": {
                Fields f = Fields.of(problems, source, n, path, "type", "layers");
                List<Integer> layers = f.integers("layers");
                return f.construct(() -> new Topology.SharedBottom(layers));
            }
            case "mmoe": {
                Fields f = Fields.of(problems, source, n, path, "type", "experts", "expertLayers", "gateLayers", "groups");
                int experts = f.requiredInteger("experts");
                List<Integer> expertLayers = f.integers("expertLayers");
                List<Integer> gateLayers = f.integers("gateLayers");
                List<List<String>> groups = f.has("groups") ? f.list("groups", this::stringList) : null;
                return f.construct(() -> new Topology.Mmoe(experts, expertLayers, gateLayers, groups));
            }
            case "ple": {
                Fields f = Fields.of(problems, source, n, path, "type", "levels", "sharedExperts", "taskExperts", "expertLayers",
                        "groups");
                int levels = f.integer("levels", Defaults.PLE_LEVELS);
                int shared = f.requiredInteger("sharedExperts");
                int perTask = f.requiredInteger("taskExperts");
                List<Integer> expertLayers = f.integers("expertLayers");
                List<List<String>> groups = f.has("groups") ? f.list("groups", this::stringList) : null;
                return f.construct(() -> new Topology.Ple(levels, shared, perTask, expertLayers, groups));
            }
            case "grouped": {
                Fields f = Fields.of(problems, source, n, path, "type", "groups", "layers");
                f.require("groups");
                List<List<String>> groups = f.list("groups", this::stringList);
                List<Integer> layers = f.integers("layers");
                return f.construct(() -> new Topology.Grouped(groups, layers));
            }
            default: {
                Fields f = Fields.of(problems, source, n, path, "type", "layers", "selfWeight");
                List<Integer> layers = f.integers("layers");
                double self = f.decimal("selfWeight", Defaults.CROSS_STITCH_SELF_WEIGHT);
                return f.construct(() -> new Topology.CrossStitch(layers, self));
            }
        }
    }

    /** A list of strings (one group of a grouped topology). */
    private List<String> stringList(Node n, String path) {
        if (!(n instanceof Node.Arr a)) {
            throw new SpecFormatException(source, n.line(), path, "expected a list of task names, found " + n.describe());
        }
        List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < a.items().size(); i++) {
            out.add(Scalars.string(source, a.items().get(i), path + "[" + i + "]"));
        }
        return out;
    }

    /** A plugin reference: a bare name ({@code dwa}) or {@code {name: gradnorm, params: {alpha: 1.5}}}. */
    public PluginRef plugin(Node n, String path) {
        if (n instanceof Node.Scalar) {
            String name = Scalars.string(source, n, path);
            try {
                return PluginRef.of(name);
            } catch (IllegalArgumentException e) {
                throw new SpecFormatException(source, n.line(), path, e.getMessage());
            }
        }
        Fields f = Fields.of(problems, source, n, path, "name", "params");
        String name = f.requiredString("name");
        Map<String, Double> params = f.map("params", (v, p) -> Scalars.decimal(source, v, p));
        return f.construct(() -> PluginRef.of(name, params));
    }

    public OptimizerSpec optimizer(Node n, String path) {
        Fields f = Fields.of(problems, source, n, path, "name", "learningRate", "beta1", "beta2", "epsilon", "momentum",
                "weightDecay");
        String name = f.string("name");
        double lr = f.decimal("learningRate", Defaults.LEARNING_RATE);
        double b1 = f.decimal("beta1", Defaults.BETA1);
        double b2 = f.decimal("beta2", Defaults.BETA2);
        double eps = f.decimal("epsilon", Defaults.EPSILON);
        double momentum = f.decimal("momentum", 0);
        double wd = f.decimal("weightDecay", 0);
        return f.construct(() -> new OptimizerSpec(name == null ? Defaults.OPTIMIZER : name, lr, b1, b2, eps, momentum, wd));
    }

    public TrainingSpec training(Node n, String path) {
        TrainingSpec d = TrainingSpec.DEFAULT;
        Fields f = Fields.of(problems, source, n, path, "epochs", "batchSize", "seed", "validationFraction", "earlyStopping",
                "diagnosticsEvery", "shuffleBuffer", "workers");
        int epochs = f.integer("epochs", d.epochs());
        int batch = f.integer("batchSize", d.batchSize());
        long seed = f.longValue("seed", d.seed());
        double vf = f.decimal("validationFraction", d.validationFraction());
        EarlyStopping es = f.nested("earlyStopping", this::earlyStopping);
        int diag = f.integer("diagnosticsEvery", d.diagnosticsEvery());
        int buffer = f.integer("shuffleBuffer", d.shuffleBuffer());
        int workers = f.integer("workers", d.workers());
        return f.construct(() -> new TrainingSpec(epochs, batch, seed, vf, es, diag, buffer, workers));
    }

    public EarlyStopping earlyStopping(Node n, String path) {
        Fields f = Fields.of(problems, source, n, path, "task", "metric", "patience", "minDelta");
        String task = f.string("task");
        String metric = f.string("metric");
        int patience = f.requiredInteger("patience");
        double minDelta = f.decimal("minDelta", 0);
        return f.construct(() -> new EarlyStopping(task == null ? Defaults.EARLY_STOPPING_TASK : task,
                metric == null ? Defaults.EARLY_STOPPING_METRIC : metric, patience, minDelta));
    }

    public VocabularySpec vocabularySpec(Node n, String path) {
        VocabularySpec d = VocabularySpec.DEFAULT;
        Fields f = Fields.of(problems, source, n, path, "maxSize", "minCount", "hashBuckets");
        int maxSize = f.integer("maxSize", d.maxSize());
        int minCount = f.integer("minCount", d.minCount());
        int buckets = f.integer("hashBuckets", d.hashBuckets());
        return f.construct(() -> new VocabularySpec(maxSize, minCount, buckets));
    }

    public TransformerSpec transformer(Node n, String path) {
        Fields f = Fields.of(problems, source, n, path, "layers", "heads", "width", "feedForward", "dropout", "pooling");
        int layers = f.integer("layers", Defaults.TRANSFORMER_LAYERS);
        int heads = f.integer("heads", Defaults.TRANSFORMER_HEADS);
        int width = f.integer("width", Defaults.TRANSFORMER_WIDTH);
        int ff = f.integer("feedForward", 2 * width);
        double dropout = f.decimal("dropout", 0);
        TransformerSpec.SequencePooling pooling = f.enumValue("pooling", TransformerSpec.SequencePooling.class, null);
        return f.construct(() -> new TransformerSpec(layers, heads, width, ff, dropout, pooling));
    }

    public Provenance provenance(Node n, String path) {
        Fields f = Fields.of(problems, source, n, path, "backend", "backendVersion", "mtl4jVersion", "libraries", "seed",
                "trainData", "validationData", "createdAt", "summary");
        Map<String, String> libraries = f.map("libraries", (v, p) -> Scalars.string(source, v, p));
        Map<String, String> summary = f.map("summary", (v, p) -> Scalars.string(source, v, p));
        return f.construct(() -> new Provenance(f.string("backend"), f.string("backendVersion"), f.string("mtl4jVersion"),
                libraries, f.longValue("seed", 0), f.string("trainData"), f.string("validationData"),
                f.string("createdAt"), summary));
    }

    /** One vocabulary: {@code {input, tokens, hashBuckets}}, read on its own (every problem reported). */
    public Vocabulary readVocabulary(Node n, String path) {
        return complete(() -> vocabulary(n, path));
    }

    private Vocabulary vocabulary(Node n, String path) {
        Fields f = Fields.of(problems, source, n, path, "input", "tokens", "hashBuckets");
        String input = f.requiredString("input");
        List<String> tokens = f.strings("tokens");
        int buckets = f.integer("hashBuckets", 0);
        return f.construct(() -> buckets > 0 ? Vocabulary.hashed(input, buckets)
                : Vocabulary.of(input, tokens == null ? List.of() : tokens));
    }

    private String discriminator(Node n, String path, String key, List<String> known, String what) {
        if (!(n instanceof Node.Obj)) {
            throw new SpecFormatException(source, n.line(), path, "expected an object, found " + n.describe());
        }
        Node k = ((Node.Obj) n).fields().get(key);
        if (k == null || (k instanceof Node.Scalar && ((Node.Scalar) k).isNull())) {
            throw new SpecFormatException(source, n.line(), Fields.join(path, key),
                    "missing required field (one of: " + String.join(", ", known) + ")");
        }
        String id = Scalars.string(source, k, Fields.join(path, key));
        if (!known.contains(id)) {
            throw new SpecFormatException(source, k.line(), Fields.join(path, key),
                    "unknown " + what + " \"" + id + "\" (known: " + String.join(", ", known) + ")");
        }
        return id;
    }
}
