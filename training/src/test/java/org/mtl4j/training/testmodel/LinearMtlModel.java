package org.mtl4j.training.testmodel;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.mtl4j.api.backend.ArrayGradientVector;
import org.mtl4j.api.backend.GradientVector;
import org.mtl4j.api.backend.ParameterBlock;
import org.mtl4j.api.backend.ParameterScope;
import org.mtl4j.api.backend.Predictions;
import org.mtl4j.api.backend.Provenance;
import org.mtl4j.api.backend.TaskLosses;
import org.mtl4j.api.backend.TrainableModel;
import org.mtl4j.api.backend.TrainingStep;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.Feature;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.DenseInput;
import org.mtl4j.api.spec.InputSpec;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.tasks.Losses;
import org.mtl4j.tasks.TaskKinds;

/**
 * A small but real multi-task model in plain Java, for testing the training loop without a
 * backend: the dense inputs x (all {@link DenseInput}s concatenated) feed one shared linear layer
 * h = W x + b (H units: the first layer of a shared-bottom topology, else 4), and each task k has a
 * linear head z_k = V_k h + c_k, activated and trained with the task's loss from
 * {@link Losses}. Gradients are exact (analytic); the optimiser is SGD with momentum, Adam or
 * AdaGrad as the spec says, with each tower's learning rate multiplied by its
 * {@code towerLearningRate}.
 *
 * <p>All parameters live in one {@code double[]} (shared W, b first, then each task's V_k, c_k) and
 * the gradient buffer has the same layout, so the shared gradient and the whole gradient are
 * {@link SliceVector} views. Per-task gradients are taken over the shared layer, which is also the
 * last shared layer. Copy this class to test other loop code; it has no dependencies beyond api
 * and tasks.
 */
public final class LinearMtlModel implements TrainableModel {
    private static final int STATE_MAGIC = 0x4C4D544C;

    private final ModelSpec spec;
    private final List<TaskSpec> tasks;
    private final List<String> taskNames;
    private final List<String> inputs = new ArrayList<>();
    private final int d;
    private final int hidden;
    private final int shared;
    private final int[] offset;
    private final double[] theta;
    private final double[] grad;
    private final double[] lrScale;
    private final double[] m;
    private final double[] v;
    private long updates;
    private Provenance provenance;

    public LinearMtlModel(ModelSpec spec) {
        this.spec = spec;
        this.tasks = spec.tasks();
        this.taskNames = spec.taskNames();
        int dim = 0;
        for (InputSpec in : spec.inputs()) {
            if (!(in instanceof DenseInput di)) {
                throw new IllegalArgumentException("LinearMtlModel reads dense inputs only, found " + in.kind() + " input '" + in.name() + "'");
            }
            inputs.add(di.name());
            dim += di.dimension();
        }
        for (TaskSpec t : tasks) {
            if (t.chained()) {
                throw new IllegalArgumentException("LinearMtlModel does not support chained task '" + t.name() + "'");
            }
        }
        this.d = dim;
        this.hidden = spec.topology() instanceof Topology.SharedBottom sb ? sb.layers().get(0) : 4;
        this.shared = hidden * d + hidden;
        this.offset = new int[tasks.size() + 1];
        int off = shared;
        for (int k = 0; k < tasks.size(); k++) {
            offset[k] = off;
            off += tasks.get(k).outputWidth() * (hidden + 1);
        }
        offset[tasks.size()] = off;
        this.theta = new double[off];
        this.grad = new double[off];
        this.lrScale = new double[off];
        this.m = new double[off];
        this.v = new double[off];
        java.util.Arrays.fill(lrScale, 0, shared, 1.0);
        for (int k = 0; k < tasks.size(); k++) {
            java.util.Arrays.fill(lrScale, offset[k], offset[k + 1], tasks.get(k).towerLearningRate());
        }
        Random rnd = new Random(spec.training().seed());
        for (int i = 0; i < hidden * d; i++) {
            theta[i] = rnd.nextGaussian() / Math.sqrt(d);
        }
        for (int k = 0; k < tasks.size(); k++) {
            int w = tasks.get(k).outputWidth();
            for (int i = 0; i < w * hidden; i++) {
                theta[offset[k] + i] = rnd.nextGaussian() / Math.sqrt(hidden);
            }
        }
        this.provenance = new Provenance("linear-test", "1", "dev", Map.of(), spec.training().seed(), null, null, null, Map.of());
    }

    /** The live parameter vector (shared W row-major H x d, b, then per task V_k row-major width x H, c_k). */
    public double[] parameters() {
        return theta;
    }

    public int sharedSize() {
        return shared;
    }

    /** Offset of task k's head in {@link #parameters()}. */
    public int headOffset(int k) {
        return offset[k];
    }

    private double[] inputs(Batch b) {
        int n = b.size();
        double[] x = new double[n * d];
        int col = 0;
        for (String name : inputs) {
            Feature.Dense f = (Feature.Dense) b.feature(name);
            for (int r = 0; r < n; r++) {
                for (int j = 0; j < f.dim(); j++) {
                    x[r * d + col + j] = f.values()[r * f.dim() + j];
                }
            }
            col += f.dim();
        }
        return x;
    }

