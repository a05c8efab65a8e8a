package org.mtl4j.backend.dl4j.internal.model;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.spec.EsmmChains;
import org.mtl4j.api.spec.LossKind;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.TaskKind;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.tasks.LossKernels;
import org.mtl4j.tasks.LabelScaling;

/**
 * Output heads and losses of every task on the towers' [batch, classes] outputs: sigmoid + BCE,
 * softmax + cross-entropy, identity + MSE or Huber (delta 1), label masks (a task's loss is the
 * mean over its labelled rows, PLE eq. 9) and ESMM chains (Ma et al., SIGIR 2018, eq. 1-3:
 * p(ctcvr) = p(ctr) x p(cvr), the loss on the product only, over all rows).
 *
 * <p>The loss formulas and their derivatives are the {@code tasks} module's {@link LossKernels}
 * (written once for every backend); this class loops over rows, masks and chains. The loops touch
 * B x C numbers per task; they run on heap copies of the tower outputs (one copy in, one out) because
 * ND4J's per-op cost would exceed the arithmetic.
 */
final class TaskHeads {

    private final List<TaskSpec> tasks;
    private final int t;
    private final int[] parent;
    private final int[] topo;
    private final int[] width;
    private int rows;
    final float[][] z;
    final float[][] own;
    final float[][] prob;
    final float[][] grad;
    private final float[][] gradProb;
    private final double[][] logSumExp;
    private final float[][] labels;
    private final float[][] masks;
    final double[] losses;
    final int[] labelled;
    private final double[] maskSums;
    private final boolean[] present;
    private final LabelScaling scaling;

    TaskHeads(ModelSpec spec, LabelScaling scaling) {
        this.scaling = scaling;
        this.tasks = spec.tasks();
        this.t = tasks.size();
        EsmmChains chains = EsmmChains.of(spec).requireSound("dl4j backend");
        parent = new int[t];
        width = new int[t];
        for (int k = 0; k < t; k++) {
            width[k] = tasks.get(k).outputWidth();
            parent[k] = chains.parent(k);
        }
        topo = chains.order();
        z = new float[t][];
        own = new float[t][];
        prob = new float[t][];
        grad = new float[t][];
        gradProb = new float[t][];
        logSumExp = new double[t][];
        labels = new float[t][];
        masks = new float[t][];
        losses = new double[t];
        labelled = new int[t];
        maskSums = new double[t];
        present = new boolean[t];
    }

    int width(int k) {
        return width[k];
    }

    int rows() {
        return rows;
    }

    /** Prepares buffers for a batch; the caller then fills {@code z[k]} ([rows x width]). */
    void begin(int n) {
        if (n != rows || z[0] == null) {
            rows = n;
            for (int k = 0; k < t; k++) {
                z[k] = new float[n * width[k]];
                own[k] = new float[n * width[k]];
                prob[k] = new float[n * width[k]];
                grad[k] = new float[n * width[k]];
                gradProb[k] = new float[n];
                logSumExp[k] = new double[n];
            }
        }
    }

    /** Turns the logits in {@code z} into probabilities / values (in task chain order). */
    void activate() {
        for (int k : topo) {
            TaskSpec ts = tasks.get(k);
            float[] zk = z[k];
            switch (ts.kind()) {
                case BINARY -> {
                    for (int r = 0; r < rows; r++) {
                        own[k][r] = sigmoid(zk[r]);
                    }
                    if (parent[k] >= 0) {
                        float[] pp = prob[parent[k]];
                        for (int r = 0; r < rows; r++) {
                            prob[k][r] = pp[r] * own[k][r];
                        }
                    } else {
                        System.arraycopy(own[k], 0, prob[k], 0, rows);
                    }
                }
                case MULTICLASS -> {
                    int c = width[k];
                    for (int r = 0; r < rows; r++) {
                        float max = Float.NEGATIVE_INFINITY;
                        for (int j = 0; j < c; j++) {
                            max = Math.max(max, zk[r * c + j]);
                        }
                        double s = 0;
                        for (int j = 0; j < c; j++) {
                            double e = Math.exp(zk[r * c + j] - max);
                            prob[k][r * c + j] = (float) e;
                            s += e;
                        }
                        for (int j = 0; j < c; j++) {
                            prob[k][r * c + j] /= (float) s;
                        }
                        logSumExp[k][r] = max + Math.log(s);
                    }
                }
                case REGRESSION -> {
                    // standardised targets (LabelScaling): the output in the label's units
                    for (int r = 0; r < rows; r++) {
                        prob[k][r] = (float) scaling.restore(k, zk[r]);
                    }
                }
            }
        }
    }

    static float sigmoid(float x) {
        return x >= 0 ? (float) (1.0 / (1.0 + Math.exp(-x))) : (float) (Math.exp(x) / (1.0 + Math.exp(x)));
    }

    /** Reads labels and masks and computes the per-task losses (mean over labelled rows). */
    void computeLosses(Batch batch) {
        for (int k = 0; k < t; k++) {
            TaskSpec ts = tasks.get(k);
            present[k] = batch.hasLabels(ts.name());
            if (!present[k]) {
                throw new MtlException("batch has no labels for task '" + ts.name() + "' (has: " + new java.util.TreeSet<>(batch.labels().keySet())
                        + ")");
            }
            float[] y = batch.labels(ts.name());
            if (ts.kind() == TaskKind.REGRESSION) {
                y = scaling.standardise(k, y);
            }
            float[] m = batch.mask(ts.name());
            if (y.length < rows || m.length < rows) {
                throw new MtlException("task '" + ts.name() + "': " + y.length + " labels and " + m.length + " mask entries for a batch of "
                        + rows + " rows");
            }
            labels[k] = y;
            masks[k] = m;
            double sum = 0;
            double msum = 0;
            int n = 0;
            for (int r = 0; r < rows; r++) {
                float w = m[r];
                if (w == 0f) {
                    continue;
                }
                n++;
                msum += w;
                sum += w * rowLoss(k, ts, r, y[r]);
            }
            labelled[k] = n;
            maskSums[k] = msum;
            losses[k] = msum > 0 ? sum / msum : 0.0;
        }
    }

