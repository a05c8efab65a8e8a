package org.mtl4j.training;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.mtl4j.api.Checks;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.backend.GradientVector;
import org.mtl4j.api.backend.ParameterBlock;
import org.mtl4j.api.backend.ParameterScope;
import org.mtl4j.api.backend.Provenance;
import org.mtl4j.api.backend.TaskLosses;
import org.mtl4j.api.backend.TrainableModel;
import org.mtl4j.api.backend.TrainingStep;
import org.mtl4j.api.balance.AggregationContext;
import org.mtl4j.api.balance.ClipReport;
import org.mtl4j.api.balance.Clipper;
import org.mtl4j.api.balance.ClippingContext;
import org.mtl4j.api.balance.GradientAggregator;
import org.mtl4j.api.balance.LossWeighting;
import org.mtl4j.api.balance.WeightingContext;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.BatchStream;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.metric.Evaluation;
import org.mtl4j.api.metric.Metric;
import org.mtl4j.api.spec.EarlyStopping;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.TrainingSpec;
import org.mtl4j.api.train.EpochSummary;
import org.mtl4j.api.train.StepDiagnostics;
import org.mtl4j.api.train.TrainingDivergedException;
import org.mtl4j.api.train.TrainingHistory;
import org.mtl4j.api.train.TrainingListener;
import org.mtl4j.tasks.Metrics;
import org.mtl4j.training.internal.BalancerStateFilter;
import org.mtl4j.training.internal.Checkpoint;

/**
 * The one backend-agnostic training loop. Per batch:
 * <ol>
 * <li>{@code step = model.step(batch)}; a non-finite task loss stops the run with a
 * {@link TrainingDivergedException} naming the task and the step, before any update (the model keeps
 * its last parameters);</li>
 * <li>the loss weighting chooses this step's weights w_k;</li>
 * <li>with a gradient aggregator or a {@link Clipper.Stage#TASK_GRADIENTS} clipper: the per-task
 * gradients g_k of the shared parameters are taken, copied and multiplied by w_k, clipped per task,
 * and combined by the aggregator (or summed) into the shared gradient; the task towers keep their
 * own weighted gradients. Otherwise one backward pass of sum_k w_k L_k;</li>
 * <li>a weighting that asks for them (GradNorm) gets the unweighted per-task gradients of the last
 * shared layer;</li>
 * <li>{@link Clipper.Stage#FINAL} clippers run on the whole gradient; a non-finite gradient stops
 * the run naming the task when it can be told; then the optimiser update.</li>
 * </ol>
 * Every {@code training.diagnosticsEvery} steps the per-task shared gradients are also taken (they
 * leave the same gradient buffer as the backward pass, so the update is unchanged) to record each
 * task's loss, weight and gradient norm, pairwise cosines and the fraction of conflicting pairs
 * (cos &lt; 0; Yu et al., "Gradient Surgery for Multi-Task Learning", NeurIPS 2020, def. 1), the
 * global gradient norm before clipping, which clippers clipped, and gate utilisation.
 *
 * <p>Each epoch end: the mean training loss per task (over batches, weighted by labelled rows), the
 * weighting's {@code onEpochEnd}, validation through {@link Evaluator}, early stopping
 * ({@link EarlyStopping}; task {@code "*"} = the mean validation loss of the non-auxiliary tasks;
 * the best state is kept in memory and restored at the end), and a checkpoint. Without a validation
 * set, {@code training.validationFraction} holds rows out through {@link HoldoutDataset}.
 *
 * <p>Epoch e's shuffle seed is a mix of (training.seed, e), so a run resumed from a checkpoint
 * replays the same batches and, single-threaded, reaches the same parameters. Balancers that are
 * {@link Serializable} are saved in checkpoints with their whole state and restored on resume, through
 * a {@link BalancerStateFilter} that admits only the classes a balancer's state needs; others restart
 * from their initial state (documented in the README).
 *
 * <p>A trainer serves one run: its balancers are stateful.
 */
