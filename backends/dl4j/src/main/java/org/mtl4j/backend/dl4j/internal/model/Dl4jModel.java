package org.mtl4j.backend.dl4j.internal.model;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.backend.GradientVector;
import org.mtl4j.api.backend.ParameterBlock;
import org.mtl4j.api.backend.ParameterScope;
import org.mtl4j.api.backend.Predictions;
import org.mtl4j.api.backend.Provenance;
import org.mtl4j.api.backend.TaskLosses;
import org.mtl4j.api.backend.TrainableModel;
import org.mtl4j.api.backend.TrainingStep;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.backend.dl4j.internal.nn.EmbeddingTables;
import org.mtl4j.backend.dl4j.internal.nn.Mat;
import org.mtl4j.backend.dl4j.internal.nn.Mlp;
import org.mtl4j.backend.dl4j.internal.nn.Param;
import org.mtl4j.backend.dl4j.internal.nn.ParamStore;
import org.mtl4j.backend.dl4j.internal.nn.RowBlock;
import org.mtl4j.spi.io.ModelArchive;
import org.mtl4j.backend.dl4j.internal.encoders.NetworkSources;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The DL4J backend's model: input encoders fused into one input, a sharing {@link Trunk}, one
 * tower per task and the {@link TaskHeads}, all parameters in one {@link ParamStore} (shared
 * parameters first, then each task's). One {@link TrainingStep} is live at a time: a new
 * {@link #step}, {@link #losses} or {@link #predict} call invalidates the previous step.
 */
public final class Dl4jModel implements TrainableModel {
    public static final String BACKEND = "dl4j";
    private static final String STATE_MAGIC = "mtl4j-dl4j-state";
    private static final int STATE_VERSION = 1;
    static final String STATE_ENTRY = "state.bin";
    static final String STATS_ENTRY = "dense-stats.bin";

    private final ModelSpec spec;
    private final Map<String, Vocabulary> vocabularies;
    private final Map<String, Dataset.DenseStats> denseStats;
    private final String version;
    private final ParamStore store = new ParamStore();
    private final NetworkSources networks;
    private final Trunk trunk;
    private final Mlp[] towers;
    private final TaskHeads heads;
    private final Optimizer optimizer;
    private final int t;
    private Provenance provenance;
    private long generation;

    private int batch = -1;
    private Mat[] dz;
    private Mat[] dh;

    private final SparseGradientVector whole;
    private final SparseGradientVector sharedAll;
    private List<ParameterBlock> denseBlocks;
    private SparseGradientVector accumulator;
    private long backwardPasses;

    public Dl4jModel(ModelSpec spec, Map<String, Vocabulary> vocabularies, Map<String, Dataset.DenseStats> denseStats, String version) {
        this(spec, vocabularies, denseStats, version, NetworkSources.resolve(spec));
    }

    /** A model whose network-encoded inputs use {@code networks} (read from a model archive, or resolved from the spec). */
    Dl4jModel(ModelSpec spec, Map<String, Vocabulary> vocabularies, Map<String, Dataset.DenseStats> denseStats, String version,
            NetworkSources networks) {
        this.spec = spec;
        this.networks = networks;
        this.vocabularies = Map.copyOf(vocabularies == null ? Map.of() : vocabularies);
        this.denseStats = Map.copyOf(denseStats == null ? Map.of() : denseStats);
        this.version = version;
        this.t = spec.tasks().size();
        if (t == 0) {
            throw new MtlException("model '" + spec.name() + "' has no tasks");
        }
        long seed = spec.training().seed();
        List<String> names = spec.taskNames();
        Topology topo = spec.topology();
        if (topo instanceof Topology.Independent ind) {
            trunk = new IndependentTrunk(store, spec, this.vocabularies, this.denseStats, networks, ind.layers(), seed);
        } else if (topo instanceof Topology.Grouped grouped) {
            trunk = new GroupedTrunk(store, spec, this.vocabularies, this.denseStats, networks, grouped, seed);
        } else {
            InputBlock in = new InputBlock(spec, this.vocabularies, this.denseStats, new EmbeddingTables(store), networks, Param.SHARED,
                    seed);
            if (topo instanceof Topology.SharedBottom sb) {
                trunk = new SharedBottomTrunk(store, in, sb.layers(), t);
            } else if (topo instanceof Topology.Mmoe mmoe) {
                trunk = new MoeTrunk(store, in, mmoe, names);
            } else if (topo instanceof Topology.Ple ple) {
                trunk = new MoeTrunk(store, in, ple, names);
            } else {
                trunk = new CrossStitchTrunk(store, in, (Topology.CrossStitch) topo, t);
            }
        }
        heads = new TaskHeads(spec, org.mtl4j.tasks.LabelScaling.of(spec, this.denseStats));
        towers = new Mlp[t];
        for (int k = 0; k < t; k++) {
            TaskSpec ts = spec.tasks().get(k);
            towers[k] = new Mlp(store, "tower@" + ts.name(), trunk.width(k), ts.tower(), ts.outputWidth(), true, ts.name(), false);
        }
        store.allocate(seed);
        trunk.initialise();
        optimizer = new Optimizer(spec.optimizer(), store, spec);
        List<RowBlock> all = new ArrayList<>();
        List<RowBlock> shared = new ArrayList<>();
        for (Param p : store.tables()) {
            all.add(p.rowGradient());
            if (p.shared()) {
                shared.add(p.rowGradient());
            }
        }
        RowBlock[] none = new RowBlock[0];
        whole = new SparseGradientVector(new Nd4jGradientVector(slice(store.grads(), 0, store.gradLength())), all.toArray(none));
        sharedAll = new SparseGradientVector(new Nd4jGradientVector(slice(store.grads(), 0, store.sharedGradLength())),
                shared.toArray(none));
        provenance = Provenance.compiled(BACKEND, version, Dl4jVersions.libraries(), seed);
    }

    static INDArray slice(INDArray flat, long from, long to) {
        if (to <= from) {
            return Nd4j.create(DataType.FLOAT, 0);
        }
        if (from == 0 && to == flat.length()) {
            return flat;
        }
        return flat.get(NDArrayIndex.interval(from, to));
    }

    /** The networks encoding inputs (tests, diagnostics). */
    public NetworkSources networks() {
        return networks;
    }

    /** The parameter store (tests, diagnostics). */
    public ParamStore store() {
        return store;
    }

    // ------------------------------------------------------------------ forward / backward

    private void forward(Batch b, boolean training) {
        generation++;
        int n = b.size();
        if (n == 0) {
            throw new MtlException("batch of model '" + spec.name() + "' is empty");
        }
        Mat[] hs = trunk.forward(b, training);
        heads.begin(n);
        if (n != batch) {
            batch = n;
            dz = new Mat[t];
            dh = new Mat[t];
            for (int k = 0; k < t; k++) {
                dz[k] = Mat.zeros(n, heads.width(k));
                dh[k] = Mat.zeros(n, trunk.width(k));
            }
        }
        for (int k = 0; k < t; k++) {
            towers[k].forward(hs[k]).get(heads.z[k]);
        }
        heads.activate();
    }

    /** Gradient of sum_k w_k L_k into the (zeroed) gradient buffer: one backward pass. */
    private void backwardPass(double[] weights) {
        backwardPasses++;
        store.zeroGrads();
        boolean[] active = heads.gradients(weights);
        Mat[] dH = new Mat[t];
        for (int k = 0; k < t; k++) {
            if (active[k]) {
                dz[k].put(heads.grad[k]);
                towers[k].backward(dz[k], dh[k], false);
                dH[k] = dh[k];
            }
        }
        trunk.backward(dH);
    }

    private TaskLosses taskLosses() {
        return new TaskLosses(spec.taskNames(), heads.losses.clone(), heads.labelled.clone());
    }

    @Override
    public TrainingStep step(Batch b) {
        forward(b, true);
        heads.computeLosses(b);
        return new Step(generation, taskLosses());
    }

    @Override
    public TaskLosses losses(Batch b) {
        forward(b, false);
        heads.computeLosses(b);
        return taskLosses();
    }

    @Override
    public Predictions predict(Batch b) {
        forward(b, false);
        Map<String, float[]> out = new LinkedHashMap<>();
        heads.outputs(out);
        return new Predictions(b.size(), out);
    }

    @Override
    public void applyUpdate() {
        optimizer.apply();
    }

    @Override
    public long updates() {
        return optimizer.steps();
    }

    private final class Step implements TrainingStep {
        private final long gen;
        private final TaskLosses losses;

        Step(long gen, TaskLosses losses) {
            this.gen = gen;
            this.losses = losses;
        }

        private void check() {
            if (gen != generation) {
                throw new IllegalStateException("training step " + gen + " of model '" + spec.name()
                        + "' is stale: a newer forward pass (step " + generation + ") ran since");
            }
        }

        private void checkWeights(double[] w) {
            if (w == null || w.length != t) {
                throw new IllegalArgumentException("expected " + t + " task weights (" + spec.taskNames() + "), found "
                        + (w == null ? "null" : Arrays.toString(w)));
            }
        }

        @Override
        public TaskLosses losses() {
            return losses;
        }

        @Override
        public void backward(double[] taskWeights) {
            check();
            checkWeights(taskWeights);
            backwardPass(taskWeights);
        }

        /** A gradient over every parameter: the dense buffer's length plus a row block per embedding table. */
        @Override
        public GradientVector newGradient() {
            return whole.zerosLike();
        }

        @Override
        public void taskGradients(List<? extends GradientVector> out) {
            check();
            if (out.size() != t) {
                throw new IllegalArgumentException("expected " + t + " task gradient buffers (" + spec.taskNames()
                        + "), found " + out.size());
            }
            double[] onehot = new double[t];
            for (int k = 0; k < t; k++) {
                Arrays.fill(onehot, 0);
                onehot[k] = 1;
                backwardPass(onehot);
                own(out.get(k)).assign(whole); // dense part and touched table rows
            }
            whole.zero();
        }

        /**
         * The shared part of {@code full} as a view: SHARED is the dense shared prefix plus the shared
         * tables' touched rows; LAST_SHARED_LAYER the last shared layer's dense slice (tables are never
         * part of it).
         */
        @Override
        public GradientVector view(GradientVector full, ParameterScope scope) {
            SparseGradientVector f = own(full);
            if (f == whole && scope == ParameterScope.SHARED) {
                return sharedAll;
            }
            long hi = store.sharedGradLength();
            long lo = scope == ParameterScope.LAST_SHARED_LAYER ? Math.min(store.lastSharedGradOffset(), hi) : 0;
            RowBlock[] tables = new RowBlock[0];
            if (scope == ParameterScope.SHARED) {
                List<RowBlock> shared = new ArrayList<>();
                List<Param> all = store.tables();
                for (int i = 0; i < all.size(); i++) {
                    if (all.get(i).shared()) {
                        shared.add(f.table(i));
                    }
                }
                tables = shared.toArray(tables);
            }
            return new SparseGradientVector(new Nd4jGradientVector(slice(f.dense().array(), lo, hi)), tables);
        }

        @Override
        public void setGradient(double[] taskWeights, List<? extends GradientVector> taskGradients) {
            check();
            checkWeights(taskWeights);
            if (taskGradients.size() != t) {
                throw new IllegalArgumentException("expected " + t + " task gradients, found " + taskGradients.size());
            }
            if (accumulator == null) {
                accumulator = (SparseGradientVector) whole.zerosLike();
            }
            accumulator.zero();
            for (int k = 0; k < t; k++) {
                if (taskWeights[k] != 0) {
                    accumulator.axpy(taskWeights[k], own(taskGradients.get(k)));
                }
            }
            whole.assign(accumulator);
        }

        private SparseGradientVector own(GradientVector g) {
            if (!(g instanceof SparseGradientVector n) || n.length() != whole.length() || n.tableCount() != whole.tableCount()) {
                throw new IllegalArgumentException("dl4j model '" + spec.name() + "': expected a gradient from newGradient() ("
                        + whole.length() + " values), found " + (g == null ? "null" : g.getClass().getSimpleName()
                        + " of length " + g.length()));
            }
            return n;
        }

        @Override
        public GradientVector sharedGradient() {
            return sharedAll;
        }

        @Override
        public GradientVector gradient() {
            return whole;
        }

        @Override
        public List<ParameterBlock> parameterBlocks() {
            return Dl4jModel.this.parameterBlocks();
        }

        @Override
        public Map<String, double[]> gateUtilisation() {
            return trunk.gateUtilisation();
        }
    }

    /**
     * One block per dense tensor (views of the flat buffers, built once), then one per embedding table
     * that the last backward pass touched, covering only its touched rows: units = touched rows, the
     * gradient writes through to the table's row block, the values are a copy of those rows. Untouched
     * rows have a zero gradient, so unit-wise clipping (AGC) on these blocks is exactly AGC on the whole
     * table, at a cost in touched rows.
     */
    List<ParameterBlock> parameterBlocks() {
        if (denseBlocks == null) {
            List<ParameterBlock> l = new ArrayList<>();
            for (Param p : store.params()) {
                if (p.table()) {
                    continue;
                }
                long from = p.offset();
                long to = from + p.length();
                l.add(new ParameterBlock(p.name(), new Nd4jGradientVector(slice(store.values(), from, to)),
                        new Nd4jGradientVector(slice(store.grads(), p.gradOffset(), p.gradOffset() + p.length())), p.units(),
                        p.shared(), p.shared() ? null : p.owner()));
            }
            denseBlocks = List.copyOf(l);
        }
        if (store.tables().isEmpty()) {
            return denseBlocks;
        }
        List<ParameterBlock> l = new ArrayList<>(denseBlocks);
        for (Param p : store.tables()) {
            RowBlock rb = p.rowGradient();
            if (rb.count() == 0) {
                continue;
            }
            TouchedRowsVector g = new TouchedRowsVector(rb);
            l.add(new ParameterBlock(p.name(), g.tableRows(Mat.of(p.value()).buffer()), g, rb.count(), p.shared(),
                    p.shared() ? null : p.owner()));
        }
        return l;
    }

    // ------------------------------------------------------------------ model facts

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public String backendName() {
        return BACKEND;
    }

    @Override
    public Map<String, Vocabulary> vocabularies() {
        return vocabularies;
    }

    @Override
    public Provenance provenance() {
        return provenance;
    }

    @Override
    public void setProvenance(Provenance p) {
        this.provenance = p;
    }

    @Override
    public Map<String, Long> parameterCounts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Param p : store.params()) {
            String key;
            if (p.name().startsWith("embedding:")) {
                key = p.name();
            } else if (p.shared()) {
                key = "shared";
            } else {
                key = "tower:" + p.owner();
            }
            counts.merge(key, p.length(), Long::sum);
        }
        return counts;
    }

    /** The flat parameter buffer (a view; for tests and diagnostics). */
    public INDArray parameters() {
        return store.values();
    }

    /**
     * The whole gradient in the layout of {@link #parameters()}, tables written densely: a COPY for tests
     * and diagnostics (the model keeps table gradients as touched rows).
     */
    public INDArray gradients() {
        return Nd4j.createFromArray(store.gradientArray());
    }

    /**
     * Backward passes run since this model was built (one per {@code backward}, T per
     * {@code taskGradients}): tests count them to show what a step costs.
     */
    public long backwardPasses() {
        return backwardPasses;
    }

    /**
     * Every parameter tensor by name ({@code bottom.0.W}, {@code embedding:items}, ...), in layout
     * order, as shaped views of the flat buffer: the per-layer seam through which exporters
     * (mtl4j-onnx) read a model without reaching into its layers. Do not modify the arrays.
     */
    public Map<String, INDArray> parameterTensors() {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (Param p : store.params()) {
            out.put(p.name(), p.value());
        }
        return out;
    }

    /** Length of the shared prefix of the flat buffers. */
    public long sharedLength() {
        return store.sharedLength();
    }

    @Override
    public Map<String, Dataset.DenseStats> denseStats() {
        return denseStats;
    }

    // ------------------------------------------------------------------ continual training

    /**
     * Copies a saved model's parameters (and with {@code optimizerState} Adam's moments and step
     * count) parameter by parameter, matched by name. An embedding table may have grown: its
     * vocabulary was extended by appending ids never seen, so the old rows are a prefix of the new
     * table (row-major [rows, dim]) and the new rows keep their initialisation.
     */
    @Override
    public void initFrom(org.mtl4j.api.backend.TrainedModel previous, boolean optimizerState) {
        if (!(previous instanceof Dl4jModel old)) {
            throw new MtlException("--init-from: the saved model was made by backend '" + previous.backendName()
                    + "', this run trains with '" + BACKEND + "'");
        }
        Map<String, Param> before = new LinkedHashMap<>();
        old.store.params().forEach(p -> before.put(p.name(), p));
        List<String> missing = new ArrayList<>();
        int fromNetworks = 0;
        for (Param p : store.params()) {
            if (!before.containsKey(p.name())) {
                // a network fine-tuned here that the saved model used frozen starts from the network's own
                // weights: the saved model's head over frozen features initialises the fine-tuned model
                // (LP-FT, Kumar et al. ICLR 2022, "Fine-Tuning can Distort Pretrained Features and Underperform
                // Out-of-Distribution": linear probing first, then fine-tuning)
                if (p.name().startsWith("network:")) {
                    fromNetworks++;
                } else {
                    missing.add(p.name());
                }
            }
        }
        if (!missing.isEmpty() || before.size() != store.params().size() - fromNetworks) {
            List<String> extra = new ArrayList<>(before.keySet());
            store.params().forEach(p -> extra.remove(p.name()));
            throw new MtlException("--init-from: the saved model '" + old.spec.name() + "' does not have the parameters of this spec"
                    + " (only here: " + missing + "; only in the saved model: " + extra + "); inputs, tasks and topology must be the same");
        }
        for (Param p : store.params()) {
            Param o = before.get(p.name());
            if (o == null) {
                continue; // a network's parameter: keeps the network's weights
            }
            long[] ns = p.shape();
            long[] os = o.shape();
            long n;
            if (Arrays.equals(ns, os)) {
                n = p.length();
            } else if (p.name().startsWith("embedding:") && ns.length == 2 && os.length == 2 && ns[1] == os[1] && os[0] <= ns[0]) {
                n = o.length(); // the old rows, a prefix of the grown table
            } else {
                throw new MtlException("--init-from: parameter '" + p.name() + "' has shape " + Arrays.toString(os)
                        + " in the saved model and " + Arrays.toString(ns) + " here");
            }
            copy(old.store.values(), o.offset(), store.values(), p.offset(), n);
            if (optimizerState) {
                copy(old.optimizer.firstMoments(), o.offset(), optimizer.firstMoments(), p.offset(), n);
                copy(old.optimizer.secondMoments(), o.offset(), optimizer.secondMoments(), p.offset(), n);
            }
        }
        if (optimizerState) {
            optimizer.steps(old.optimizer.steps());
        }
    }

    private static void copy(INDArray from, long fromOffset, INDArray to, long toOffset, long n) {
        if (n > 0) {
            to.get(NDArrayIndex.interval(toOffset, toOffset + n)).assign(from.get(NDArrayIndex.interval(fromOffset, fromOffset + n)));
        }
    }

    // ------------------------------------------------------------------ state and files

    @Override
    public void writeState(OutputStream out) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        d.writeUTF(STATE_MAGIC);
        d.writeInt(STATE_VERSION);
        d.writeUTF(spec.name());
        Optimizer.writeArray(d, store.values());
        optimizer.write(d);
        d.flush();
    }

    @Override
    public void readState(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        String magic = d.readUTF();
        if (!STATE_MAGIC.equals(magic)) {
            throw new IOException("not a dl4j model state: header \"" + magic + "\", expected \"" + STATE_MAGIC + "\"");
        }
        int v = d.readInt();
        if (v != STATE_VERSION) {
            throw new IOException("dl4j model state version " + v + " is not supported (expected " + STATE_VERSION + ")");
        }
        String name = d.readUTF();
        if (!name.equals(spec.name())) {
            throw new IOException("dl4j model state belongs to model '" + name + "', not '" + spec.name() + "'");
        }
        try {
            Optimizer.readArray(d, store.values());
            optimizer.read(d);
        } catch (IOException e) {
            throw new IOException("dl4j model state of '" + name + "' does not fit this model: " + e.getMessage(), e);
        }
    }

    @Override
    public void save(Path file) throws IOException {
        ByteArrayOutputStream state = new ByteArrayOutputStream();
        writeState(state);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put(STATE_ENTRY, state.toByteArray());
        entries.put(STATS_ENTRY, encodeStats(denseStats));
        entries.putAll(networks.entries());
        Provenance p = provenance;
        ModelArchive.write(file, spec, vocabularies, p, entries);
    }

    /** Rebuilds a model from an archive this backend wrote. */
    public static Dl4jModel load(Path file, String version) throws IOException {
        ModelArchive a = ModelArchive.read(file);
        if (!BACKEND.equals(a.backend())) {
            throw new MtlException(file + ": model was saved by backend '" + a.backend() + "', not '" + BACKEND + "'");
        }
        Map<String, Dataset.DenseStats> stats = decodeStats(file, a.entry(STATS_ENTRY));
        NetworkSources networks;
        try {
            networks = NetworkSources.fromArchive(a.spec(), a::entry);
        } catch (org.mtl4j.spi.io.ModelFileException e) {
            throw e;
        } catch (MtlException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        Dl4jModel m = new Dl4jModel(a.spec(), a.vocabularies(), stats, version, networks);
        try (InputStream in = new ByteArrayInputStream(a.entry(STATE_ENTRY))) {
            m.readState(in);
        } catch (IOException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        if (a.provenance() != null) {
            m.setProvenance(a.provenance());
        }
        return m;
    }

    private static byte[] encodeStats(Map<String, Dataset.DenseStats> stats) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(bo);
        d.writeInt(stats.size());
        for (Map.Entry<String, Dataset.DenseStats> e : new java.util.TreeMap<>(stats).entrySet()) {
            d.writeUTF(e.getKey());
            double[] mean = e.getValue().mean();
            double[] std = e.getValue().std();
            d.writeInt(mean.length);
            for (double x : mean) {
                d.writeDouble(x);
            }
            d.writeInt(std.length);
            for (double x : std) {
                d.writeDouble(x);
            }
        }
        d.flush();
        return bo.toByteArray();
    }

    /** A count of doubles read from a file, checked against the bytes left before allocating (a crafted length). */
    private static int boundedCount(DataInputStream d) throws IOException {
        int n = d.readInt();
        if (n < 0 || (long) n * 8 > d.available()) {
            throw new IOException("an array of " + n + " numbers in " + d.available() + " remaining bytes");
        }
        return n;
    }

    private static Map<String, Dataset.DenseStats> decodeStats(Path file, byte[] bytes) throws IOException {
        try (DataInputStream d = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int n = d.readInt();
            Map<String, Dataset.DenseStats> out = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                String name = d.readUTF();
                double[] mean = new double[boundedCount(d)];
                for (int j = 0; j < mean.length; j++) {
                    mean[j] = d.readDouble();
                }
                double[] std = new double[boundedCount(d)];
                for (int j = 0; j < std.length; j++) {
                    std[j] = d.readDouble();
                }
                out.put(name, new Dataset.DenseStats(mean, std));
            }
            return out;
        } catch (IOException e) {
            throw new IOException(file + ": corrupt dl4j entry '" + STATS_ENTRY + "': " + e.getMessage(), e);
        }
    }
}
