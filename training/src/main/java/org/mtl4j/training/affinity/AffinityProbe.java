package org.mtl4j.training.affinity;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.backend.GradientVector;
import org.mtl4j.api.backend.ParameterBlock;
import org.mtl4j.api.backend.TaskLosses;
import org.mtl4j.api.backend.TrainableModel;
import org.mtl4j.api.backend.TrainingStep;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.BatchStream;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.train.TrainingDivergedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures inter-task affinity during a short training run: the lookahead affinity of Fifty et al.,
 * "Efficiently Identifying Task Groupings in Multi-Task Learning" (NeurIPS 2021, eq. 3),
 * <pre>
 *   theta_s' = theta_s - lr * grad_{theta_s} L_i(X, theta)          (a step on task i's gradient alone)
 *   Z_t(i -&gt; j) = 1 - L_j(X, theta_s', theta_j) / L_j(X, theta_s, theta_j)   (same batch X)
 *   Z(i -&gt; j) = mean over the sampled steps t
 * </pre>
 * on the shared parameters (every {@link ParameterBlock#shared()} block), and the cosine of the
 * tasks' shared gradients on the same steps.
 *
 * <p>The run trains the model: every step is {@code step(batch)}, a backward pass with the given
 * task weights (default all 1) and {@link TrainableModel#applyUpdate()} with the spec's optimiser;
 * no loss weighting, aggregation or clipping. After {@code warmup} steps, every {@code every}-th step is also
 * sampled:
 * <ol>
 * <li>one forward pass ({@code model.step(batch)}); its losses are L_j(before);</li>
 * <li>T backward passes with one-hot task weights ({@code step.backward(e_k)}): after pass k the
 * gradient buffer holds task k's gradient, whose shared blocks are copied, and the weighted sum
 * sum_k w_k grad L_k is accumulated into a copy of the whole buffer (so no extra backward pass is
 * needed for the update);</li>
 * <li>the shared parameter values are saved once; for each task i, theta_s -= lr * grad_s L_i, one
 * inference forward pass ({@code model.losses(batch)}) gives L_j(after) for every j at once, and the
 * saved values are put back exactly;</li>
 * <li>the accumulated gradient goes back into the buffer and the optimiser applies it.</li>
 * </ol>
 * Cost of a sampled step: (T + 1) forward and T backward passes plus vector copies, against one
 * forward and one backward pass for a normal step: at most (T + 1)x a normal step, since a backward
 * pass costs at least a forward pass. Memory: T copies of the shared gradient, one of the shared
 * parameters, one of the whole gradient. The per-task gradients are the backend's own
 * ({@code backward} with one-hot weights is exactly its per-task gradient), taken block by block so
 * that a lookahead step can be applied to each block's values without knowing the backend's layout.
 *
 * <p>The lookahead step is plain gradient descent with {@code lookaheadRate} (default the
 * optimiser's learning rate), as in the paper.
 */
public final class AffinityProbe {
    private static final Logger LOG = LoggerFactory.getLogger(AffinityProbe.class);

    private final int steps;
    private final int every;
    private final int warmup;
    private final double lookaheadRate;
    private final double[] weights;

    private AffinityProbe(Builder b) {
        this.steps = b.steps;
        this.every = b.every;
        this.warmup = b.warmup;
        this.lookaheadRate = b.lookaheadRate;
        this.weights = b.weights == null ? null : b.weights.clone();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options of a probe run. */
    public static final class Builder {
        private int steps = 200;
        private int every = 1;
        private int warmup;
        private double lookaheadRate = Double.NaN;
        private double[] weights;

        private Builder() {
        }

        /** Training steps of the run (default 200). */
        public Builder steps(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("affinity steps must be >= 1, found " + n);
            }
            this.steps = n;
            return this;
        }

        /** Measure affinity on every n-th step (default 1: every step). */
        public Builder every(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("affinity sampling interval must be >= 1, found " + n);
            }
            this.every = n;
            return this;
        }

        /**
         * Train this many steps before the first measurement (default 0). Early on, every task's gradient
         * on the shared layers goes through randomly initialised towers, so even identical tasks look
         * unrelated; a warm-up measures the relations the shared layers settle into.
         */
        public Builder warmup(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("affinity warm-up must be >= 0 steps, found " + n);
            }
            this.warmup = n;
            return this;
        }

        /** Learning rate of the lookahead step (default: the spec optimiser's learning rate). */
        public Builder lookaheadRate(double lr) {
            if (!(lr > 0) || Double.isInfinite(lr)) {
                throw new IllegalArgumentException("affinity lookahead rate must be > 0 and finite, found " + lr);
            }
            this.lookaheadRate = lr;
            return this;
        }

        /** Task weights of the training updates (default all 1). */
        public Builder weights(double... w) {
            for (double x : w) {
                if (!(x >= 0) || Double.isInfinite(x)) {
                    throw new IllegalArgumentException("affinity task weights must be finite and >= 0, found "
                            + Arrays.toString(w));
                }
            }
            this.weights = w.clone();
            return this;
        }

        public AffinityProbe build() {
            return new AffinityProbe(this);
        }
    }

    /**
     * Trains {@code model} for the configured steps on {@code data} (shuffled, the spec's batch size and
     * seed, as many epochs as the steps need) and returns the affinity measured on the sampled steps.
     *
     * @throws TrainingDivergedException when a task loss or gradient is not finite
     */
    public TaskAffinity measure(TrainableModel model, Dataset data) {
        List<String> tasks = model.spec().taskNames();
        int t = tasks.size();
        double[] w = weights == null ? ones(t) : weights;
        if (w.length != t) {
            throw new IllegalArgumentException("expected " + t + " affinity task weights (" + tasks + "), found "
                    + Arrays.toString(w));
        }
        double lr = Double.isNaN(lookaheadRate) ? model.spec().optimizer().learningRate() : lookaheadRate;
        int batchSize = model.spec().training().batchSize();
        long seed = model.spec().training().seed();
        Run run = new Run(model, tasks, w, lr);
        int done = 0;
        int epoch = 0;
        if (warmup >= steps) {
            throw new IllegalArgumentException("affinity warm-up (" + warmup + " steps) leaves no step of the " + steps
                    + " to measure on");
        }
        while (done < steps) {
            boolean any = false;
            try (BatchStream s = data.batches(batchSize, true, seed + epoch)) {
                while (s.hasNext() && done < steps) {
                    Batch b = s.next();
                    any = true;
                    long t0 = System.nanoTime();
                    if (done >= warmup && (done - warmup) % every == 0) {
                        run.sampled(b, done);
                        run.sampledNanos += System.nanoTime() - t0;
                        run.sampledCount++;
                    } else {
                        run.normal(b, done);
                        run.normalNanos += System.nanoTime() - t0;
                        run.normalCount++;
                    }
                    done++;
                }
            }
            if (!any) {
                throw new MtlException("affinity: dataset " + data.description() + " has no rows");
            }
            epoch++;
        }
        LOG.info("affinity measured on {} of {} steps ({} tasks, lookahead rate {})", run.sampledCount, done, t, lr);
        return run.result(done);
    }

    private static double[] ones(int t) {
        double[] w = new double[t];
        Arrays.fill(w, 1);
        return w;
    }

    /** The state of one probe run. */
    private static final class Run {
        private final TrainableModel model;
        private final List<String> tasks;
        private final int t;
        private final double[] w;
        private final double lr;
        private final double[][] zSum;
        private final int[][] zCount;
        private final double[][] cosSum;
        private final double[] lossSum;
        private final int[] lossCount;
        private long normalNanos;
        private long sampledNanos;
        private int normalCount;
        private int sampledCount;
        // reused buffers (allocated on the first sampled step)
        private GradientVector accumulator;
        private GradientVector[][] taskGrads;
        private GradientVector[] saved;

        Run(TrainableModel model, List<String> tasks, double[] w, double lr) {
            this.model = model;
            this.tasks = tasks;
            this.t = tasks.size();
            this.w = w;
            this.lr = lr;
            zSum = new double[t][t];
            zCount = new int[t][t];
            cosSum = new double[t][t];
            lossSum = new double[t];
            lossCount = new int[t];
        }

        void normal(Batch b, int stepNo) {
            TrainingStep s = model.step(b);
            checkLosses(s.losses(), stepNo);
            s.backward(w);
            model.applyUpdate();
        }

        void sampled(Batch b, int stepNo) {
            TrainingStep s = model.step(b);
            TaskLosses before = s.losses();
            checkLosses(before, stepNo);
            List<ParameterBlock> shared = new ArrayList<>();
            for (ParameterBlock p : s.parameterBlocks()) {
                if (p.shared()) {
                    shared.add(p);
                }
            }
            if (shared.isEmpty()) {
                throw new MtlException("affinity is measured on shared parameters, and model '" + model.spec().name()
                        + "' (topology " + model.spec().topology().id() + ", backend " + model.backendName()
                        + ") has none: probe a topology that shares, e.g. shared-bottom");
            }
            GradientVector whole = s.gradient();
            if (accumulator == null || accumulator.length() != whole.length() || taskGrads[0].length != shared.size()) {
                accumulator = whole.zerosLike();
                taskGrads = new GradientVector[t][shared.size()];
                saved = new GradientVector[shared.size()];
                for (int k = 0; k < t; k++) {
                    for (int p = 0; p < shared.size(); p++) {
                        taskGrads[k][p] = shared.get(p).gradient().zerosLike();
                    }
                }
                for (int p = 0; p < shared.size(); p++) {
                    saved[p] = shared.get(p).values().zerosLike();
                }
            }
            accumulator.zero();
            double[] onehot = new double[t];
            for (int k = 0; k < t; k++) {
                Arrays.fill(onehot, 0);
                onehot[k] = 1;
                s.backward(onehot);
                for (int p = 0; p < shared.size(); p++) {
                    taskGrads[k][p].assign(shared.get(p).gradient());
                }
                if (w[k] != 0) {
                    accumulator.axpy(w[k], whole);
                }
            }
            // gradient cosines on the shared parameters
            double[][] dot = new double[t][t];
            for (int i = 0; i < t; i++) {
                for (int j = i; j < t; j++) {
                    double d = 0;
                    for (int p = 0; p < shared.size(); p++) {
                        d += taskGrads[i][p].dot(taskGrads[j][p]);
                    }
                    dot[i][j] = d;
                    dot[j][i] = d;
                }
            }
            for (int i = 0; i < t; i++) {
                if (!Double.isFinite(dot[i][i])) {
                    throw new TrainingDivergedException(tasks.get(i), stepNo, "the shared gradient");
                }
                for (int j = 0; j < t; j++) {
                    double n = Math.sqrt(dot[i][i] * dot[j][j]);
                    cosSum[i][j] += n > 0 ? dot[i][j] / n : 0;
                }
                if (before.labelled()[i] > 0) {
                    lossSum[i] += before.losses()[i];
                    lossCount[i]++;
                }
            }
            // the lookahead: one step on task i's shared gradient, losses of every task, restore
            for (int p = 0; p < shared.size(); p++) {
                saved[p].assign(shared.get(p).values());
            }
            for (int i = 0; i < t; i++) {
                for (int p = 0; p < shared.size(); p++) {
                    shared.get(p).values().axpy(-lr, taskGrads[i][p]);
                }
                TaskLosses after = model.losses(b);
                for (int p = 0; p < shared.size(); p++) {
                    shared.get(p).values().assign(saved[p]);
                }
                for (int j = 0; j < t; j++) {
                    double l0 = before.losses()[j];
                    double l1 = after.losses()[j];
                    if (before.labelled()[j] == 0 || !(l0 > 0)) {
                        continue;
                    }
                    if (!Double.isFinite(l1)) {
                        throw new TrainingDivergedException(tasks.get(j), stepNo, "the loss after a lookahead step of rate " + lr
                                + " on task '" + tasks.get(i) + "'");
                    }
                    zSum[i][j] += 1 - l1 / l0;
                    zCount[i][j]++;
                }
            }
            whole.assign(accumulator);
            model.applyUpdate();
        }

        private void checkLosses(TaskLosses l, int stepNo) {
            for (int k = 0; k < t; k++) {
                if (!Double.isFinite(l.losses()[k])) {
                    throw new TrainingDivergedException(tasks.get(k), stepNo, "loss");
                }
            }
        }

        TaskAffinity result(int steps) {
            double[][] z = new double[t][t];
            double[][] cos = new double[t][t];
            double[] loss = new double[t];
            for (int i = 0; i < t; i++) {
                for (int j = 0; j < t; j++) {
                    z[i][j] = zCount[i][j] == 0 ? Double.NaN : zSum[i][j] / zCount[i][j];
                    cos[i][j] = sampledCount == 0 ? 0 : cosSum[i][j] / sampledCount;
                }
                loss[i] = lossCount[i] == 0 ? Double.NaN : lossSum[i] / lossCount[i];
            }
            return new TaskAffinity(tasks, z, cos, zCount, sampledCount, steps, lr, loss,
                    normalCount == 0 ? 0 : (double) normalNanos / normalCount,
                    sampledCount == 0 ? 0 : (double) sampledNanos / sampledCount);
        }
    }
}