public final class Trainer {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Trainer.class);
    private static final String LATEST = "latest.ckpt";

    private LossWeighting weighting;
    private GradientAggregator aggregator;
    private List<Clipper> clippers;
    private final Function<String, Metric> metrics;
    private final List<TrainingListener> listeners;
    private final Path checkpointDir;
    private final int checkpointEvery;
    private final int keepCheckpoints;
    private final Path resumeFrom;
    private final boolean standardiseLabels;
    private final org.mtl4j.api.backend.TrainedModel initFrom;
    private final boolean initOptimizer;
    private boolean used;

    private Trainer(Builder b) {
        this.weighting = b.weighting == null ? new EqualWeighting() : b.weighting;
        this.aggregator = b.aggregator;
        this.clippers = List.copyOf(b.clippers);
        this.metrics = b.metrics;
        this.listeners = List.copyOf(b.listeners);
        this.checkpointDir = b.checkpointDir;
        this.checkpointEvery = b.checkpointEvery;
        this.keepCheckpoints = b.keepCheckpoints;
        this.resumeFrom = b.resumeFrom;
        this.standardiseLabels = b.standardiseLabels;
        this.initFrom = b.initFrom;
        this.initOptimizer = b.initOptimizer;
    }

    /** The saved model a continual run starts from (read by whoever compiles the model), or null. */
    public org.mtl4j.api.backend.TrainedModel initFrom() {
        return initFrom;
    }

    /** Whether a continual run also takes the saved model's optimiser state. */
    public boolean initOptimizer() {
        return initOptimizer;
    }

    /** Whether the run that compiles the model should standardise regression labels ({@code LabelScaling}). */
    public boolean standardisesLabels() {
        return standardiseLabels;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Configures a {@link Trainer}; everything is optional. */
    public static final class Builder {
        private LossWeighting weighting;
        private GradientAggregator aggregator;
        private List<Clipper> clippers = List.of();
        private Function<String, Metric> metrics = Metrics::resolve;
        private final List<TrainingListener> listeners = new ArrayList<>();
        private Path checkpointDir;
        private int checkpointEvery;
        private int keepCheckpoints = 3;
        private Path resumeFrom;
        private boolean standardiseLabels = true;
        private org.mtl4j.api.backend.TrainedModel initFrom;
        private boolean initOptimizer;

        private Builder() {
        }

        /** The loss weighting (default: every weight 1). */
        public Builder lossWeighting(LossWeighting w) {
            this.weighting = w;
            return this;
        }

        /** The gradient aggregator, or null for none (then one backward pass per step). */
        public Builder gradientAggregator(GradientAggregator a) {
            this.aggregator = a;
            return this;
        }

        /** Clippers, applied in order within their stage. */
        public Builder clippers(List<Clipper> c) {
            this.clippers = List.copyOf(Checks.notNull("clippers", c));
            return this;
        }

        /** Resolves metric names for validation (default: the built-in metrics, {@link Metrics#resolve}). */
        public Builder metrics(Function<String, Metric> m) {
            this.metrics = Checks.notNull("metrics", m);
            return this;
        }

        /** Replaces the listeners. */
        public Builder listeners(List<TrainingListener> l) {
            this.listeners.clear();
            this.listeners.addAll(Checks.notNull("listeners", l));
            return this;
        }

        /** Adds one listener. */
        public Builder listener(TrainingListener l) {
            this.listeners.add(Checks.notNull("listener", l));
            return this;
        }

        /**
         * Writes checkpoints into {@code dir}: {@code step-<global step>.ckpt} every {@code everySteps}
         * steps (0: only at epoch ends), {@code epoch-<epoch>.ckpt} at each epoch end (epochs numbered from 1, as
         * in the logs), and
         * {@code latest.ckpt}, always the newest.
         */
        public Builder checkpoints(Path dir, int everySteps) {
            this.checkpointDir = Checks.notNull("checkpoint dir", dir);
            this.checkpointEvery = Checks.nonNegative("checkpoint everySteps", everySteps);
            return this;
        }

        /** How many step and epoch checkpoints of each kind are kept (default 3; older ones are deleted). */
        public Builder keepCheckpoints(int n) {
            this.keepCheckpoints = Checks.positive("keepCheckpoints", n);
            return this;
        }

        /** Continues the run saved in a checkpoint file, or in a folder's {@code latest.ckpt}. */
        public Builder resumeFrom(Path checkpoint) {
            this.resumeFrom = checkpoint;
            return this;
        }

        /**
         * Whether regression tasks train on standardised labels (default true; see
         * {@code org.mtl4j.tasks.LabelScaling}). Read by whoever compiles the model (the DSL's run).
         */
        public Builder standardiseLabels(boolean on) {
            this.standardiseLabels = on;
            return this;
        }

        /**
         * Continual training: the compiled model starts from {@code previous}
         * ({@link TrainableModel#initFrom}), with its optimiser state when {@code optimizerState}.
         * Read by whoever compiles the model (the DSL's run), which also reuses the saved model's
         * standardisation statistics.
         */
        public Builder initFrom(org.mtl4j.api.backend.TrainedModel previous, boolean optimizerState) {
            this.initFrom = previous;
            this.initOptimizer = optimizerState;
            return this;
        }

        public Trainer build() {
            return new Trainer(this);
        }
    }

    /** What changes while a run goes on; saved in checkpoints. */
    private static final class RunState {
        int epoch;
        long stepInEpoch;
        long globalStep;
        Checkpoint.EpochState epochState;
        Checkpoint.EarlyStop stop = Checkpoint.EarlyStop.NONE;
        final Deque<Path> stepFiles = new ArrayDeque<>();
        final Deque<Path> epochFiles = new ArrayDeque<>();
    }

    /**
     * Trains the model.
     *
     * @param validation validation data, or null (then {@code training.validationFraction} of the
     *     training rows are held out, or there is no validation)
     * @throws TrainingDivergedException when a loss or gradient becomes NaN or infinite
     */
    public TrainingResult fit(TrainableModel model, Dataset train, Dataset validation) {
        if (used) {
            throw new IllegalStateException("a Trainer runs once (its balancers are stateful): build a new one");
        }
        used = true;
        ModelSpec spec = model.spec();
        TrainingSpec ts = spec.training();
        List<String> tasks = spec.taskNames();
        int nTasks = tasks.size();
        Dataset trainData = train;
        Dataset validData = validation;
        if (validData == null && ts.validationFraction() > 0) {
            HoldoutDataset.Split split = HoldoutDataset.split(train, ts.validationFraction(), ts.seed(), ts.shuffleBuffer());
            trainData = split.train();
            validData = split.validation();
        }
        EarlyStopping es = ts.earlyStopping();
        if (es != null && validData == null) {
            throw new MtlException("early stopping on " + ("*".equals(es.task()) ? "the mean validation loss"
                    : "task '" + es.task() + "' " + es.metric()) + " needs validation data: pass a validation set or set "
                    + "training.validationFraction > 0");
        }
        EarlyStoppingCriterion criterion = es == null ? null : EarlyStoppingCriterion.of(es, spec);
        HistoryRecorder recorder = new HistoryRecorder();
        recorder.onStart(spec, -1);
        RunState st = new RunState();
        st.epochState = Checkpoint.EpochState.zero(nTasks);
        if (resumeFrom != null) {
            resume(model, tasks, recorder, st);
        }
        if (checkpointDir != null) {
            existing(checkpointDir, "step-", st.stepFiles);
            existing(checkpointDir, "epoch-", st.epochFiles);
        }
        long rowsPerEpoch = trainData.size();
        for (TrainingListener l : listeners) {
            l.onStart(spec, rowsPerEpoch);
        }
        String stopReason = recorder.history().stopReason();
        Evaluation lastEval = null;
        int lastEvalEpoch = -1;
        while (st.epoch < ts.epochs() && stopReason == null) {
            int epoch = st.epoch;
            long skip = st.stepInEpoch;
            long t0 = System.nanoTime();
            double secondsBefore = st.epochState.seconds();
            try (BatchStream stream = trainData.batches(ts.batchSize(), true, epochSeed(ts.seed(), epoch))) {
                long index = 0;
                while (stream.hasNext()) {
                    Batch b = stream.next();
                    if (index++ < skip) {
                        continue;
                    }
                    if (b.size() > 0) {
                        trainStep(model, b, st, tasks, recorder);
                    }
                    st.stepInEpoch = index;
                    if (checkpointDir != null && checkpointEvery > 0 && b.size() > 0 && st.globalStep % checkpointEvery == 0) {
                        st.epochState = withSeconds(st.epochState, secondsBefore + (System.nanoTime() - t0) / 1e9);
                        writeCheckpoint(model, tasks, recorder, st, "step-" + st.globalStep + ".ckpt", st.stepFiles);
                    }
                }
            }
            Checkpoint.EpochState e = st.epochState;
            double seconds = secondsBefore + (System.nanoTime() - t0) / 1e9;
            double[] meanLoss = new double[nTasks];
            Map<String, Double> trainLoss = new LinkedHashMap<>();
            Map<String, Double> meanWeights = new LinkedHashMap<>();
            for (int k = 0; k < nTasks; k++) {
                meanLoss[k] = e.labelled()[k] == 0 ? Double.NaN : e.lossSum()[k] / e.labelled()[k];
                trainLoss.put(tasks.get(k), meanLoss[k]);
                meanWeights.put(tasks.get(k), e.batches() == 0 ? Double.NaN : e.weightSum()[k] / e.batches());
            }
            weighting.onEpochEnd(epoch, meanLoss.clone());
            Map<String, Double> validLoss = Map.of();
            Map<String, Map<String, Double>> validMetrics = Map.of();
            if (validData != null) {
                lastEval = Evaluator.evaluate(model, validData, metrics);
                lastEvalEpoch = epoch;
                validLoss = lastEval.losses();
                validMetrics = lastEval.metrics();
            }
            EpochSummary summary = new EpochSummary(epoch, trainLoss, meanWeights, validLoss, validMetrics, e.rows(), seconds);
            recorder.onEpochEnd(summary);
            for (TrainingListener l : listeners) {
                l.onEpochEnd(summary);
            }
            if (es != null) {
                stopReason = earlyStopping(es, criterion, lastEval, epoch, model, st);
                if (stopReason != null) {
                    recorder.stopReason(stopReason);
                }
            }
            st.epoch = epoch + 1;
            st.stepInEpoch = 0;
            st.epochState = Checkpoint.EpochState.zero(nTasks);
            if (checkpointDir != null) {
                writeCheckpoint(model, tasks, recorder, st, "epoch-" + (epoch + 1) + ".ckpt", st.epochFiles); // numbered from 1, as logged
            }
        }
        if (stopReason == null) {
            stopReason = "completed " + ts.epochs() + " epochs";
            recorder.stopReason(stopReason);
        }
        List<EpochSummary> done = recorder.history().epochs();
        int lastEpoch = done.isEmpty() ? -1 : done.get(done.size() - 1).epoch();
        if (es != null && st.stop.bestState() != null && st.stop.bestEpoch() != lastEpoch) {
            readState(model, st.stop.bestState());
            lastEval = null;
        }
        Evaluation finalEval = null;
        if (validData != null) {
            finalEval = lastEval != null && lastEvalEpoch == lastEpoch ? lastEval : Evaluator.evaluate(model, validData, metrics);
        }
        TrainingHistory h = recorder.history();
        boolean best = es != null && st.stop.bestEpoch() >= 0;
        TrainingHistory history = new TrainingHistory(h.tasks(), h.epochs(), h.diagnostics(), h.stopReason(),
                best ? st.stop.bestEpoch() : lastEpoch, best);
        LOG.info("model '{}' = {}: {}", spec.name(), history.modelEpochDescription(), history.stopReason());
        updateProvenance(model, ts, train, validData, history, st.globalStep);
        for (TrainingListener l : listeners) {
            l.onEnd(history);
        }
        return new TrainingResult(model, history, finalEval);
    }

    private void trainStep(TrainableModel model, Batch batch, RunState st, List<String> tasks, HistoryRecorder recorder) {
        int nTasks = tasks.size();
        long step = st.globalStep;
        TrainingStep ts = model.step(batch);
        TaskLosses tl = ts.losses();
        for (int k = 0; k < nTasks; k++) {
            if (!Double.isFinite(tl.losses()[k])) {
                throw new TrainingDivergedException(tasks.get(k), step, "loss");
            }
        }
        WeightingContext wc = new WeightingContext(step, st.epoch, tl.losses().clone(), tl.labelled().clone());
        double[] w = checkWeights(weighting.weights(wc), tasks, step);
        TrainingSpec spec = model.spec().training();
        boolean diag = spec.diagnosticsEvery() > 0 && step % spec.diagnosticsEvery() == 0;
        List<Clipper> taskClippers = clippers.stream().filter(c -> c.stage() == Clipper.Stage.TASK_GRADIENTS).toList();
        List<Clipper> finalClippers = clippers.stream().filter(c -> c.stage() != Clipper.Stage.TASK_GRADIENTS).toList();
        boolean perTask = aggregator != null || !taskClippers.isEmpty();
        List<String> clipped = new ArrayList<>();

        List<GradientVector> lastLayer = null;
        if (weighting.needsTaskGradients()) {
            List<GradientVector> g = ts.taskGradients(w, ParameterScope.LAST_SHARED_LAYER);
            checkFinite(g, tasks, step);
            lastLayer = perTask || diag ? copies(g, null) : g;
        }
        double[] norms = null;
        double[][] cos = null;
        if (perTask || diag) {
            List<GradientVector> shared = ts.taskGradients(w, ParameterScope.SHARED);
            checkFinite(shared, tasks, step);
            if (diag) {
                norms = new double[nTasks];
                cos = cosines(shared, norms);
            }
            if (perTask) {
                List<GradientVector> weighted = copies(shared, w);
                GradientVector out = ts.sharedGradient();
                for (Clipper c : taskClippers) {
                    ClipReport r = c.clip(new ClippingContext(step, tasks, out, List.of(), weighted));
                    if (r != null && r.clipped()) {
                        clipped.add(r.clipper());
                    }
                }
                if (aggregator != null) {
                    aggregator.aggregate(weighted, out, new AggregationContext(step, st.epoch, tl.losses().clone(), w.clone()));
                } else {
                    out.zero();
                    for (GradientVector g : weighted) {
                        out.axpy(1.0, g);
                    }
                }
            }
        } else if (lastLayer == null) {
            ts.backward(w);
        }
        if (weighting.needsTaskGradients()) {
            weighting.afterBackward(wc, w.clone(), lastLayer);
        }
        // the combined gradient on the same (shared) parameters as the per-task norms, before final clipping
        double normBefore = diag ? ts.sharedGradient().norm() : Double.NaN;
        if (!finalClippers.isEmpty()) {
            List<ParameterBlock> blocks = ts.parameterBlocks();
            for (Clipper c : finalClippers) {
                ClipReport r = c.clip(new ClippingContext(step, tasks, ts.gradient(), blocks, List.of()));
                if (r != null && r.clipped()) {
                    clipped.add(r.clipper());
                }
            }
        }
        if (!ts.gradient().isFinite()) {
            throw new TrainingDivergedException(culprit(ts, w, tasks, perTask), step, "gradient");
        }
        if (diag) {
            int conflicts = 0;
            int pairs = 0;
            for (int i = 0; i < nTasks; i++) {
                for (int j = i + 1; j < nTasks; j++) {
                    pairs++;
                    if (cos[i][j] < 0) {
                        conflicts++;
                    }
                }
            }
            StepDiagnostics d = new StepDiagnostics(step, st.epoch, tl.losses().clone(), w.clone(), norms, cos,
                    pairs == 0 ? 0 : (double) conflicts / pairs, normBefore, List.copyOf(clipped),
                    Map.copyOf(ts.gateUtilisation()));
            recorder.onDiagnostics(d);
            for (TrainingListener l : listeners) {
                l.onDiagnostics(d);
            }
        }
        model.applyUpdate();
        st.globalStep++;
        Checkpoint.EpochState e = st.epochState;
        for (int k = 0; k < nTasks; k++) {
            e.lossSum()[k] += tl.losses()[k] * tl.labelled()[k];
            e.labelled()[k] += tl.labelled()[k];
            e.weightSum()[k] += w[k];
        }
        st.epochState = new Checkpoint.EpochState(e.lossSum(), e.labelled(), e.weightSum(), e.batches() + 1,
                e.rows() + batch.size(), e.seconds());
        for (TrainingListener l : listeners) {
            l.onStep(step, st.epoch, batch.size(), tl, w.clone());
        }
    }

    private static double[] checkWeights(double[] w, List<String> tasks, long step) {
        if (w == null || w.length != tasks.size()) {
            throw new MtlException("loss weighting returned " + (w == null ? "null" : w.length + " weights") + " for "
                    + tasks.size() + " tasks " + tasks + " at step " + step);
        }
        for (int k = 0; k < w.length; k++) {
            if (!Double.isFinite(w[k])) {
                throw new TrainingDivergedException(tasks.get(k), step, "loss weight");
            }
            if (w[k] < 0) {
                throw new MtlException("loss weighting returned weight " + w[k] + " for task '" + tasks.get(k) + "' at step "
                        + step + " (weights must be >= 0)");
            }
        }
        return w;
    }

    private static void checkFinite(List<GradientVector> grads, List<String> tasks, long step) {
        for (int k = 0; k < grads.size(); k++) {
            if (!grads.get(k).isFinite()) {
                throw new TrainingDivergedException(tasks.get(k), step, "gradient");
            }
        }
    }

    private static List<GradientVector> copies(List<GradientVector> grads, double[] scale) {
        List<GradientVector> out = new ArrayList<>(grads.size());
        for (int k = 0; k < grads.size(); k++) {
            GradientVector c = grads.get(k).copy();
            if (scale != null) {
                c.scale(scale[k]);
            }
            out.add(c);
        }
        return out;
    }

    /** Pairwise cosines (0 where a gradient is zero; 1 on the diagonal of non-zero ones); fills {@code norms}. */
    static double[][] cosines(List<GradientVector> g, double[] norms) {
        int n = g.size();
        for (int k = 0; k < n; k++) {
            norms[k] = g.get(k).norm();
        }
        double[][] cos = new double[n][n];
        for (int i = 0; i < n; i++) {
            cos[i][i] = norms[i] > 0 ? 1 : 0;
            for (int j = i + 1; j < n; j++) {
                double c = norms[i] > 0 && norms[j] > 0 ? g.get(i).dot(g.get(j)) / (norms[i] * norms[j]) : 0;
                cos[i][j] = c;
                cos[j][i] = c;
            }
        }
        return cos;
    }

    /** The task to blame for a non-finite final gradient: a task block, else a task gradient, else "*". */
    private static String culprit(TrainingStep ts, double[] w, List<String> tasks, boolean perTaskDone) {
        for (ParameterBlock b : ts.parameterBlocks()) {
            if (b.task() != null && !b.gradient().isFinite()) {
                return b.task();
            }
        }
        if (!perTaskDone) {
            try {
                List<GradientVector> g = ts.taskGradients(w, ParameterScope.SHARED);
                for (int k = 0; k < g.size(); k++) {
                    if (!g.get(k).isFinite()) {
                        return tasks.get(k);
                    }
                }
            } catch (RuntimeException e) {
                // the backend cannot give per-task gradients: the task stays unknown
            }
        }
        return "*";
    }

    private String earlyStopping(EarlyStopping es, EarlyStoppingCriterion criterion, Evaluation eval, int epoch,
            TrainableModel model, RunState st) {
        double value = criterion.value(eval);
        boolean higherIsBetter = !"loss".equals(criterion.metric()) && metrics.apply(criterion.metric()).higherIsBetter();
        String what = criterion.description();
        Checkpoint.EarlyStop s = st.stop;
        boolean improved = !Double.isNaN(value) && (s.bestEpoch() < 0
                || (higherIsBetter ? value > s.best() + es.minDelta() : value < s.best() - es.minDelta()));
        if (improved) {
            st.stop = new Checkpoint.EarlyStop(value, epoch, 0, writeState(model));
            return null;
        }
        st.stop = new Checkpoint.EarlyStop(s.best(), s.bestEpoch(), s.sinceBest() + 1, s.bestState());
        if (st.stop.sinceBest() >= es.patience()) {
            return String.format(Locale.ROOT, "early stopping after epoch %d: %s did not improve for %d epochs (best %.6f at epoch %d)",
                    epoch + 1, what, es.patience(), s.best(), s.bestEpoch() + 1); // numbered from 1 for people
        }
        return null;
    }

    private static byte[] writeState(TrainableModel model) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            model.writeState(buf);
        } catch (IOException e) {
            throw new MtlException("could not snapshot the state of model '" + model.spec().name() + "': " + e.getMessage(), e);
        }
        return buf.toByteArray();
    }

    private static void readState(TrainableModel model, byte[] state) {
        try {
            model.readState(new ByteArrayInputStream(state));
        } catch (IOException e) {
            throw new MtlException("could not restore the state of model '" + model.spec().name() + "': " + e.getMessage(), e);
        }
    }

    private void writeCheckpoint(TrainableModel model, List<String> tasks, HistoryRecorder recorder, RunState st,
            String name, Deque<Path> kept) {
        Checkpoint.EpochState e = st.epochState;
        Checkpoint c = new Checkpoint(tasks, st.epoch, st.stepInEpoch, st.globalStep,
                new Checkpoint.EpochState(e.lossSum().clone(), e.labelled().clone(), e.weightSum().clone(), e.batches(),
                        e.rows(), e.seconds()),
                st.stop, recorder.history(), balancerStates(), writeState(model));
        Path file = checkpointDir.resolve(name);
        try {
            c.write(file, checkpointDir.resolve(LATEST));
            kept.remove(file);
            kept.addLast(file);
            while (kept.size() > keepCheckpoints) {
                Files.deleteIfExists(kept.removeFirst());
            }
        } catch (IOException ex) {
            throw new MtlException("could not write checkpoint " + file + ": " + ex, ex);
        }
    }

    /** Checkpoints of one kind already in the folder (a resumed run), oldest first, so pruning covers them too. */
    private static void existing(Path dir, String prefix, Deque<Path> kept) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            files.filter(p -> p.getFileName().toString().matches(java.util.regex.Pattern.quote(prefix) + "\\d+\\.ckpt"))
                    .sorted(java.util.Comparator.comparingLong(p -> Long.parseLong(
                            p.getFileName().toString().substring(prefix.length()).replace(".ckpt", ""))))
                    .forEach(kept::addLast);
        } catch (IOException e) {
            throw new MtlException("could not list checkpoint folder " + dir + ": " + e, e);
        }
    }

    private List<byte[]> balancerStates() {
        List<byte[]> out = new ArrayList<>();
        out.add(serialize(weighting));
        out.add(serialize(aggregator));
        for (Clipper c : clippers) {
            out.add(serialize(c));
        }
        return out;
    }

    private static byte[] serialize(Object o) {
        if (!(o instanceof Serializable)) {
            return null;
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(buf)) {
            out.writeObject(o);
        } catch (NotSerializableException e) {
            return null;
        } catch (IOException e) {
            throw new MtlException("could not save the state of balancer " + o.getClass().getName() + ": " + e, e);
        }
        return buf.toByteArray();
    }

    private static Object deserialize(byte[] b, Object current, Path file) {
        if (b == null || !(current instanceof Serializable)) {
            return current;
        }
        BalancerStateFilter filter = new BalancerStateFilter(current.getClass());
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(b))) {
            in.setObjectInputFilter(filter);
            Object o;
            try {
                o = in.readObject();
            } catch (java.io.InvalidClassException e) {
                if (filter.rejected() == null) {
                    throw e;
                }
                throw new MtlException("checkpoint " + file + ": the state of balancer " + current.getClass().getName()
                        + " holds " + filter.rejected() + ", which a balancer's state may not contain (allowed: its own"
                        + " package, org.mtl4j, java.lang boxes and strings, java.util collections, java.math); not resumed", e);
            }
            if (o.getClass() != current.getClass()) {
                throw new MtlException("checkpoint " + file + " holds a balancer of class " + o.getClass().getName()
                        + ", this run uses " + current.getClass().getName());
            }
            return o;
        } catch (IOException | ClassNotFoundException e) {
            throw new MtlException("checkpoint " + file + ": could not restore balancer " + current.getClass().getName() + ": " + e, e);
        }
    }

    private void resume(TrainableModel model, List<String> tasks, HistoryRecorder recorder, RunState st) {
        Path file = Files.isDirectory(resumeFrom) ? resumeFrom.resolve(LATEST) : resumeFrom;
        if (!Files.isRegularFile(file)) {
            throw new MtlException("resume checkpoint " + file + " does not exist");
        }
        Checkpoint c;
        try {
            c = Checkpoint.read(file);
        } catch (IOException e) {
            throw new MtlException("could not read checkpoint " + file + ": " + e, e);
        }
        if (!c.tasks().equals(tasks)) {
            throw new MtlException("checkpoint " + file + " was written for tasks " + c.tasks() + ", the model has " + tasks);
        }
        readState(model, c.modelState());
        st.epoch = c.epoch();
        st.stepInEpoch = c.stepInEpoch();
        st.globalStep = c.globalStep();
        st.epochState = c.epochState();
        st.stop = c.earlyStop();
        recorder.restore(c.history());
        List<byte[]> b = c.balancers();
        if (b.size() == 2 + clippers.size()) {
            weighting = (LossWeighting) deserialize(b.get(0), weighting, file);
            aggregator = (GradientAggregator) deserialize(b.get(1), aggregator, file);
            List<Clipper> restored = new ArrayList<>();
            for (int i = 0; i < clippers.size(); i++) {
                restored.add((Clipper) deserialize(b.get(2 + i), clippers.get(i), file));
            }
            clippers = List.copyOf(restored);
        } else {
            throw new MtlException("checkpoint " + file + " was written with " + (b.size() - 2) + " clippers, this run has "
                    + clippers.size());
        }
    }

    private static Checkpoint.EpochState withSeconds(Checkpoint.EpochState e, double seconds) {
        return new Checkpoint.EpochState(e.lossSum(), e.labelled(), e.weightSum(), e.batches(), e.rows(), seconds);
    }

    /** The shuffle seed of an epoch: SplitMix64 of (seed, epoch), so every epoch differs and replays exactly. */
    public static long epochSeed(long seed, int epoch) {
        long z = seed + 0x9E3779B97F4A7C15L * (epoch + 1L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static void updateProvenance(TrainableModel model, TrainingSpec ts, Dataset train, Dataset valid,
            TrainingHistory history, long steps) {
        Provenance p = model.provenance();
        Map<String, String> summary = new LinkedHashMap<>(p == null ? Map.of() : p.summary());
        summary.put("epochs", Integer.toString(history.epochs().size()));
        summary.put("steps", Long.toString(steps));
        summary.put("stopReason", history.stopReason());
        summary.put("modelEpoch", history.modelEpochDescription());
        if (!history.epochs().isEmpty()) {
            EpochSummary last = history.epochs().get(history.epochs().size() - 1);
            last.trainLoss().forEach((k, v) -> summary.put("trainLoss." + k, Double.toString(v)));
        }
        String version = Trainer.class.getPackage().getImplementationVersion();
        model.setProvenance(new Provenance(p == null ? model.backendName() : p.backend(), p == null ? "" : p.backendVersion(),
                p == null ? (version == null ? "dev" : version) : p.mtl4jVersion(), p == null ? Map.of() : p.libraries(),
                ts.seed(), train.description(), valid == null ? null : valid.description(), Instant.now().toString(), summary));
    }

    /** Every task weighs 1: the default when no loss weighting is given. */
    private static final class EqualWeighting implements LossWeighting, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public double[] weights(WeightingContext ctx) {
            double[] w = new double[ctx.losses().length];
            Arrays.fill(w, 1.0);
            return w;
        }
    }
}
