package org.mtl4j.backend.tribuo;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
import org.mtl4j.api.spec.CategoricalInput;
import org.mtl4j.api.spec.InputSpec;
import org.mtl4j.api.spec.EsmmChains;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.MultiHotInput;
import org.mtl4j.api.spec.TaskKind;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.backend.tribuo.internal.Csr;
import org.mtl4j.backend.tribuo.internal.FeatureSpace;
import org.mtl4j.backend.tribuo.internal.FmNetwork;
import org.mtl4j.backend.tribuo.internal.FmOptimiser;
import org.mtl4j.backend.tribuo.internal.Tensors;
import org.mtl4j.backend.tribuo.internal.TribuoGradientVector;
import org.mtl4j.tasks.LabelScaling;
import org.mtl4j.tasks.Losses;
import org.mtl4j.tasks.TaskKinds;

/**
 * A multi-task factorization machine (Rendle, ICDM 2010) on {@code org.tribuo.math} tensors,
 * trainable by mtl4j's backend-agnostic loop. See {@link FmNetwork} for the model and its
 * gradients.
 *
 * <p>How a spec's topology maps onto the FM (k = the widest embedding dimension of the id inputs):
 * <ul>
 *   <li>{@code independent}: no shared factors, each task its own n x k factor block (one FM per task,
 *       the single-task baseline);</li>
 *   <li>{@code shared-bottom}: one n x k factor matrix shared by every task (hard sharing), per-task
 *       linear weights, bias and head;</li>
 *   <li>{@code ple} (one level): a shared block of sharedExperts x k factor columns plus, per task, its
 *       own block of taskExperts x k columns (each "expert" is a width-k factor block);</li>
 *   <li>{@code mmoe}, {@code cross-stitch}: refused (an FM has no expert networks to gate or stitch).</li>
 * </ul>
 * Towers and bottom layer sizes have no counterpart in an FM: the backend refuses them ({@code HIDDEN_LAYERS}); a task's
 * {@code towerLearningRate} scales the learning rate of its own tensors.
 *
 * <p>ESMM chains (Ma et al., SIGIR 2018, eq. 1-3): a task chained after a parent outputs
 * p = p(parent) x sigmoid(z_own) and is trained with BCE on p over every row; its own probability is
 * the output {@code <task>.conditional}.
 */
public final class TribuoFmModel implements TrainableModel {
    /** The factor std at initialisation. */
    public static final double INIT_STD = 0.01;

    private final ModelSpec spec;
    private final Map<String, Vocabulary> vocabularies;
    private final Map<String, Dataset.DenseStats> denseStats;
    private final FeatureSpace features;
    private final FmNetwork net;
    private final FmOptimiser optimiser;
    private final int[][] chains;
    private final List<String> taskNames;
    private final LabelScaling scaling;

    private final List<TribuoGradientVector.Cell> cells;
    private final TribuoGradientVector gradAll;
    private final TribuoGradientVector gradShared;
    private final List<ParameterBlock> blocks = new ArrayList<>();

    private long updates;
    private long rowsSeen;
    private long stepGeneration;
    private Provenance provenance;

    /** Compiles a spec (the backend checked its capabilities) into a freshly initialised model. */
    public TribuoFmModel(ModelSpec spec, Map<String, Vocabulary> vocabularies, Map<String, Dataset.DenseStats> denseStats) {
        this.spec = spec;
        this.vocabularies = Map.copyOf(vocabularies);
        this.denseStats = denseStats == null ? Map.of() : Map.copyOf(denseStats);
        this.features = new FeatureSpace(spec, vocabularies, this.denseStats);
        this.taskNames = spec.taskNames();
        this.scaling = LabelScaling.of(spec, this.denseStats);
        int k = factorWidth(spec);
        int[] widths = widths(spec.topology(), k);
        int[] classes = spec.tasks().stream().mapToInt(TaskSpec::outputWidth).toArray();
        this.net = new FmNetwork(features.size(), classes, widths[0], widths[1], INIT_STD, spec.training().seed(), taskNames);
        this.chains = chains(spec);
        initialiseBinaryBiases();
        this.optimiser = FmOptimiser.of(spec.optimizer());
        this.optimiser.init(net.parameterRows());
        this.cells = TribuoGradientVector.freshCells(net.blockCount());
        this.gradAll = new TribuoGradientVector(net.gradientRows(), cells);
        if (net.sharedWidth() > 0) {
            this.gradShared = new TribuoGradientVector(one(net.sharedGradientRows()), List.of(cells.get(0)));
        } else {
            this.gradShared = new TribuoGradientVector(List.of());
        }
        for (int i = 0; i < net.blockCount(); i++) {
            int owner = net.owner(i);
            double[][] rows = net.parameterRows().get(i);
            blocks.add(new ParameterBlock(net.blockName(i), new TribuoGradientVector(one(rows)),
                    new TribuoGradientVector(one(net.gradientRows().get(i)), List.of(cells.get(i))), rows.length,
                    owner < 0, owner < 0 ? null : taskNames.get(owner)));
        }
        this.provenance = Provenance.compiled(TribuoBackend.NAME, new TribuoBackend().version(), TribuoBackend.libraries(),
                spec.training().seed());
    }

