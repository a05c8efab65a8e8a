package org.mtl4j.training.internal;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.mtl4j.api.backend.Provenance;
import org.mtl4j.api.backend.TrainableModel;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.BatchStream;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.metric.Evaluation;
import org.mtl4j.api.metric.Metric;
import org.mtl4j.api.spec.TrainingSpec;
import org.mtl4j.api.train.EpochSummary;
import org.mtl4j.api.train.TrainingHistory;
import org.mtl4j.api.train.TrainingDivergedException;
import org.mtl4j.api.train.TrainingListener;
import org.mtl4j.training.CheckpointException;
import org.mtl4j.training.Evaluator;
import org.mtl4j.training.HistoryRecorder;
import org.mtl4j.training.Trainer;
import org.mtl4j.training.TrainingResult;

/**
 * One training run of the {@link Trainer}: the epoch and batch loop over a {@link GradientPipeline},
 * epoch ends (mean losses, {@code onEpochEnd}, validation, listeners), the {@link EarlyStopper},
 * checkpoints through a {@link CheckpointStore}, resume, and the run's provenance.
 */
public final class EpochLoop {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(EpochLoop.class);
    private final TrainableModel model;
    private final GradientPipeline pipeline;
    private final EarlyStopper stopper;
    private final List<String> tasks;
    private final HistoryRecorder recorder = new HistoryRecorder();
    private int epoch;
    private long stepInEpoch;
    private long globalStep;
    private Checkpoint.EpochState sums;
    private boolean resumed;

    private final List<TrainingListener> listeners;
    private final Function<String, Metric> metrics;
    private final int checkpointEvery;
    private int prefetch;
    private long inputReadNanos;
    private long inputWaitNanos;

    public EpochLoop(TrainableModel model, GradientPipeline pipeline, EarlyStopper stopper, List<TrainingListener> listeners,
            Function<String, Metric> metrics, int checkpointEvery) {
        this.listeners = listeners;
        this.metrics = metrics;
        this.checkpointEvery = checkpointEvery;
        this.model = model;
        this.pipeline = pipeline;
        this.stopper = stopper;
        this.tasks = model.spec().taskNames();
        this.sums = Checkpoint.EpochState.zero(tasks.size());
        recorder.onStart(model.spec(), -1);
    }

    /** Batches read ahead by a reader thread while a step runs (0: read on the training thread). */
    public EpochLoop prefetch(int batches) {
        if (batches < 0) {
            throw new IllegalArgumentException("prefetch must be >= 0 batches, found " + batches);
        }
        this.prefetch = batches;
        return this;
    }

    public void resume(Checkpoint c, Path file) {
        try {
            EarlyStopper.restoreSnapshot(model, c.modelState());
        } catch (RuntimeException e) {
            throw new CheckpointException("checkpoint " + file + " does not fit this model (" + e.getMessage() + "): resume "
                    + "with the spec and the training data the run started with", true, e);
        }
        resumed = true;
        epoch = c.epoch();
        stepInEpoch = c.stepInEpoch();
        globalStep = c.globalStep();
        sums = c.epochState();
        if (stopper != null) {
            stopper.restore(c.earlyStop());
        }
        recorder.restore(c.history());
        pipeline.restoreStates(c.balancers(), file);
    }

    public TrainingResult train(Dataset data, Dataset valid, CheckpointStore store, Dataset source) {
        TrainingSpec ts = model.spec().training();
        for (TrainingListener l : listeners) {
            l.onStart(model.spec(), data.size());
        }
        if (store != null && !resumed) {
            store.writeInitial(checkpoint()); // the good checkpoint of a run that diverges at once
        }
        String stopReason = recorder.history().stopReason();
        Evaluation lastEval = null;
        int lastEvalEpoch = -1;
        while (epoch < ts.epochs() && stopReason == null) {
            long skip = stepInEpoch;
            long t0 = System.nanoTime();
            double secondsBefore = sums.seconds();
            Batch lastBatch = null;
            long epochStartStep = globalStep;
            PrefetchingBatchStream input = PrefetchingBatchStream.of(data.batches(ts.batchSize(), true,
                    Trainer.epochSeed(ts.seed(), epoch)), prefetch);
            try (BatchStream stream = input) {
                long index = 0;
                while (stream.hasNext()) {
                    Batch b = stream.next();
                    lastBatch = b.size() > 0 ? b : lastBatch;
                    if (index++ < skip) {
                        continue;
                    }
                    if (b.size() > 0) {
                        try {
                            step(b, ts);
                        } catch (TrainingDivergedException ex) {
                            if (store != null) {
                                store.keepGood(ex, ex.step());
                            }
                            throw ex;
                        }
                    }
                    stepInEpoch = index;
                    if (store != null && checkpointEvery > 0 && b.size() > 0 && globalStep % checkpointEvery == 0) {
                        sums = sums.withSeconds(secondsBefore + (System.nanoTime() - t0) / 1e9);
                        store.writeStep(checkpoint(), globalStep);
                    }
                }
            }
            logInput(input, System.nanoTime() - t0);
            if (lastBatch != null) {
                try {
                    pipeline.guard().checkOutputs(model.predict(lastBatch), lastBatch, model.spec().tasks(), globalStep - 1);
                } catch (TrainingDivergedException ex) {
                    if (store != null) {
                        store.keepGood(ex, epochStartStep + 1); // the state at the epoch's start passed this check
                    }
                    throw ex;
                }
            }
            sums = sums.withSeconds(secondsBefore + (System.nanoTime() - t0) / 1e9);
            EpochSummary summary = endEpoch(valid);
            if (valid != null) {
                lastEval = lastEvaluation;
                lastEvalEpoch = epoch;
            }
            if (stopper != null) {
                stopReason = stopper.afterEpoch(lastEval, epoch, model);
                if (stopReason != null) {
                    recorder.stopReason(stopReason);
                }
            }
            int done = summary.epoch();
            epoch = done + 1;
            stepInEpoch = 0;
            sums = Checkpoint.EpochState.zero(tasks.size());
            if (store != null) {
                store.writeEpoch(checkpoint(), done);
            }
        }
        if (stopReason == null) {
            recorder.stopReason("completed " + ts.epochs() + " epochs");
        }
        List<EpochSummary> done = recorder.history().epochs();
        int lastEpoch = done.isEmpty() ? -1 : done.get(done.size() - 1).epoch();
        if (stopper != null && stopper.restoreBest(model, lastEpoch)) {
            lastEval = null;
        }
        Evaluation finalEval = null;
        if (valid != null) {
            finalEval = lastEval != null && lastEvalEpoch == lastEpoch ? lastEval : Evaluator.evaluate(model, valid, metrics);
        }
        TrainingHistory h = recorder.history();
        boolean best = stopper != null && stopper.state().bestEpoch() >= 0;
        TrainingHistory history = new TrainingHistory(h.tasks(), h.epochs(), h.diagnostics(), h.stopReason(),
                best ? stopper.state().bestEpoch() : lastEpoch, best);
        LOG.info("model '{}' = {}: {}", model.spec().name(), history.modelEpochDescription(), history.stopReason());
        updateProvenance(model, ts, source, valid, history, globalStep, inputReadNanos, inputWaitNanos);
        for (TrainingListener l : listeners) {
            l.onEnd(history);
        }
        return new TrainingResult(model, history, finalEval);
    }

