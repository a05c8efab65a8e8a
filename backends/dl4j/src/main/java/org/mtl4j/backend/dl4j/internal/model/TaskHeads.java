package org.mtl4j.backend.dl4j.internal.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.spec.LossKind;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.TaskKind;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.tasks.LabelScaling;

/**
 * Output heads and losses of every task on the towers' [batch, classes] outputs: sigmoid + BCE,
 * softmax + cross-entropy, identity + MSE or Huber (delta 1), label masks (a task's loss is the
 * mean over its labelled rows, PLE eq. 9) and ESMM chains (Ma et al., SIGIR 2018, eq. 1-3:
 * p(ctcvr) = p(ctr) x p(cvr), the loss on the product only, over all rows).
 *
 * <p>These per-row formulas touch B x C numbers per task; they run on heap copies of the tower
 * outputs (one copy in, one out) because ND4J's per-op cost would exceed the arithmetic.
 */
final class TaskHeads {
    private static final float EPS = 1e-7f;

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
        parent = new int[t];
        width = new int[t];
        for (int k = 0; k < t; k++) {
            TaskSpec ts = tasks.get(k);
            width[k] = ts.outputWidth();
            parent[k] = ts.chained() ? spec.taskIndex(ts.chainedAfter()) : -1;
            if (ts.chained()) {
                if (parent[k] < 0) {
                    throw new MtlException("task '" + ts.name() + "' is chained after unknown task '" + ts.chainedAfter() + "' (tasks: "
                            + spec.taskNames() + ")");
                }
                if (ts.kind() != TaskKind.BINARY || tasks.get(parent[k]).kind() != TaskKind.BINARY) {
                    throw new MtlException("ESMM chain '" + ts.chainedAfter() + "' -> '" + ts.name()
                            + "' needs two binary tasks, found " + tasks.get(parent[k]).kind().id() + " -> " + ts.kind().id());
                }
            }
        }
        topo = topologicalOrder(spec);
        z = new float[t][];
        own = new float[t][];
        prob = new float[t][];
        grad = new float[t][];
        gradProb = new float[t][];
        labels = new float[t][];
        masks = new float[t][];
        losses = new double[t];
        labelled = new int[t];
        maskSums = new double[t];
        present = new boolean[t];
    }

    private int[] topologicalOrder(ModelSpec spec) {
        List<Integer> order = new ArrayList<>();
        int[] state = new int[t];
        for (int k = 0; k < t; k++) {
            visit(k, state, order, spec);
        }
        return order.stream().mapToInt(Integer::intValue).toArray();
    }

    private void visit(int k, int[] state, List<Integer> order, ModelSpec spec) {
        if (state[k] == 2) {
            return;
        }
        if (state[k] == 1) {
            throw new MtlException("ESMM chain is cyclic at task '" + tasks.get(k).name() + "'");
        }
        state[k] = 1;
        if (parent[k] >= 0) {
            visit(parent[k], state, order, spec);
        }
        state[k] = 2;
        order.add(k);
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
                if (parent[k] < 0) {
                    float x = z[k][r];
                    return Math.max(x, 0) - x * y + Math.log1p(Math.exp(-Math.abs(x)));
                }
                double p = Math.min(Math.max(prob[k][r], EPS), 1 - EPS);
                return -(y * Math.log(p) + (1 - y) * Math.log(1 - p));
            }
            case MULTICLASS -> {
                int c = width[k];
                int cls = (int) y;
                if (cls != y || cls < 0 || cls >= c) {
                    throw new MtlException("task '" + ts.name() + "': label " + y + " at row " + r + " is not a class index in [0, " + c + ")");
                }
                return -Math.log(Math.max(prob[k][r * c + cls], 1e-30f));
            }
            default -> {
                if (!Float.isFinite(y)) {
                    throw new MtlException("task '" + ts.name() + "': label " + y + " at row " + r + " is not a finite number");
                }
                double d = z[k][r] - y;
                if (ts.loss() == LossKind.HUBER) {
                    double a = Math.abs(d);
                    return a <= 1 ? 0.5 * d * d : a - 0.5;
                }
                return d * d;
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
                            float d = ownLoss ? scale * m[r] * (s[r] - y[r]) : 0f;
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
                                float p = Math.min(Math.max(prob[k][r], EPS), 1 - EPS);
                                dp += scale * m[r] * (p - y[r]) / (p * (1 - p));
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
                        for (int j = 0; j < c; j++) {
                            g[r * c + j] = a * prob[k][r * c + j];
                        }
                        g[r * c + (int) y[r]] -= a;
                    }
                }
                case REGRESSION -> {
                    if (!ownLoss) {
                        continue;
                    }
                    boolean huber = ts.loss() == LossKind.HUBER;
                    for (int r = 0; r < rows; r++) {
                        float d = z[k][r] - y[r];
                        g[r] = scale * m[r] * (huber ? Math.max(-1f, Math.min(1f, d)) : 2 * d);
                    }
                }
            }
            active[k] = true;
        }
        return active;
    }

    /** Model outputs: each task's probability / probabilities / value, and pCVR for chained tasks. */
    void outputs(Map<String, float[]> out) {
        for (int k = 0; k < t; k++) {
            TaskSpec ts = tasks.get(k);
            out.put(ts.name(), Arrays.copyOf(prob[k], rows * width[k]));
            if (parent[k] >= 0) {
                out.put(ts.name() + TaskSpec.CONDITIONAL_SUFFIX, Arrays.copyOf(own[k], rows));
            }
        }
    }
}