    /**
     * Starts each binary task's bias at the logit of its training base rate (for an ESMM chain, of the
     * conditional rate rate(task) / rate(parent)), as the bias of a regression task starts at the label
     * mean (Karpathy, "A Recipe for Training Neural Networks", 2019: "init well"; He et al., "Practical
     * Lessons from Predicting Clicks on Ads at Facebook", ADKDD 2014, calibrate to the base rate). At 0
     * the model predicts 0.5 for a 10 % click rate, and the first hundreds of Adam steps (each moving
     * a weight by about the learning rate) push every touched weight down to fit the intercept: the
     * id weights absorb it in proportion to how often each id occurs, which ranks frequent ids low.
     * Issue 14's day-1 FM (Adam 1e-3, 60k rows) lost AUC with training that way (0.669 after one epoch,
     * 0.656 after two); a warm start inherited it. Without a recorded base rate the bias stays 0.
     */
    private void initialiseBinaryBiases() {
        for (int t = 0; t < taskNames.size(); t++) {
            double logit = LabelScaling.initialLogit(spec.tasks().get(t), denseStats);
            if (Double.isFinite(logit)) {
                net.bias(t)[0] = logit;
            }
        }
    }

    /** The factor width k: the widest embedding dimension of the id inputs (8 when there are none). */
    static int factorWidth(ModelSpec spec) {
        int k = 0;
        for (InputSpec in : spec.inputs()) {
            if (in instanceof CategoricalInput c) {
                k = Math.max(k, c.embeddingDim());
            } else if (in instanceof MultiHotInput m) {
                k = Math.max(k, m.embeddingDim());
            }
        }
        return k == 0 ? 8 : k;
    }

    /** {shared width, per-task width} for a topology. */
    static int[] widths(Topology topology, int k) {
        if (topology instanceof Topology.Independent) {
            return new int[] {0, k};
        }
        if (topology instanceof Topology.SharedBottom) {
            return new int[] {k, 0};
        }
        if (topology instanceof Topology.Ple p) {
            if (p.grouped()) {
                throw new MtlException("tribuo backend: topology ple with topology.groups = " + p.groups()
                        + " is not supported (the FM's shared factor block is shared by every task; drop groups)");
            }
            if (p.levels() != 1) {
                throw new MtlException("tribuo backend: topology ple with levels = " + p.levels()
                        + " is not supported (a factorization machine has one extraction level; use levels = 1)");
            }
            return new int[] {p.sharedExperts() * k, p.taskExperts() * k};
        }
        throw new MtlException("tribuo backend does not support topology = " + topology.id()
                + " (supported: independent, shared-bottom, ple)");
    }

    /** Each task's ESMM chain (itself first, root last), resolved by {@link EsmmChains}. */
    private static int[][] chains(ModelSpec spec) {
        EsmmChains resolved = EsmmChains.of(spec).requireSound("tribuo backend");
        int[][] out = new int[spec.tasks().size()][];
        for (int t = 0; t < out.length; t++) {
            out[t] = resolved.chain(t);
        }
        return out;
    }

    // ---------------------------------------------------------------- training

