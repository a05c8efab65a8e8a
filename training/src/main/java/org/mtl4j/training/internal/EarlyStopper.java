package org.mtl4j.training.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.backend.TrainableModel;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.metric.Evaluation;
import org.mtl4j.api.metric.Metric;
import org.mtl4j.api.spec.EarlyStopping;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.tasks.TaskKinds;

/**
 * Early stopping ({@link EarlyStopping}): after each epoch's validation, watches the mean
 * validation loss of the non-auxiliary tasks (task {@code "*"}), a task's validation loss, or one
 * of its metrics; keeps the best model state in memory and stops after {@code patience} epochs
 * without an improvement larger than {@code minDelta}. Its state travels in checkpoints.
 */
public final class EarlyStopper {
    private final EarlyStopping es;
    private final ModelSpec spec;
    private final Function<String, Metric> metrics;
    private Checkpoint.EarlyStop state = Checkpoint.EarlyStop.NONE;

    private EarlyStopper(EarlyStopping es, ModelSpec spec, Function<String, Metric> metrics) {
        this.es = es;
        this.spec = spec;
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
        if (!"*".equals(es.task())) {
            List<String> tasks = spec.taskNames();
            if (!tasks.contains(es.task())) {
                throw new MtlException("early stopping names task '" + es.task() + "', the model has " + tasks);
            }
            List<String> watched = TaskKinds.metricsOf(spec.task(es.task()).orElseThrow());
            if (!"loss".equals(es.metric()) && !watched.contains(es.metric())) {
                throw new MtlException("early stopping watches " + es.metric() + " of task '" + es.task()
                        + "', which is not among its metrics " + watched + " (or \"loss\")");
            }
        }
        return new EarlyStopper(es, spec, metrics);
    }

    public Checkpoint.EarlyStop state() {
        return state;
    }

    public void restore(Checkpoint.EarlyStop s) {
        this.state = s;
    }

    /** Records epoch {@code epoch}'s validation; returns the stop reason, or null to go on. */
    public String afterEpoch(Evaluation eval, int epoch, TrainableModel model) {
        double value;
        boolean higherIsBetter;
        String what;
        if ("*".equals(es.task())) {
            double sum = 0;
            int n = 0;
            for (TaskSpec t : spec.tasks()) {
                Double l = eval.losses().get(t.name());
                if (!t.auxiliary() && l != null && !l.isNaN()) {
                    sum += l;
                    n++;
                }
            }
            value = n == 0 ? Double.NaN : sum / n;
            higherIsBetter = false;
            what = "the mean validation loss";
        } else if ("loss".equals(es.metric())) {
            value = eval.losses().getOrDefault(es.task(), Double.NaN);
            higherIsBetter = false;
            what = "the validation loss of task '" + es.task() + "'";
        } else {
            value = eval.metric(es.task(), es.metric());
            higherIsBetter = metrics.apply(es.metric()).higherIsBetter();
            what = "validation " + es.metric() + " of task '" + es.task() + "'";
        }
        Checkpoint.EarlyStop s = state;
        boolean improved = !Double.isNaN(value) && (s.bestEpoch() < 0
                || (higherIsBetter ? value > s.best() + es.minDelta() : value < s.best() - es.minDelta()));
        if (improved) {
            state = new Checkpoint.EarlyStop(value, epoch, 0, snapshot(model));
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

    /** The model's state (parameters and optimiser) in memory. */
    public static byte[] snapshot(TrainableModel model) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            model.writeState(buf);
        } catch (IOException e) {
            throw new MtlException("could not snapshot the state of model '" + model.spec().name() + "': " + e.getMessage(), e);
        }
        return buf.toByteArray();
    }

    /** Restores a {@link #snapshot}. */
    public static void restoreSnapshot(TrainableModel model, byte[] state) {
        try {
            model.readState(new ByteArrayInputStream(state));
        } catch (IOException e) {
            throw new MtlException("could not restore the state of model '" + model.spec().name() + "': " + e.getMessage(), e);
        }
    }
}