    /** Pre-activations of every task for a batch. */
    private final class Forward {
        final int n;
        final double[] x;
        final double[] h;
        final double[][] z;

        Forward(Batch b) {
            n = b.size();
            x = inputs(b);
            h = new double[n * hidden];
            for (int r = 0; r < n; r++) {
                for (int u = 0; u < hidden; u++) {
                    double s = theta[hidden * d + u];
                    for (int j = 0; j < d; j++) {
                        s += theta[u * d + j] * x[r * d + j];
                    }
                    h[r * hidden + u] = s;
                }
            }
            z = new double[tasks.size()][];
            for (int k = 0; k < tasks.size(); k++) {
                int w = tasks.get(k).outputWidth();
                int off = offset[k];
                double[] zk = new double[n * w];
                for (int r = 0; r < n; r++) {
                    for (int c = 0; c < w; c++) {
                        double s = theta[off + w * hidden + c];
                        for (int u = 0; u < hidden; u++) {
                            s += theta[off + c * hidden + u] * h[r * hidden + u];
                        }
                        zk[r * w + c] = s;
                    }
                }
                z[k] = zk;
            }
        }
    }

    private static float[] labels(Batch b, TaskSpec t) {
        return b.hasLabels(t.name()) ? b.labels(t.name()) : new float[b.size()];
    }

    private static float[] mask(Batch b, TaskSpec t) {
        return b.hasLabels(t.name()) ? b.mask(t.name()) : new float[b.size()];
    }

    private long backwardPasses;

    /** Backward passes so far: one per {@code backward}, T per {@code taskGradients} (what a step costs). */
    public long backwardPasses() {
        return backwardPasses;
    }

    @Override
    public TrainingStep step(Batch batch) {
        Forward f = new Forward(batch);
        Losses.Value[] lv = new Losses.Value[tasks.size()];
        for (int k = 0; k < tasks.size(); k++) {
            TaskSpec t = tasks.get(k);
            lv[k] = Losses.of(t, f.z[k], labels(batch, t), mask(batch, t));
        }
        return new Step(f, lv);
    }

    private final class Step implements TrainingStep {
        private final Forward f;
        private final Losses.Value[] lv;

        Step(Forward f, Losses.Value[] lv) {
            this.f = f;
            this.lv = lv;
        }

        @Override
        public TaskLosses losses() {
            double[] l = new double[lv.length];
            int[] n = new int[lv.length];
            for (int k = 0; k < lv.length; k++) {
                l[k] = lv[k].loss();
                n[k] = lv[k].labelled();
            }
            return new TaskLosses(taskNames, l, n);
        }

        /** dL_k/dh for each row (n x H). */
        private double[] dh(int k) {
            int w = tasks.get(k).outputWidth();
            double[] g = lv[k].gradient();
            double[] dh = new double[f.n * hidden];
            for (int r = 0; r < f.n; r++) {
                for (int c = 0; c < w; c++) {
                    double gz = g[r * w + c];
                    if (gz != 0) {
                        for (int u = 0; u < hidden; u++) {
                            dh[r * hidden + u] += gz * theta[offset[k] + c * hidden + u];
                        }
                    }
                }
            }
            return dh;
        }

        /** Unweighted gradient of L_k over the shared layer (W then b). */
        private double[] sharedGrad(int k) {
            double[] dh = dh(k);
            double[] g = new double[shared];
            for (int r = 0; r < f.n; r++) {
                for (int u = 0; u < hidden; u++) {
                    double a = dh[r * hidden + u];
                    if (a != 0) {
                        for (int j = 0; j < d; j++) {
                            g[u * d + j] += a * f.x[r * d + j];
                        }
                        g[hidden * d + u] += a;
                    }
                }
            }
            return g;
        }

        /** Writes w_k times task k's head gradient into the buffer. */
        private void headGrad(int k, double wk) {
            int w = tasks.get(k).outputWidth();
            int off = offset[k];
            double[] g = lv[k].gradient();
            java.util.Arrays.fill(grad, off, offset[k + 1], 0);
            for (int r = 0; r < f.n; r++) {
                for (int c = 0; c < w; c++) {
                    double gz = wk * g[r * w + c];
                    if (gz != 0) {
                        for (int u = 0; u < hidden; u++) {
                            grad[off + c * hidden + u] += gz * f.h[r * hidden + u];
                        }
                        grad[off + w * hidden + c] += gz;
                    }
                }
            }
        }

        @Override
        public void backward(double[] taskWeights) {
            backwardPasses++;
            java.util.Arrays.fill(grad, 0, shared, 0);
            for (int k = 0; k < tasks.size(); k++) {
                double[] g = sharedGrad(k);
                for (int i = 0; i < shared; i++) {
                    grad[i] += taskWeights[k] * g[i];
                }
                headGrad(k, taskWeights[k]);
            }
        }

        @Override
        public GradientVector newGradient() {
            return new SliceVector(new double[grad.length], 0, grad.length);
        }