    @Override
    public TrainingStep step(Batch batch) {
        Csr x = features.encode(batch);
        FmNetwork.Forward fw = net.forward(x);
        LossPass lp = losses(fw, batch, true);
        rowsSeen += batch.size();
        return new FmStep(++stepGeneration, fw, lp);
    }

    @Override
    public TaskLosses losses(Batch batch) {
        FmNetwork.Forward fw = net.forward(features.encode(batch));
        return losses(fw, batch, false).losses;
    }

    private record LossPass(TaskLosses losses, double[][] dz) {
    }

    private LossPass losses(FmNetwork.Forward fw, Batch batch, boolean wantGradient) {
        int rows = fw.x().rows();
        int cols = net.columns();
        double[] z = fw.z();
        int tn = taskNames.size();
        double[] loss = new double[tn];
        int[] labelled = new int[tn];
        double[][] dz = wantGradient ? new double[tn][] : null;
        for (int t = 0; t < tn; t++) {
            TaskSpec task = spec.tasks().get(t);
            if (!batch.hasLabels(task.name())) {
                if (wantGradient) {
                    dz[t] = new double[rows * cols];
                }
                continue;
            }
            float[] labels = batch.labels(task.name());
            float[] mask = batch.mask(task.name());
            checkLabels(task, labels, mask);
            if (task.kind() == TaskKind.REGRESSION) {
                labels = scaling.standardise(t, labels);
            }
            if (chains[t].length == 1) {
                int c = net.classes(t);
                int off = net.columnOffset(t);
                double[] zt = new double[rows * c];
                for (int r = 0; r < rows; r++) {
                    System.arraycopy(z, r * cols + off, zt, r * c, c);
                }
                Losses.Value v = Losses.of(task, zt, labels, mask);
                loss[t] = v.loss();
                labelled[t] = v.labelled();
                if (wantGradient) {
                    double[] g = new double[rows * cols];
                    for (int r = 0; r < rows; r++) {
                        System.arraycopy(v.gradient(), r * c, g, r * cols + off, c);
                    }
                    dz[t] = g;
                }
            } else {
                double[] g = wantGradient ? new double[rows * cols] : null;
                double[] lv = esmmLoss(chains[t], z, cols, labels, mask, g);
                loss[t] = lv[0];
                labelled[t] = (int) lv[1];
                if (wantGradient) {
                    dz[t] = g;
                }
            }
        }
        return new LossPass(new TaskLosses(taskNames, loss, labelled), dz);
    }

    /**
     * ESMM's chained BCE (Ma et al., SIGIR 2018, eq. 3): p = prod_h sigmoid(z_h) over the chain;
     * L = -(y log p + (1 - y) log(1 - p)), mean over labelled rows; dL/dz_h = (p - y)(1 - sigma_h)/(1 - p).
     * log p is summed as -sum_h softplus(-z_h), so it cannot underflow.
     */
    private double[] esmmLoss(int[] chain, double[] z, int cols, float[] labels, float[] mask, double[] g) {
        int rows = labels.length;
        int n = 0;
        for (int r = 0; r < rows; r++) {
            if (mask[r] > 0) {
                n++;
            }
        }
        if (n == 0) {
            return new double[] {0, 0};
        }
        double sum = 0;
        double[] sig = new double[chain.length];
        for (int r = 0; r < rows; r++) {
            if (!(mask[r] > 0)) {
                continue;
            }
            double p = 1;
            double logP = 0;
            for (int h = 0; h < chain.length; h++) {
                double zh = z[r * cols + net.columnOffset(chain[h])];
                sig[h] = TaskKinds.sigmoid(zh);
                p *= sig[h];
                logP -= softplus(-zh);
            }
            double y = labels[r];
            double pc = Math.min(p, 1 - Losses.EPS);
            sum += -(y * logP + (1 - y) * Math.log1p(-pc));
            if (g != null) {
                double ratio = (pc - y) / (1 - pc) / n;
                for (int h = 0; h < chain.length; h++) {
                    g[r * cols + net.columnOffset(chain[h])] += ratio * (1 - sig[h]);
                }
            }
        }
        return new double[] {sum / n, n};
    }

    private static double softplus(double v) {
        return Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
    }

