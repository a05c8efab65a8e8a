package org.mtl4j.training.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Locale;
import java.util.function.Function;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.backend.TrainableModel;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.metric.Evaluation;
import org.mtl4j.api.metric.Metric;
import org.mtl4j.api.spec.EarlyStopping;
import org.mtl4j.api.spec.ModelSpec;

/**
 * Early stopping ({@link EarlyStopping}): after each epoch's validation, watches the value of its
 * {@link org.mtl4j.training.EarlyStoppingCriterion} (the mean of the non-auxiliary tasks' loss or
 * metric for task {@code "*"}, one task's, or a weighted list of tasks'); keeps the best model state
 * ({@link ModelState}: in memory up to 64 MiB (an eighth of the heap if less), beyond that streamed into a temporary file, so a model
 * whose state outgrows the heap or a Java array still early-stops) and stops after {@code patience}
 * epochs without an improvement larger than {@code minDelta}. Its state travels in checkpoints.
 */
public final class EarlyStopper {
    private final EarlyStopping es;
    private final org.mtl4j.training.EarlyStoppingCriterion criterion;
    private final Function<String, Metric> metrics;
    private Checkpoint.EarlyStop state = Checkpoint.EarlyStop.NONE;

    private EarlyStopper(EarlyStopping es, org.mtl4j.training.EarlyStoppingCriterion criterion, Function<String, Metric> metrics) {
        this.es = es;
        this.criterion = criterion;
        this.metrics = metrics;
    }

    /**
     * The stopper of a run, or null when the spec asks for none; checks that the watched task and
     * metric exist and that there is validation data.
     */
    public static EarlyStopper of(ModelSpec spec, Dataset validation, Function<String, Metric> metrics) {
        EarlyStopping es = spec.training().earlyStopping();
        if (es == null) {
            return null;
        }
        if (validation == null) {
            throw new MtlException("early stopping on " + ("*".equals(es.task()) ? "the mean validation loss"
                    : "task '" + es.task() + "' " + es.metric()) + " needs validation data: pass a validation set or set "
                    + "training.validationFraction > 0");
        }
        return new EarlyStopper(es, org.mtl4j.training.EarlyStoppingCriterion.of(es, spec), metrics);
    }

    public Checkpoint.EarlyStop state() {
        return state;
    }

    public void restore(Checkpoint.EarlyStop s) {
        this.state = s;
    }

    /** Records epoch {@code epoch}'s validation; returns the stop reason, or null to go on. */
    public String afterEpoch(Evaluation eval, int epoch, TrainableModel model) {
        double value = criterion.value(eval);
        boolean higherIsBetter = !"loss".equals(criterion.metric()) && metrics.apply(criterion.metric()).higherIsBetter();
        String what = criterion.description();
        Checkpoint.EarlyStop s = state;
        boolean improved = !Double.isNaN(value) && (s.bestEpoch() < 0
                || (higherIsBetter ? value > s.best() + es.minDelta() : value < s.best() - es.minDelta()));
        if (improved) {
            state = new Checkpoint.EarlyStop(value, epoch, 0, state(model));
            return null;
        }
        state = new Checkpoint.EarlyStop(s.best(), s.bestEpoch(), s.sinceBest() + 1, s.bestState());
        if (state.sinceBest() >= es.patience()) {
            return String.format(Locale.ROOT, "early stopping after epoch %d: %s did not improve for %d epochs (best %.6f at epoch %d)",
                    epoch + 1, what, es.patience(), s.best(), s.bestEpoch() + 1); // numbered from 1 for people
        }
        return null;
    }

    /** Puts the best epoch's state back unless the last epoch was the best; true if it did. */
    public boolean restoreBest(TrainableModel model, int lastEpoch) {
        if (state.bestState() == null || state.bestEpoch() == lastEpoch) {
            return false;
        }
        restoreSnapshot(model, state.bestState());
        return true;
    }

    /** The model's state (parameters and optimiser), in memory or, when large, in a temporary file. */
    public static ModelState state(TrainableModel model) {
        try {
            return ModelState.of(model);
        } catch (IOException e) {
            throw new MtlException("could not snapshot the state of model '" + model.spec().name() + "': " + e.getMessage(), e);
        }
    }

    /** Restores a {@link #state}. */
    public static void restoreSnapshot(TrainableModel model, ModelState state) {
        try {
            state.restore(model);
        } catch (IOException e) {
            throw new MtlException("could not restore the state of model '" + model.spec().name() + "': " + e.getMessage(), e);
        }
    }

    /**
     * The model's state (parameters and optimiser) in one array (what the Spark trainer broadcasts);
     * limited to states below 2 GiB, see {@link #state} for any size.
     */
    public static byte[] snapshot(TrainableModel model) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            model.writeState(buf);
        } catch (IOException e) {
            throw new MtlException("could not snapshot the state of model '" + model.spec().name() + "': " + e.getMessage(), e);
        }
        return buf.toByteArray();
    }
}