    private Evaluation lastEvaluation;

    /** How much of the epoch went to input: read time (on the reader thread with prefetch) and the time the step waited. */
    private void logInput(PrefetchingBatchStream input, long epochNanos) {
        inputReadNanos += input.readNanos();
        inputWaitNanos += input.waitNanos();
        LOG.info("epoch {}: input read {} s, training waited {} s for it, of {} s ({} % waiting; prefetch {} batches)", epoch,
                String.format("%.2f", input.readNanos() / 1e9), String.format("%.2f", input.waitNanos() / 1e9),
                String.format("%.2f", epochNanos / 1e9), String.format("%.1f", 100.0 * input.waitNanos() / Math.max(1, epochNanos)),
                prefetch);
    }

    private void step(Batch batch, TrainingSpec ts) {
        long step = globalStep;
        boolean diagnose = ts.diagnosticsEvery() > 0 && step % ts.diagnosticsEvery() == 0;
        GradientPipeline.Outcome o = pipeline.run(model.step(batch), step, epoch, diagnose);
        if (o.diagnostics() != null) {
            recorder.onDiagnostics(o.diagnostics());
            for (TrainingListener l : listeners) {
                l.onDiagnostics(o.diagnostics());
            }
        }
        model.applyUpdate();
        globalStep++;
        sums = sums.add(o.losses(), o.weights(), batch.size());
        for (TrainingListener l : listeners) {
            l.onStep(step, epoch, batch.size(), o.losses(), o.weights().clone());
        }
    }

    private EpochSummary endEpoch(Dataset valid) {
        Checkpoint.EpochState e = sums;
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
        Map<String, Double> validLoss = Map.of();
        Map<String, Map<String, Double>> validMetrics = Map.of();
        lastEvaluation = null;
        if (valid != null) {
            lastEvaluation = Evaluator.evaluate(model, valid, metrics);
            validLoss = lastEvaluation.losses();
            validMetrics = lastEvaluation.metrics();
        }
        EpochSummary summary = new EpochSummary(epoch, trainLoss, meanWeights, validLoss, validMetrics, e.rows(), e.seconds());
        recorder.onEpochEnd(summary);
        for (TrainingListener l : listeners) {
            l.onEpochEnd(summary);
        }
        return summary;
    }

    private Checkpoint checkpoint() {
        Checkpoint.EpochState e = sums;
        return new Checkpoint(tasks, epoch, stepInEpoch, globalStep, new Checkpoint.EpochState(e.lossSum().clone(),
                e.labelled().clone(), e.weightSum().clone(), e.batches(), e.rows(), e.seconds()),
                stopper == null ? Checkpoint.EarlyStop.NONE : stopper.state(), recorder.history(), pipeline.saveStates(),
                EarlyStopper.state(model));
    }

    private static void updateProvenance(TrainableModel model, TrainingSpec ts, Dataset train, Dataset valid,
            TrainingHistory history, long steps, long inputRead, long inputWait) {
        Provenance p = model.provenance();
        Map<String, String> summary = new LinkedHashMap<>(p == null ? Map.of() : p.summary());
        summary.put("epochs", Integer.toString(history.epochs().size()));
        summary.put("steps", Long.toString(steps));
        summary.put("stopReason", history.stopReason());
        summary.put("inputReadSeconds", String.format(java.util.Locale.ROOT, "%.3f", inputRead / 1e9));
        summary.put("inputWaitSeconds", String.format(java.util.Locale.ROOT, "%.3f", inputWait / 1e9));
        summary.put("modelEpoch", history.modelEpochDescription());
        if (!history.epochs().isEmpty()) {
            EpochSummary last = history.epochs().get(history.epochs().size() - 1);
            last.trainLoss().forEach((k, v) -> summary.put("trainLoss." + k, Double.toString(v)));
        }
        if (p != null) {
            model.setProvenance(p.completed(ts.seed(), train.description(), valid == null ? null : valid.description(), summary));
            return;
        }
        model.setProvenance(Provenance.compiled(model.backendName(), "", Map.of(), ts.seed())
                .completed(ts.seed(), train.description(), valid == null ? null : valid.description(), summary));
    }
}