    private static void checkLabels(TaskSpec task, float[] labels, float[] mask) {
        for (int r = 0; r < labels.length; r++) {
            if (mask[r] > 0) {
                String err = TaskKinds.checkLabel(task, labels[r]);
                if (err != null) {
                    throw new MtlException("tribuo backend: row " + r + " of the batch: " + err);
                }
            }
        }
    }

    /** Zeroes the gradient buffer where it may be non-zero, then declares this step's support. */
    private void prepareGradient(int[] support) {
        gradAll.zero();
        for (int i = 0; i < net.blockCount(); i++) {
            cells.get(i).set(net.rowsAreFeatures(i) ? support : null);
        }
    }

    private final class FmStep implements TrainingStep {
        private final long generation;
        private final FmNetwork.Forward fw;
        private final LossPass lp;

        FmStep(long generation, FmNetwork.Forward fw, LossPass lp) {
            this.generation = generation;
            this.fw = fw;
            this.lp = lp;
        }

        private void checkCurrent(double[] w) {
            if (generation != stepGeneration) {
                throw new IllegalStateException("tribuo backend: this training step is stale (a later step() was taken)");
            }
            if (w.length != taskNames.size()) {
                throw new IllegalArgumentException("tribuo backend: " + w.length + " task weights for "
                        + taskNames.size() + " tasks " + taskNames);
            }
        }

        @Override
        public TaskLosses losses() {
            return lp.losses;
        }

        @Override
        public void backward(double[] taskWeights) {
            checkCurrent(taskWeights);
            prepareGradient(fw.x().support());
            double[] g = new double[fw.z().length];
            for (int t = 0; t < taskWeights.length; t++) {
                double wt = taskWeights[t];
                if (wt != 0) {
                    double[] d = lp.dz[t];
                    for (int i = 0; i < g.length; i++) {
                        g[i] += wt * d[i];
                    }
                }
            }
            net.backprop(fw, g, 1.0, net.sharedGradientRows());
        }

        @Override
        public GradientVector newGradient() {
            return gradAll.zerosLike();
        }

        @Override
        public void taskGradients(List<? extends GradientVector> out) {
            if (generation != stepGeneration) {
                throw new IllegalStateException("tribuo backend: this training step is stale (a later step() was taken)");
            }
            if (out.size() != taskNames.size()) {
                throw new IllegalArgumentException("tribuo backend: " + out.size() + " task gradient buffers for "
                        + taskNames.size() + " tasks " + taskNames);
            }
            int[] support = fw.x().support();
            for (int t = 0; t < out.size(); t++) {
                prepareGradient(support);
                net.backprop(fw, lp.dz[t], 1.0, net.sharedGradientRows());
                own(out.get(t)).assign(gradAll);
            }
            prepareGradient(support);
        }

        @Override
        public GradientVector view(GradientVector full, ParameterScope scope) {
            TribuoGradientVector v = own(full);
            // The FM's shared parameters are one block, the shared factors V_0 (block 0): it is also the last shared layer.
            return net.sharedWidth() > 0 ? v.blocks(0, 1) : new TribuoGradientVector(List.of());
        }

        private TribuoGradientVector own(GradientVector g) {
            if (!(g instanceof TribuoGradientVector v) || v.blockCount() != net.blockCount() || v.length() != gradAll.length()) {
                throw new IllegalArgumentException("tribuo backend: expected a gradient from newGradient() (" + gradAll.length()
                        + " values), found " + (g == null ? "null" : g.getClass().getSimpleName() + " of length " + g.length()));
            }
            return v;
        }

        @Override
        public void setGradient(double[] taskWeights, List<? extends GradientVector> taskGradients) {
            checkCurrent(taskWeights);
            prepareGradient(fw.x().support());
            for (int t = 0; t < taskWeights.length; t++) {
                if (taskWeights[t] != 0) {
                    gradAll.axpy(taskWeights[t], own(taskGradients.get(t)));
                }
            }
        }

        @Override
        public GradientVector sharedGradient() {
            return gradShared;
        }

        @Override
        public GradientVector gradient() {
            return gradAll;
        }

        @Override
        public List<ParameterBlock> parameterBlocks() {
            return blocks;
        }
    }

