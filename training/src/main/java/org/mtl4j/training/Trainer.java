package org.mtl4j.training;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.mtl4j.api.Checks;
import org.mtl4j.api.backend.Provenance;
import org.mtl4j.api.backend.TrainableModel;
import org.mtl4j.api.balance.Clipper;
import org.mtl4j.api.balance.GradientAggregator;
import org.mtl4j.api.balance.LossWeighting;
import org.mtl4j.api.balance.WeightingContext;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.BatchStream;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.metric.Evaluation;
import org.mtl4j.api.metric.Metric;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.TrainingSpec;
import org.mtl4j.api.train.EpochSummary;
import org.mtl4j.api.train.TrainingDivergedException;
import org.mtl4j.api.train.TrainingHistory;
import org.mtl4j.api.train.TrainingListener;
import org.mtl4j.tasks.Metrics;
import org.mtl4j.training.internal.Checkpoint;
import org.mtl4j.training.internal.CheckpointStore;
import org.mtl4j.training.internal.EarlyStopper;
import org.mtl4j.training.internal.EpochLoop;
import org.mtl4j.training.internal.GradientPipeline;

/**
 * The one backend-agnostic training loop. Per batch, {@code model.step(batch)} then the
 * {@link GradientPipeline} (loss weighting, per-task gradients when something needs them, per-task
 * clipping, aggregation, final clipping, divergence checks, diagnostics every
 * {@code training.diagnosticsEvery} steps), the optimiser update and the listeners. Each epoch end:
 * the mean training loss per task (over batches, weighted by labelled rows), the weighting's
 * {@code onEpochEnd}, validation through {@link Evaluator}, the {@link EarlyStopper} and a checkpoint
 * ({@link CheckpointStore}). Without a validation set, {@code training.validationFraction} holds rows
 * out through {@link HoldoutDataset}.
 *
 * <p>Epoch e's shuffle seed is a mix of (training.seed, e), so a run resumed from a checkpoint
 * replays the same batches and, single-threaded, reaches the same parameters; the balancers' states
 * travel in checkpoints as plain data ({@link org.mtl4j.api.balance.Stateful}).
 *
 * <p>A trainer holds balancer factories and runs any number of times, each run with fresh
 * balancers (as Tribuo's trainers do). Built with balancer instances instead, it runs once.
 */
public final class Trainer {
    private final Supplier<? extends LossWeighting> weighting;
    private final Supplier<? extends GradientAggregator> aggregator;
    private final List<Supplier<? extends Clipper>> clippers;
    private final boolean reusable;
    private final Function<String, Metric> metrics;
    private final List<TrainingListener> listeners;
    private final Path checkpointDir;
    private final int checkpointEvery;
    private final int keepCheckpoints;
    private final Path resumeFrom;
    private final boolean standardiseLabels;
    private final org.mtl4j.api.backend.TrainedModel initFrom;
    private final boolean initOptimizer;
    private final int prefetch;
    private boolean used;