    private double rowLoss(int k, TaskSpec ts, int r, float y) {
        switch (ts.kind()) {
            case BINARY -> {
                if (!(y >= 0f && y <= 1f)) {
                    throw new MtlException("task '" + ts.name() + "': label " + y + " at row " + r + " is outside [0, 1]");
                }
                return parent[k] < 0 ? LossKernels.bceWithLogit(z[k][r], y) : LossKernels.bce(prob[k][r], y);
            }
            case MULTICLASS -> {
                int c = width[k];
                int cls = (int) y;
                if (cls != y || cls < 0 || cls >= c) {
                    throw new MtlException("task '" + ts.name() + "': label " + y + " at row " + r + " is not a class index in [0, " + c + ")");
                }
                return LossKernels.softmaxCrossEntropy(logSumExp[k][r], z[k][r * c + cls]);
            }
            default -> {
                if (!Float.isFinite(y)) {
                    throw new MtlException("task '" + ts.name() + "': label " + y + " at row " + r + " is not a finite number");
                }
                return ts.loss() == LossKind.HUBER ? LossKernels.huber(z[k][r], y) : LossKernels.squaredError(z[k][r], y);
            }
        }
    }

    /**
     * Gradients of sum_k w_k L_k with respect to each task's logits into {@code grad}; returns
     * which tasks receive any (their towers run backward). Chained children push gradient into
     * their parents' probabilities, so children are processed first.
     */
    boolean[] gradients(double[] weights) {
        boolean[] active = new boolean[t];
        boolean[] hasProbGrad = new boolean[t];
        for (int k = 0; k < t; k++) {
            Arrays.fill(gradProb[k], 0, rows, 0f);
        }
        for (int idx = t - 1; idx >= 0; idx--) {
            int k = topo[idx];
            TaskSpec ts = tasks.get(k);
            float[] g = grad[k];
            Arrays.fill(g, 0, rows * width[k], 0f);
            double w = weights[k];
            boolean ownLoss = w != 0 && maskSums[k] > 0;
            float scale = ownLoss ? (float) (w / maskSums[k]) : 0f;
            float[] y = labels[k];
            float[] m = masks[k];
            switch (ts.kind()) {
                case BINARY -> {
                    float[] s = own[k];
                    if (parent[k] < 0) {
                        if (!ownLoss && !hasProbGrad[k]) {
                            continue;
                        }
                        for (int r = 0; r < rows; r++) {
                            float d = ownLoss ? scale * m[r] * (float) LossKernels.bceWithLogitGradient(s[r], y[r]) : 0f;
                            g[r] = d + gradProb[k][r] * s[r] * (1 - s[r]);
                        }
                    } else {
                        if (!ownLoss && !hasProbGrad[k]) {
                            continue;
                        }
                        float[] pp = prob[parent[k]];
                        float[] gp = gradProb[parent[k]];
                        for (int r = 0; r < rows; r++) {
                            float dp = gradProb[k][r];
                            if (ownLoss && m[r] != 0f) {
                                dp += scale * m[r] * (float) LossKernels.bceGradient(prob[k][r], y[r]);
                            }
                            g[r] = dp * pp[r] * s[r] * (1 - s[r]);
                            gp[r] += dp * s[r];
                        }
                        hasProbGrad[parent[k]] = true;
                    }
                }
                case MULTICLASS -> {
                    if (!ownLoss) {
                        continue;
                    }
                    int c = width[k];
                    for (int r = 0; r < rows; r++) {
                        if (m[r] == 0f) {
                            continue;
                        }
                        float a = scale * m[r];
                        int label = (int) y[r];
                        for (int j = 0; j < c; j++) {
                            g[r * c + j] = a * (float) LossKernels.softmaxCrossEntropyGradient(prob[k][r * c + j], j == label);
                        }
                    }
                }
                case REGRESSION -> {
                    if (!ownLoss) {
                        continue;
                    }
                    boolean huber = ts.loss() == LossKind.HUBER;
                    for (int r = 0; r < rows; r++) {
                        double d = huber ? LossKernels.huberGradient(z[k][r], y[r]) : LossKernels.squaredErrorGradient(z[k][r], y[r]);
                        g[r] = scale * m[r] * (float) d;
                    }
                }
            }
            active[k] = true;
        }
        return active;
    }

    /** Model outputs: each task's probability / probabilities / value, and pCVR for chained tasks. */
    /** The outputs of the first {@code first} rows of the last forward pass. */
    void outputs(Map<String, float[]> out, int first) {
        for (int k = 0; k < t; k++) {
            TaskSpec ts = tasks.get(k);
            out.put(ts.name(), Arrays.copyOf(prob[k], first * width[k]));
            if (parent[k] >= 0) {
                out.put(ts.name() + TaskSpec.CONDITIONAL_SUFFIX, Arrays.copyOf(own[k], first));
            }
        }
    }
}