    @Override
    public void applyUpdate() {
        updates++;
        for (int i = 0; i < net.blockCount(); i++) {
            int owner = net.owner(i);
            double scale = owner < 0 ? 1.0 : spec.tasks().get(owner).towerLearningRate();
            optimiser.update(i, net.parameterRows().get(i), net.gradientRows().get(i), cells.get(i).rows(), scale, updates);
        }
    }

    @Override
    public long updates() {
        return updates;
    }

    /** Training rows this instance has stepped through (every epoch counted), 0 after a load. */
    public long rowsSeen() {
        return rowsSeen;
    }

    // ---------------------------------------------------------------- continual training

    /**
     * Starts from a saved FM of the same spec: every tensor is copied; the tensors indexed by feature
     * (factor blocks, linear weights) through {@link FeatureSpace#mapFrom}, so a grown vocabulary
     * keeps its old rows where they now sit and leaves the rows of new ids as initialised. With
     * {@code optimizerState} the optimiser's state and update count are copied too.
     */
    @Override
    public void initFrom(org.mtl4j.api.backend.TrainedModel previous, boolean optimizerState) {
        if (!(previous instanceof TribuoFmModel old)) {
            throw new MtlException("--init-from: the saved model was made by backend '" + previous.backendName()
                    + "', this run trains with '" + TribuoBackend.NAME + "'");
        }
        if (old.net.blockCount() != net.blockCount()) {
            throw new MtlException("--init-from: the saved model '" + old.spec.name() + "' has " + old.net.blockCount()
                    + " parameter tensors, this spec " + net.blockCount() + "; inputs, tasks and topology must be the same");
        }
        int[] map = features.mapFrom(old.features);
        for (int i = 0; i < net.blockCount(); i++) {
            if (!old.net.blockName(i).equals(net.blockName(i))) {
                throw new MtlException("--init-from: parameter tensor " + i + " is '" + old.net.blockName(i) + "' in the saved model and '"
                        + net.blockName(i) + "' here");
            }
            double[][] from = old.net.parameterRows().get(i);
            double[][] to = net.parameterRows().get(i);
            boolean byFeature = net.rowsAreFeatures(i);
            if (!byFeature && from.length != to.length) {
                throw new MtlException("--init-from: parameter tensor '" + net.blockName(i) + "' has " + from.length + " rows in the saved"
                        + " model and " + to.length + " here");
            }
            for (int r = 0; r < from.length; r++) {
                int t = byFeature ? map[r] : r;
                if (t < 0) {
                    continue;
                }
                if (from[r].length != to[t].length) {
                    throw new MtlException("--init-from: parameter tensor '" + net.blockName(i) + "' has rows of " + from[r].length
                            + " values in the saved model and " + to[t].length + " here");
                }
                System.arraycopy(from[r], 0, to[t], 0, from[r].length);
            }
            if (optimizerState) {
                try {
                    optimiser.copySlotFrom(old.optimiser, i, byFeature ? map : null);
                } catch (IllegalArgumentException e) {
                    throw new MtlException("--init-from: " + e.getMessage(), e);
                }
            }
        }
        if (optimizerState) {
            updates = old.updates;
        }
    }

    // ---------------------------------------------------------------- prediction

    /** The FM's parameters (live; for exporters such as mtl4j-onnx: do not modify). */
    public FmNetwork network() {
        return net;
    }

    @Override
    public Predictions predict(Batch batch) {
        return predict(features.encode(batch));
    }