    private Trainer(Builder b) {
        this.weighting = b.weighting == null ? EqualWeighting::new : b.weighting;
        this.aggregator = b.aggregator == null ? () -> null : b.aggregator;
        this.clippers = List.copyOf(b.clippers);
        this.reusable = b.reusable;
        this.metrics = b.metrics;
        this.listeners = List.copyOf(b.listeners);
        this.checkpointDir = b.checkpointDir;
        this.checkpointEvery = b.checkpointEvery;
        this.keepCheckpoints = b.keepCheckpoints;
        this.resumeFrom = b.resumeFrom;
        this.standardiseLabels = b.standardiseLabels;
        this.initFrom = b.initFrom;
        this.initOptimizer = b.initOptimizer;
        this.prefetch = b.prefetch;
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
        private Supplier<? extends LossWeighting> weighting;
        private Supplier<? extends GradientAggregator> aggregator;
        private List<Supplier<? extends Clipper>> clippers = List.of();
        private boolean reusable = true;
        private Function<String, Metric> metrics = Metrics::resolve;
        private final List<TrainingListener> listeners = new ArrayList<>();
        private Path checkpointDir;
        private int checkpointEvery;
        private int keepCheckpoints = 3;
        private Path resumeFrom;
        private boolean standardiseLabels = true;
        private org.mtl4j.api.backend.TrainedModel initFrom;
        private boolean initOptimizer;
        private int prefetch = 2;

        private Builder() {
        }

        /**
         * Batches a reader thread prepares ahead of the step that trains (default 2; 0: read on the
         * training thread, as before issue 15). Training is the same either way; each epoch logs how
         * long input took and how long training waited for it.
         */
        public Builder prefetch(int batches) {
            if (batches < 0) {
                throw new IllegalArgumentException("prefetch must be >= 0 batches, found " + batches);
            }
            this.prefetch = batches;
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

        /** A fresh loss weighting for each run (default: every weight 1). */
        public Builder lossWeighting(Supplier<? extends LossWeighting> factory) {
            this.weighting = Checks.notNull("loss weighting factory", factory);
            return this;
        }

        /** One loss weighting instance: the trainer then runs once (the instance is stateful). */
        public Builder lossWeighting(LossWeighting w) {
            this.weighting = w == null ? null : once(w);
            return this;
        }

        /** A fresh gradient aggregator for each run (the supplier may return null: none). */
        public Builder gradientAggregator(Supplier<? extends GradientAggregator> factory) {
            this.aggregator = Checks.notNull("gradient aggregator factory", factory);
            return this;
        }

        /** One aggregator instance, or null for none (then one backward pass per step); see {@link #lossWeighting(LossWeighting)}. */
        public Builder gradientAggregator(GradientAggregator a) {
            this.aggregator = a == null ? null : once(a);
            return this;
        }

        /** Fresh clippers for each run, applied in order within their stage. */
        public Builder clipperFactories(List<? extends Supplier<? extends Clipper>> factories) {
            this.clippers = List.copyOf(Checks.notNull("clipper factories", factories));
            return this;
        }

        /** Clipper instances, applied in order within their stage; see {@link #lossWeighting(LossWeighting)}. */
        public Builder clippers(List<Clipper> c) {
            List<Supplier<? extends Clipper>> s = new ArrayList<>();
            for (Clipper x : Checks.notNull("clippers", c)) {
                s.add(once(x));
            }
            this.clippers = List.copyOf(s);
            return this;
        }

        private <T> Supplier<T> once(T instance) {
            reusable = false;
            return () -> instance;
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
         * steps (0: only at epoch ends), {@code epoch-<epoch>.ckpt} at each epoch end, and
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

        public Trainer build() {
            return new Trainer(this);
        }
    }

    /**
     * Trains the model.
     *
     * @param validation validation data, or null (then {@code training.validationFraction} of the
     *     training rows are held out, or there is no validation)
     * @throws TrainingDivergedException when a loss or gradient becomes NaN or infinite
     */
    public TrainingResult fit(TrainableModel model, Dataset train, Dataset validation) {
        if (used && !reusable) {
            throw new IllegalStateException("a Trainer built with balancer instances runs once (they are stateful): "
                    + "build a new one, or pass balancer factories (Supplier) to run it again");
        }
        used = true;
        ModelSpec spec = model.spec();
        TrainingSpec ts = spec.training();
        Dataset trainData = train;
        Dataset validData = validation;
        if (validData == null && ts.validationFraction() > 0) {
            HoldoutDataset.Split split = HoldoutDataset.split(train, ts.validationFraction(), ts.seed(), ts.shuffleBuffer());
            trainData = split.train();
            validData = split.validation();
        }
        EarlyStopper stopper = EarlyStopper.of(spec, validData, metrics);
        List<Clipper> clips = new ArrayList<>();
        clippers.forEach(c -> clips.add(c.get()));
        EpochLoop run = new EpochLoop(model, new GradientPipeline(spec.taskNames(), weighting.get(), aggregator.get(), clips),
                stopper, listeners, metrics, checkpointEvery).prefetch(prefetch);
        if (resumeFrom != null) {
            run.resume(CheckpointStore.read(resumeFrom, spec.taskNames()), CheckpointStore.file(resumeFrom));
        }
        CheckpointStore store = checkpointDir == null ? null : new CheckpointStore(checkpointDir, keepCheckpoints);
        return run.train(trainData, validData, store, train);
    }

    /** The shuffle seed of an epoch: SplitMix64 of (seed, epoch), so every epoch differs and replays exactly. */
    public static long epochSeed(long seed, int epoch) {
        return org.mtl4j.api.internal.SplitMix64.derive(seed, epoch); // mix(seed + GAMMA (epoch + 1)), as before
    }

    /** Every task weighs 1: the default when no loss weighting is given. */
    private static final class EqualWeighting implements LossWeighting {
        @Override
        public double[] weights(WeightingContext ctx) {
            double[] w = new double[ctx.losses().length];
            Arrays.fill(w, 1.0);
            return w;
        }
    }
}
