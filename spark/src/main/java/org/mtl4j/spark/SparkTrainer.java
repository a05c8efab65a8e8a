package org.mtl4j.spark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.backend.Backend;
import org.mtl4j.api.backend.GradientVector;
import org.mtl4j.api.backend.Provenance;
import org.mtl4j.api.backend.TaskLosses;
import org.mtl4j.api.backend.TrainableModel;
import org.mtl4j.api.backend.TrainingStep;
import org.mtl4j.api.balance.BalancerContext;
import org.mtl4j.api.balance.Clipper;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.Dataset.DenseStats;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.PluginRef;
import org.mtl4j.api.spec.TrainingSpec;
import org.mtl4j.api.train.EpochSummary;
import org.mtl4j.api.train.TrainingDivergedException;
import org.mtl4j.api.train.TrainingHistory;
import org.mtl4j.api.train.TrainingListener;
import org.mtl4j.data.BadRowPolicy;
import org.mtl4j.data.internal.RowBinder;
import org.mtl4j.dsl.MtlRuntime;
import org.mtl4j.spark.internal.DataFrameBinding;
import org.mtl4j.spark.internal.EncodedGradient;
import org.mtl4j.spark.internal.ModelParameters;
import org.mtl4j.spark.internal.PartitionWorker;
import org.mtl4j.spark.internal.ReducedStep;
import org.mtl4j.spark.internal.Rows;
import org.mtl4j.spark.internal.RunSetup;
import org.mtl4j.spark.internal.ShardResult;
import org.mtl4j.training.HistoryRecorder;
import org.mtl4j.training.Trainer;
import org.mtl4j.training.TrainingResult;
import org.mtl4j.training.internal.Checkpoint;
import org.mtl4j.training.internal.CheckpointStore;
import org.mtl4j.training.internal.EarlyStopper;
import org.mtl4j.training.internal.GradientPipeline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * Trains a {@link ModelSpec} on a Spark {@code Dataset<Row>}: data-parallel over P partitions, with the
 * balancers, clippers, optimiser and model file of local training.
 *
 * <p><b>Synchronous mode</b> (the default). The global batch of step s is the union of every partition's
 * s-th shard of B / P rows. The driver broadcasts its model state ({@code writeState}: parameters and
 * optimiser) every {@code stateEvery} steps and, each step, the final gradient it applied (dense part and
 * touched rows); each partition's model reads the state once and then applies those gradients with its
 * own copy of the optimiser (the same arithmetic, so the same floats as the driver's), runs the backend's training step on its shard and computes
 * the per-task gradients {@code taskGradients} (T backward passes), multiplied by its labelled-row
 * counts n_k; {@code treeAggregate} sums them (embedding gradients as touched rows); the driver divides
 * by the global counts N_k, which gives exactly the per-task gradients of the whole batch's masked mean
 * losses, and runs the local {@link GradientPipeline} (weighting, per-task clipping, aggregation, final
 * clipping) and the optimiser on them. So P partitions give the result of one machine with the same
 * global batch (up to float summation order; {@code SparkTrainerTest} holds it to 1e-5).
 *
 * <p><b>Averaging mode</b> ({@link Mode#AVERAGING}, k local steps): each partition runs k plain steps
 * (task weights 1, the spec's optimiser, no balancer) on its own shards from the broadcast state, and
 * the driver averages the parameters weighted by rows (McMahan et al., "Communication-Efficient
 * Learning of Deep Networks from Decentralized Data", AISTATS 2017, FedAvg: w = sum_p n_p/n w_p).
 * One exchange per k steps instead of one per step; the price: the shards' models drift apart within
 * a round, optimiser moments restart each round, gradient balancers do not apply, and the result is
 * not that of any single-machine run.
 *
 * <p><b>Faults.</b> A partition's rows and their order are fixed (row i to partition i mod P, a seeded
 * permutation per epoch), and every task starts from the broadcast state, so a retried task returns
 * the same gradient. The driver writes a checkpoint ({@link CheckpointStore}, the local format) at each
 * epoch end (and every {@code checkpointEvery} steps); {@code resume} continues from the newest.
 */
public final class SparkTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(SparkTrainer.class);

    /** How partitions combine their work. */
    public enum Mode {
        /** Per-task gradients summed every step: equal to one machine with the same global batch. */
        SYNCHRONOUS,
        /** k local steps per partition, then the parameters averaged. */
        AVERAGING
    }

    private final MtlRuntime runtime;
    private final Mode mode;
    private final int localSteps;
    private final int partitions;
    private final Path checkpoints;
    private final int checkpointEvery;
    private final boolean resume;
    private final List<TrainingListener> listeners;
    private final BadRowPolicy badRows;
    private final boolean standardiseLabels;
    private final String source;
    private final Map<String, Vocabulary> vocabularies;
    private final Map<String, DenseStats> denseStats;
    private final long failOnceAtStep;
    private final int stateEvery;

    private SparkTrainer(Builder b) {
        this.runtime = b.runtime != null ? b.runtime : MtlRuntime.builder().build();
        this.mode = b.mode;
        this.localSteps = b.localSteps;
        this.partitions = b.partitions;
        this.checkpoints = b.checkpoints;
        this.checkpointEvery = b.checkpointEvery;
        this.resume = b.resume;
        this.listeners = List.copyOf(b.listeners);
        this.badRows = b.badRows;
        this.standardiseLabels = b.standardiseLabels;
        this.source = b.source;
        this.vocabularies = b.vocabularies;
        this.denseStats = b.denseStats;
        this.failOnceAtStep = b.failOnceAtStep;
        this.stateEvery = b.stateEvery;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options of a Spark run; every one has a default. */
    public static final class Builder {
        private MtlRuntime runtime;
        private Mode mode = Mode.SYNCHRONOUS;
        private int localSteps = 1;
        private int partitions;
        private Path checkpoints;
        private int checkpointEvery;
        private boolean resume;
        private List<TrainingListener> listeners = List.of();
        private BadRowPolicy badRows = BadRowPolicy.FAIL;
        private boolean standardiseLabels = true;
        private String source = "dataframe";
        private Map<String, Vocabulary> vocabularies;
        private Map<String, DenseStats> denseStats;
        private long failOnceAtStep = -1;
        private int stateEvery = 100;

        /**
         * Synchronous mode: the driver broadcasts its whole state (parameters and optimiser) every {@code n}
         * steps and, in between, only each step's final gradient (touched rows), which the executors apply
         * with the same optimiser. Default 100; 1 ships the whole state every step.
         */
        public Builder stateEvery(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("stateEvery must be >= 1, found " + n);
            }
            this.stateEvery = n;
            return this;
        }

        /** The plugins (backends, balancers) to resolve names with; default: those on the class path. */
        public Builder runtime(MtlRuntime r) {
            this.runtime = r;
            return this;
        }

        public Builder synchronous() {
            this.mode = Mode.SYNCHRONOUS;
            this.localSteps = 1;
            return this;
        }

        /** Averaging mode: {@code k} local steps per partition between parameter averages. */
        public Builder averaging(int k) {
            if (k < 1) {
                throw new IllegalArgumentException("local steps must be >= 1, found " + k);
            }
            this.mode = Mode.AVERAGING;
            this.localSteps = k;
            return this;
        }

        /** Partitions (data-parallel shards); default: Spark's default parallelism. */
        public Builder partitions(int p) {
            if (p < 1) {
                throw new IllegalArgumentException("partitions must be >= 1, found " + p);
            }
            this.partitions = p;
            return this;
        }

        /** The driver's checkpoint folder (written each epoch end, and every {@code everySteps} steps when > 0). */
        public Builder checkpoints(Path dir, int everySteps) {
            this.checkpoints = dir;
            this.checkpointEvery = everySteps;
            return this;
        }

        /** Continue from the newest checkpoint in the checkpoint folder. */
        public Builder resume(boolean r) {
            this.resume = r;
            return this;
        }

        public Builder listeners(List<TrainingListener> l) {
            this.listeners = List.copyOf(l);
            return this;
        }

        public Builder badRows(BadRowPolicy p) {
            this.badRows = p;
            return this;
        }

        public Builder standardiseLabels(boolean s) {
            this.standardiseLabels = s;
            return this;
        }

        /** How the DataFrame is named in errors and provenance, e.g. {@code dataframe 'clicks'}. */
        public Builder source(String name) {
            this.source = name;
            return this;
        }

        /** Vocabularies and statistics to use instead of computing them from the DataFrame (both or neither). */
        public Builder bound(Map<String, Vocabulary> v, Map<String, DenseStats> s) {
            this.vocabularies = v;
            this.denseStats = s;
            return this;
        }

        /**
         * Fault drill: the first attempt of partition 0's task at global step {@code step} throws after
         * computing its gradient, so Spark retries it (needs {@code spark.task.maxFailures} > 1).
         */
        public Builder failOnceAtStep(long step) {
            this.failOnceAtStep = step;
            return this;
        }

        public SparkTrainer build() {
            return new SparkTrainer(this);
        }
    }

    /** Trains {@code spec} on {@code data}; the rows are bound to the spec's inputs and labels by column name. */
    public SparkRun fit(SparkSession spark, ModelSpec spec, Dataset<Row> data) {
        ModelSpec checked = runtime.check(spec);
        TrainingSpec ts = checked.training();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int p = partitions > 0 ? partitions : jsc.defaultParallelism();
        if (ts.batchSize() % p != 0) {
            throw new MtlException("training.batchSize " + ts.batchSize() + " is not a multiple of the " + p
                    + " partitions: the global batch is split evenly over them; choose a batch size or a partition count that divides it");
        }
        String runId = UUID.randomUUID().toString();
        DataFrameBinding bound = DataFrameBinding.bind(spark, runId, checked, data, source, badRows, p, vocabularies,
                denseStats, standardiseLabels);
        try {
            return run(jsc, checked, bound, p);
        } finally {
            bound.release();
            PartitionWorker.release(runId);
        }
    }

    private SparkRun run(JavaSparkContext jsc, ModelSpec spec, DataFrameBinding bound, int p) {
        TrainingSpec ts = spec.training();
        List<String> tasks = spec.taskNames();
        Backend backend = runtime.backend(spec.backend());
        TrainableModel model = backend.compile(spec, bound.vocabularies(), bound.denseStats());
        long seed = ts.seed();
        GradientPipeline pipeline = new GradientPipeline(tasks,
                runtime.lossWeighting(spec.lossWeighting().name()).create(ctx(spec.lossWeighting(), spec, seed)),
                spec.hasGradientAggregation() ? runtime.gradientAggregator(spec.gradientAggregation().name())
                        .create(ctx(spec.gradientAggregation(), spec, seed)) : null,
                clippers(spec, seed));
        if (mode == Mode.AVERAGING && (spec.hasGradientAggregation() || !spec.clipping().isEmpty())) {
            LOG.warn("averaging mode runs plain local steps: gradient aggregation '{}' and clipping {} do not apply",
                    spec.gradientAggregation().name(), spec.clipping());
        }
        Batch probe = probe(bound, spec);
        int perShard = ts.batchSize() / p;
        long[] sizes = bound.partitionRows();
        long stepsPerEpoch = 0;
        for (long n : sizes) {
            stepsPerEpoch = Math.max(stepsPerEpoch, (n + perShard - 1) / perShard);
        }
        HistoryRecorder recorder = new HistoryRecorder();
        CheckpointStore store = checkpoints == null ? null : new CheckpointStore(checkpoints, 3);
        int epoch = 0;
        long stepInEpoch = 0;
        long globalStep = 0;
        Checkpoint.EpochState sums = Checkpoint.EpochState.zero(tasks.size());
        recorder.onStart(spec, bound.rowCount());
        if (resume) {
            if (checkpoints == null) {
                throw new MtlException("resume needs a checkpoint folder");
            }
            Path file = CheckpointStore.file(checkpoints);
            Checkpoint c = CheckpointStore.read(checkpoints, tasks);
            EarlyStopper.restoreSnapshot(model, c.modelState());
            pipeline.restoreStates(c.balancers(), file);
            recorder.restore(c.history());
            epoch = c.epoch();
            stepInEpoch = c.stepInEpoch();
            globalStep = c.globalStep();
            sums = c.epochState();
            LOG.info("resuming from {}: epoch {}, step {} of it, global step {}", file, epoch + 1, stepInEpoch, globalStep);
        }
        for (TrainingListener l : listeners) {
            l.onStart(spec, bound.rowCount());
        }
        List<GradientVector> buffers = null;
        StepTimings timings = StepTimings.NONE;
        Broadcast<byte[]> anchor = null;
        long anchorVersion = -1;
        // the spec and vocabularies (megabytes at a million ids) once per run, not in every task's closure
        Broadcast<RunSetup> setup = jsc.broadcast(bound.setup());
        List<Broadcast<byte[]>> updates = new ArrayList<>();
        int k = mode == Mode.AVERAGING ? localSteps : 1;
        try {
            while (epoch < ts.epochs()) {
                long t0 = System.nanoTime();
                double secondsBefore = sums.seconds();
                long epochSeed = Trainer.epochSeed(seed, epoch);
                boolean shuffle = ts.shuffleBuffer() > 1;
                while (stepInEpoch < stepsPerEpoch) {
                    long wall0 = System.nanoTime();
                    long broadcastBytes = 0;
                    if (anchor == null || mode == Mode.AVERAGING || globalStep - anchorVersion >= stateEvery) {
                        destroy(anchor, updates);
                        byte[] state = EarlyStopper.snapshot(model);
                        anchor = jsc.broadcast(state);
                        anchorVersion = globalStep;
                        broadcastBytes += (long) state.length * p;
                    }
                    long stateNanos = System.nanoTime() - wall0;
                    int steps = (int) Math.min(k, stepsPerEpoch - stepInEpoch);
                    ShardResult sum;
                    try {
                        sum = bound.rows().mapPartitionsWithIndex(new StepTask(bound.setup().runId(), setup, anchor, anchorVersion,
                                List.copyOf(updates), epochSeed, shuffle, stepInEpoch, perShard,
                                mode == Mode.AVERAGING ? steps : 0, globalStep, failOnceAtStep), true)
                                .treeAggregate(ShardResult.empty(tasks.size()), ShardResult::merge, ShardResult::merge, 2);
                    } catch (Exception e) { // SparkException is checked in Java terms
                        throw DataFrameBinding.unwrap(e);
                    }
                    long d0 = System.nanoTime();
                    long step = globalStep;
                    TaskLosses losses;
                    double[] weights;
                    long updateNanos = 0;
                    if (mode == Mode.SYNCHRONOUS) {
                        TrainingStep local = model.step(probe);
                        if (buffers == null) {
                            buffers = new ArrayList<>();
                            for (int i = 0; i < tasks.size(); i++) {
                                buffers.add(local.newGradient());
                            }
                        }
                        boolean diagnose = ts.diagnosticsEvery() > 0 && step % ts.diagnosticsEvery() == 0;
                        GradientPipeline.Outcome o = pipeline.run(ReducedStep.of(local, tasks, sum, buffers), step, epoch, diagnose);
                        if (o.diagnostics() != null) {
                            recorder.onDiagnostics(o.diagnostics());
                            for (TrainingListener l : listeners) {
                                l.onDiagnostics(o.diagnostics());
                            }
                        }
                        // the final gradient, as the optimiser is about to apply it, goes to the executors (touched rows only)
                        long u0 = System.nanoTime();
                        byte[] update = EncodedGradient.of(local.gradient(), 1.0).toBytes();
                        updates.add(jsc.broadcast(update));
                        broadcastBytes += (long) update.length * p;
                        updateNanos = System.nanoTime() - u0;
                        stateNanos += updateNanos;
                        model.applyUpdate();
                        losses = o.losses();
                        weights = o.weights();
                    } else {
                        losses = average(model, probe, tasks, sum, step);
                        weights = new double[tasks.size()];
                        java.util.Arrays.fill(weights, 1.0);
                    }
                    long driverNanos = System.nanoTime() - d0 - updateNanos;
                    globalStep += steps;
                    stepInEpoch += steps;
                    int rows = (int) Math.min(Integer.MAX_VALUE, sum.rows());
                    sums = sums.add(losses, weights, rows);
                    for (TrainingListener l : listeners) {
                        l.onStep(step, epoch, rows, losses, weights.clone());
                    }
                    timings = timings.plus(System.nanoTime() - wall0, stateNanos, sum.computeNanos(), sum.encodeNanos(),
                            sum.decodeNanos(), driverNanos, broadcastBytes, sum.bytes());
                    if (store != null && checkpointEvery > 0 && globalStep % checkpointEvery == 0) {
                        sums = sums.withSeconds(secondsBefore + (System.nanoTime() - t0) / 1e9);
                        store.writeStep(checkpoint(tasks, epoch, stepInEpoch, globalStep, sums, recorder, pipeline, model),
                                globalStep);
                    }
                }
                sums = sums.withSeconds(secondsBefore + (System.nanoTime() - t0) / 1e9);
                endEpochListeners(endEpoch(tasks, epoch, sums, pipeline, recorder));
                epoch++;
                stepInEpoch = 0;
                sums = Checkpoint.EpochState.zero(tasks.size());
                if (store != null) {
                    store.writeEpoch(checkpoint(tasks, epoch, 0, globalStep, sums, recorder, pipeline, model), epoch - 1);
                }
            }
        } catch (RuntimeException e) {
            model.close();
            throw e;
        } finally {
            destroy(anchor, updates);
            setup.destroy();
        }
        recorder.stopReason("completed " + ts.epochs() + " epochs");
        TrainingHistory history = recorder.history();
        for (TrainingListener l : listeners) {
            l.onEnd(history);
        }
        model.setProvenance(provenance(backend, spec, history, globalStep, p));
        LOG.info("spark run of '{}' on {} partitions ({} mode): {}", spec.name(), p, mode, timings.perStep());
        return new SparkRun(new TrainingResult(model, history, null), bound.vocabularies(), bound.denseStats(), timings,
                bound.rowCount(), bound.skipped());
    }

    private static void destroy(Broadcast<byte[]> anchor, List<Broadcast<byte[]>> updates) {
        if (anchor != null) {
            anchor.destroy();
        }
        for (Broadcast<byte[]> u : updates) {
            u.destroy();
        }
        updates.clear();
    }

    /** Averaging: parameters = sum_p rows_p * w_p / rows; returns the round's mean losses. */
    private static TaskLosses average(TrainableModel model, Batch probe, List<String> tasks, ShardResult sum, long step) {
        int t = tasks.size();
        double[] loss = new double[t];
        int[] labelled = new int[t];
        for (int i = 0; i < t; i++) {
            long n = sum.labelled()[i];
            labelled[i] = (int) Math.min(Integer.MAX_VALUE, n);
            loss[i] = n == 0 ? 0 : sum.lossSum()[i] / n;
            if (!Double.isFinite(loss[i])) {
                throw new TrainingDivergedException(tasks.get(i), step, "loss");
            }
        }
        EncodedGradient params = sum.parameters();
        if (params != null && sum.rows() > 0) {
            double[] all = params.denseValues().clone();
            for (int i = 0; i < all.length; i++) {
                all[i] /= sum.rows();
            }
            ModelParameters.write(model, model.step(probe), all);
        }
        return new TaskLosses(tasks, loss, labelled);
    }

    private static EpochSummary endEpoch(List<String> tasks, int epoch, Checkpoint.EpochState e, GradientPipeline pipeline,
            HistoryRecorder recorder) {
        int n = tasks.size();
        double[] meanLoss = new double[n];
        Map<String, Double> trainLoss = new LinkedHashMap<>();
        Map<String, Double> meanWeights = new LinkedHashMap<>();
        for (int k = 0; k < n; k++) {
            meanLoss[k] = e.labelled()[k] == 0 ? Double.NaN : e.lossSum()[k] / e.labelled()[k];
            trainLoss.put(tasks.get(k), meanLoss[k]);
            meanWeights.put(tasks.get(k), e.batches() == 0 ? Double.NaN : e.weightSum()[k] / e.batches());
        }
        pipeline.weighting().onEpochEnd(epoch, meanLoss.clone());
        EpochSummary s = new EpochSummary(epoch, trainLoss, meanWeights, Map.of(), Map.of(), e.rows(), e.seconds());
        recorder.onEpochEnd(s);
        return s;
    }

    private void endEpochListeners(EpochSummary s) {
        for (TrainingListener l : listeners) {
            l.onEpochEnd(s);
        }
    }

    private static Checkpoint checkpoint(List<String> tasks, int epoch, long stepInEpoch, long globalStep,
            Checkpoint.EpochState e, HistoryRecorder recorder, GradientPipeline pipeline, TrainableModel model) {
        return new Checkpoint(tasks, epoch, stepInEpoch, globalStep, new Checkpoint.EpochState(e.lossSum().clone(),
                e.labelled().clone(), e.weightSum().clone(), e.batches(), e.rows(), e.seconds()), Checkpoint.EarlyStop.NONE,
                recorder.history(), pipeline.saveStates(), EarlyStopper.snapshot(model));
    }

    /** One row of the data, parsed on the driver: the driver model's forward pass that gives it a gradient buffer. */
    private static Batch probe(DataFrameBinding bound, ModelSpec spec) {
        RunSetup s = bound.setup();
        RowBinder binder = new RowBinder(spec, s.header(), s.source(), ',', List.of(), null);
        Map<String, Vocabulary> v = bound.vocabularies();
        Vocabulary[] byInput = new Vocabulary[binder.idInputs().size()];
        for (int i = 0; i < byInput.length; i++) {
            byInput[i] = v.get(binder.idInputs().get(i).input());
        }
        for (Tuple2<Long, String[]> r : bound.rows().take(64)) {
            try {
                return binder.assemble(List.of(Rows.parse(binder, r._2(), r._1() + 1, (i, t) -> byInput[i].index(t), s.source())));
            } catch (org.mtl4j.data.DataException e) {
                // a skipped bad row: try the next
            }
        }
        throw new MtlException(s.source() + ": none of the first 64 rows is readable");
    }

    private static BalancerContext ctx(PluginRef ref, ModelSpec spec, long seed) {
        return new BalancerContext(ref, spec.tasks(), seed);
    }

    private List<Clipper> clippers(ModelSpec spec, long seed) {
        List<Clipper> out = new ArrayList<>();
        for (PluginRef ref : spec.clipping()) {
            out.add(runtime.clipper(ref.name()).create(ctx(ref, spec, seed)));
        }
        return out;
    }

    private Provenance provenance(Backend backend, ModelSpec spec, TrainingHistory history, long steps, int p) {
        Provenance base = Provenance.compiled(backend.name(), backend.version(), Map.of(), spec.training().seed());
        Map<String, String> summary = new LinkedHashMap<>();
        summary.put("epochs", String.valueOf(history.epochs().size()));
        summary.put("steps", String.valueOf(steps));
        summary.put("stopReason", history.stopReason());
        summary.put("spark", mode == Mode.SYNCHRONOUS ? "synchronous, " + p + " partitions"
                : "averaging every " + localSteps + " steps, " + p + " partitions");
        summary.put("lossWeighting", spec.lossWeighting().name());
        summary.put("gradientAggregation", spec.gradientAggregation().name());
        if (!history.epochs().isEmpty()) {
            history.epochs().get(history.epochs().size() - 1).trainLoss()
                    .forEach((k, v) -> summary.put("trainLoss." + k, Double.toString(v)));
        }
        return base.completed(spec.training().seed(), source, null, summary);
    }

    /** The work of one partition for one step (or one averaging round). */
    static final class StepTask implements Function2<Integer, Iterator<Tuple2<Long, String[]>>, Iterator<ShardResult>> {
        private static final long serialVersionUID = 1L;
        private final String runId;
        private final Broadcast<RunSetup> setup;
        private final Broadcast<byte[]> anchor;
        private final long anchorVersion;
        private final List<Broadcast<byte[]>> updates;
        private final long epochSeed;
        private final boolean shuffle;
        private final long step;
        private final int perShard;
        private final int localSteps;
        private final long globalStep;
        private final long failAt;

        StepTask(String runId, Broadcast<RunSetup> setup, Broadcast<byte[]> anchor, long anchorVersion, List<Broadcast<byte[]>> updates, long epochSeed,
                boolean shuffle, long step, int perShard, int localSteps, long globalStep, long failAt) {
            this.runId = runId;
            this.setup = setup;
            this.anchor = anchor;
            this.anchorVersion = anchorVersion;
            this.updates = updates;
            this.epochSeed = epochSeed;
            this.shuffle = shuffle;
            this.step = step;
            this.perShard = perShard;
            this.localSteps = localSteps;
            this.globalStep = globalStep;
            this.failAt = failAt;
        }

        @Override
        public Iterator<ShardResult> call(Integer partition, Iterator<Tuple2<Long, String[]>> rows) {
            PartitionWorker w = PartitionWorker.get(runId, setup::value, partition, rows);
            ShardResult r;
            if (localSteps > 0) {
                r = w.localSteps(anchor.value(), epochSeed, shuffle, step, localSteps, perShard);
            } else {
                long t0 = System.nanoTime();
                // only the broadcasts this worker lacks are fetched
                w.sync(anchor.value(), anchorVersion, new java.util.AbstractList<byte[]>() {
                    @Override
                    public byte[] get(int i) {
                        return updates.get(i).value();
                    }

                    @Override
                    public int size() {
                        return updates.size();
                    }
                }, globalStep);
                r = w.gradients(epochSeed, shuffle, step, perShard, System.nanoTime() - t0);
            }
            TaskContext tc = TaskContext.get();
            if (globalStep == failAt && partition == 0 && tc != null && tc.attemptNumber() == 0) {
                throw new IllegalStateException("fault drill: partition 0 fails its first attempt at step " + globalStep);
            }
            return List.of(r).iterator();
        }
    }
}