    /** Predictions for already-encoded rows (the Tribuo task models use this). */
    Predictions predict(Csr x) {
        FmNetwork.Forward fw = net.forward(x);
        int rows = x.rows();
        int cols = net.columns();
        double[] z = fw.z();
        Map<String, float[]> out = new LinkedHashMap<>();
        for (int t = 0; t < taskNames.size(); t++) {
            TaskSpec task = spec.tasks().get(t);
            int c = net.classes(t);
            int off = net.columnOffset(t);
            float[] o = new float[rows * c];
            if (task.kind() == TaskKind.MULTICLASS) {
                double[] row = new double[c];
                for (int r = 0; r < rows; r++) {
                    System.arraycopy(z, r * cols + off, row, 0, c);
                    TaskKinds.softmaxRow(row, 0, c);
                    for (int j = 0; j < c; j++) {
                        o[r * c + j] = (float) row[j];
                    }
                }
            } else if (task.kind() == TaskKind.REGRESSION) {
                for (int r = 0; r < rows; r++) {
                    o[r] = (float) scaling.restore(t, z[r * cols + off]);
                }
            } else {
                float[] own = chains[t].length > 1 ? new float[rows] : null;
                for (int r = 0; r < rows; r++) {
                    double p = 1;
                    for (int h : chains[t]) {
                        p *= TaskKinds.sigmoid(z[r * cols + net.columnOffset(h)]);
                    }
                    o[r] = (float) p;
                    if (own != null) {
                        own[r] = (float) TaskKinds.sigmoid(z[r * cols + off]);
                    }
                }
                if (own != null) {
                    out.put(task.name() + TaskSpec.CONDITIONAL_SUFFIX, own);
                }
            }
            out.put(task.name(), o);
        }
        return new Predictions(rows, out);
    }

    /** How a batch's inputs become the FM's feature vector (also for exporters such as mtl4j-onnx). */
    public FeatureSpace featureSpace() {
        return features;
    }

    /** The linear weights W_t (n x C_t, live) of a task. */
    double[][] linearWeights(int task) {
        for (int i = 0; i < net.blockCount(); i++) {
            if (net.owner(i) == task && net.blockName(i).startsWith("linear:")) {
                return net.parameterRows().get(i);
            }
        }
        throw new IllegalArgumentException("no task " + task);
    }

    /** The Tribuo tensors holding the parameters (live), in block order. */
    public List<org.tribuo.math.la.Tensor> tensors() {
        return net.tensors();
    }

    /** The parameters as Tribuo {@link org.tribuo.math.Parameters} over the live tensors (Tribuo optimisers can drive them). */
    public org.tribuo.math.Parameters parameters() {
        return new org.mtl4j.backend.tribuo.internal.FmParameters(net.tensors());
    }

    /** The gradient buffer's tensors (live), in block order, as the last backward left them. */
    public List<org.tribuo.math.la.Tensor> gradientTensors() {
        return net.gradientTensors();
    }

    // ---------------------------------------------------------------- description

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public String backendName() {
        return TribuoBackend.NAME;
    }

    @Override
    public Map<String, Vocabulary> vocabularies() {
        return vocabularies;
    }

    /** The dense standardisation statistics the model was compiled with. */
    public Map<String, Dataset.DenseStats> denseStats() {
        return denseStats;
    }

    @Override
    public Provenance provenance() {
        return provenance;
    }

    @Override
    public void setProvenance(Provenance provenance) {
        this.provenance = provenance;
    }

    @Override
    public Map<String, Long> parameterCounts() {
        Map<String, Long> out = new TreeMap<>();
        for (int i = 0; i < net.blockCount(); i++) {
            int owner = net.owner(i);
            String key = owner < 0 ? "shared" : "tower:" + taskNames.get(owner);
            long count = 0;
            for (double[] row : net.parameterRows().get(i)) {
                count += row.length;
            }
            out.merge(key, count, Long::sum);
        }
        return out;
    }

    // ---------------------------------------------------------------- persistence