        @Override
        public void taskGradients(List<? extends GradientVector> out) {
            backwardPasses += tasks.size();
            for (int k = 0; k < tasks.size(); k++) {
                double[] full = new double[grad.length];
                System.arraycopy(sharedGrad(k), 0, full, 0, shared);
                headGrad(k, 1.0);
                System.arraycopy(grad, offset[k], full, offset[k], offset[k + 1] - offset[k]);
                out.get(k).set(full);
            }
            java.util.Arrays.fill(grad, 0);
        }

        @Override
        public GradientVector view(GradientVector full, ParameterScope scope) {
            return ((SliceVector) full).slice(0, shared);
        }

        @Override
        public GradientVector gradient() {
            return new SliceVector(grad, 0, grad.length);
        }

        @Override
        public List<ParameterBlock> parameterBlocks() {
            List<ParameterBlock> b = new ArrayList<>();
            b.add(new ParameterBlock("shared.W", new SliceVector(theta, 0, hidden * d), new SliceVector(grad, 0, hidden * d),
                    hidden, true, null));
            b.add(new ParameterBlock("shared.b", new SliceVector(theta, hidden * d, hidden),
                    new SliceVector(grad, hidden * d, hidden), hidden, true, null));
            for (int k = 0; k < tasks.size(); k++) {
                int w = tasks.get(k).outputWidth();
                String t = taskNames.get(k);
                b.add(new ParameterBlock(t + ".V", new SliceVector(theta, offset[k], w * hidden),
                        new SliceVector(grad, offset[k], w * hidden), w, false, t));
                b.add(new ParameterBlock(t + ".c", new SliceVector(theta, offset[k] + w * hidden, w),
                        new SliceVector(grad, offset[k] + w * hidden, w), w, false, t));
            }
            return b;
        }
    }

    @Override
    public TaskLosses losses(Batch batch) {
        return step(batch).losses();
    }

    @Override
    public void applyUpdate() {
        OptimizerSpec o = spec.optimizer();
        long t = updates + 1;
        for (int i = 0; i < theta.length; i++) {
            double g = grad[i];
            double lr = o.learningRate() * lrScale[i];
            switch (o.name()) {
                case "sgd":
                    m[i] = o.momentum() * m[i] + g;
                    theta[i] -= lr * m[i];
                    break;
                case "adagrad":
                    v[i] += g * g;
                    theta[i] -= lr * g / (Math.sqrt(v[i]) + o.epsilon());
                    break;
                default:
                    m[i] = o.beta1() * m[i] + (1 - o.beta1()) * g;
                    v[i] = o.beta2() * v[i] + (1 - o.beta2()) * g * g;
                    double mh = m[i] / (1 - Math.pow(o.beta1(), t));
                    double vh = v[i] / (1 - Math.pow(o.beta2(), t));
                    theta[i] -= lr * (mh / (Math.sqrt(vh) + o.epsilon()) + ("adamw".equals(o.name()) ? o.weightDecay() * theta[i] : 0));
                    break;
            }
        }
        updates = t;
    }

    @Override
    public long updates() {
        return updates;
    }

    @Override
    public void setProvenance(Provenance p) {
        this.provenance = p;
    }

    @Override
    public void writeState(OutputStream out) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        d.writeInt(STATE_MAGIC);
        d.writeInt(theta.length);
        for (double[] a : new double[][] {theta, m, v}) {
            for (double x : a) {
                d.writeDouble(x);
            }
        }
        d.writeLong(updates);
        d.flush();
    }

    @Override
    public void readState(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        if (d.readInt() != STATE_MAGIC) {
            throw new IOException("not a LinearMtlModel state");
        }
        int n = d.readInt();
        if (n != theta.length) {
            throw new IOException("state has " + n + " parameters, this model has " + theta.length);
        }
        for (double[] a : new double[][] {theta, m, v}) {
            for (int i = 0; i < n; i++) {
                a[i] = d.readDouble();
            }
        }
        updates = d.readLong();
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public String backendName() {
        return "linear-test";
    }

    @Override
    public Map<String, Vocabulary> vocabularies() {
        return Map.of();
    }

    @Override
    public Provenance provenance() {
        return provenance;
    }

    @Override
    public Predictions predict(Batch batch) {
        Forward f = new Forward(batch);
        Map<String, float[]> out = new HashMap<>();
        for (int k = 0; k < tasks.size(); k++) {
            TaskSpec t = tasks.get(k);
            double[] z = f.z[k].clone();
            TaskKinds.activate(t.kind(), z, t.outputWidth());
            float[] o = new float[z.length];
            for (int i = 0; i < z.length; i++) {
                o[i] = (float) z[i];
            }
            out.put(t.name(), o);
        }
        return new Predictions(batch.size(), out);
    }

    @Override
    public Map<String, Long> parameterCounts() {
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("shared", (long) shared);
        for (int k = 0; k < tasks.size(); k++) {
            c.put("tower:" + taskNames.get(k), (long) (offset[k + 1] - offset[k]));
        }
        return c;
    }

    @Override
    public void save(Path file) throws IOException {
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".model-", ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            writeState(out);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