    @Override
    public void writeState(OutputStream out) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        d.writeInt(STATE_VERSION);
        d.writeLong(updates);
        writeParameters(d);
        optimiser.writeState(d);
        d.flush();
    }

    @Override
    public void readState(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        int v = d.readInt();
        if (v != STATE_VERSION) {
            throw new IOException("tribuo backend: state format " + v + " is not " + STATE_VERSION);
        }
        long u = d.readLong();
        readParameters(d);
        optimiser.readState(d);
        updates = u;
    }

    static final int STATE_VERSION = 1;

    private void writeParameters(DataOutputStream d) throws IOException {
        d.writeInt(net.blockCount());
        for (double[][] rows : net.parameterRows()) {
            Tensors.writeRows(d, rows);
        }
    }

    private void readParameters(DataInputStream d) throws IOException {
        int nb = d.readInt();
        if (nb != net.blockCount()) {
            throw new IOException("tribuo backend: stored model has " + nb + " tensors, this spec compiles to " + net.blockCount());
        }
        for (int i = 0; i < nb; i++) {
            try {
                Tensors.readRows(d, net.parameterRows().get(i));
            } catch (IOException e) {
                throw new IOException("tribuo backend: tensor '" + net.blockName(i) + "': " + e.getMessage(), e);
            }
        }
    }

    /**
     * The backend's archive entries as writers: parameters (exact doubles) and dense statistics; the
     * parameters stream into the model file rather than being one array first (issue 13: at 1M users
     * they are 150 MB of doubles).
     */
    Map<String, org.mtl4j.spi.io.ModelArchive.EntryWriter> archiveWriters() throws IOException {
        Map<String, org.mtl4j.spi.io.ModelArchive.EntryWriter> out = new LinkedHashMap<>();
        out.put(ENTRY_PARAMETERS, o -> {
            DataOutputStream d = new DataOutputStream(o);
            d.writeInt(STATE_VERSION);
            writeParameters(d);
            d.flush();
        });
        byte[] stats = archiveStats();
        out.put(ENTRY_DENSE_STATS, o -> o.write(stats));
        return out;
    }

    private byte[] archiveStats() throws IOException {
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        DataOutputStream ds = new DataOutputStream(s);
        ds.writeInt(denseStats.size());
        for (Map.Entry<String, Dataset.DenseStats> e : new TreeMap<>(denseStats).entrySet()) {
            ds.writeUTF(e.getKey());
            ds.writeInt(e.getValue().mean().length);
            for (int j = 0; j < e.getValue().mean().length; j++) {
                ds.writeDouble(e.getValue().mean()[j]);
                ds.writeDouble(e.getValue().std()[j]);
            }
        }
        ds.flush();
        return s.toByteArray();
    }

    static final String ENTRY_PARAMETERS = "tribuo-parameters.bin";
    static final String ENTRY_DENSE_STATS = "tribuo-dense-stats.bin";

    /** Rebuilds a model from what {@link #archiveWriters()} wrote; {@code source} names the file in errors. */
    static TribuoFmModel fromArchive(ModelSpec spec, Map<String, Vocabulary> vocabularies, Provenance provenance,
            Map<String, byte[]> entries, String source) throws IOException {
        byte[] stats = entries.get(ENTRY_DENSE_STATS);
        byte[] params = entries.get(ENTRY_PARAMETERS);
        if (stats == null || params == null) {
            throw new IOException(source + ": not a tribuo model (missing entry "
                    + (params == null ? ENTRY_PARAMETERS : ENTRY_DENSE_STATS) + ")");
        }
        Map<String, Dataset.DenseStats> ds = new LinkedHashMap<>();
        try (DataInputStream d = new DataInputStream(new ByteArrayInputStream(stats))) {
            int n = d.readInt();
            for (int i = 0; i < n; i++) {
                String name = d.readUTF();
                int dim = d.readInt();
                double[] mean = new double[dim];
                double[] std = new double[dim];
                for (int j = 0; j < dim; j++) {
                    mean[j] = d.readDouble();
                    std[j] = d.readDouble();
                }
                ds.put(name, new Dataset.DenseStats(mean, std));
            }
        }
        TribuoFmModel m = new TribuoFmModel(spec, vocabularies, ds);
        try (DataInputStream d = new DataInputStream(new ByteArrayInputStream(params))) {
            int v = d.readInt();
            if (v != STATE_VERSION) {
                throw new IOException(source + ": tribuo parameter format " + v + " is not " + STATE_VERSION);
            }
            m.readParameters(d);
        } catch (IOException e) {
            throw new IOException(source + ": " + e.getMessage(), e);
        }
        if (provenance != null) {
            m.provenance = provenance;
        }
        return m;
    }

    @Override
    public void save(Path file) throws IOException {
        TribuoArchive.write(file, this);
    }

    @Override
    public String toString() {
        return "TribuoFmModel[" + spec.name() + ", topology=" + spec.topology().id() + ", features=" + features.size()
                + ", shared k=" + net.sharedWidth() + ", task k=" + net.taskWidth() + ", tasks=" + taskNames + "]";
    }

    private static List<double[][]> one(double[][] rows) {
        List<double[][]> l = new ArrayList<>(1);
        l.add(rows);
        return l;
    }
}
