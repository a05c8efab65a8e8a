package org.mtl4j.tasks;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.BatchStream;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.data.Dataset.DenseStats;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.TaskKind;
import org.mtl4j.api.spec.TaskSpec;

/**
 * Standardised regression targets: a regression task trains on z = (y - mean) / sd of its
 * training labels and predicts mean + sd * z, so the model sees targets of unit scale whatever
 * the label's units (ratings 0.5-5: a first MSE of about 1 instead of 14; dwell times in seconds)
 * while every prediction and every evaluated metric stays in the original units.
 *
 * <p>The statistics travel with the model in its dense-statistics map (saved by every backend) under
 * the key {@code label:<task>} ({@link #PREFIX}; a name no input can have). A task without such an
 * entry is not scaled, so models saved before this existed load and predict unchanged.
 *
 * <p>The training loss of a scaled task is therefore in standard units (MSE / sd^2); validation
 * losses and metrics, computed from predictions, are in the label's units.
 */
public final class LabelScaling {
    /** The key prefix of label statistics in a dense-statistics map. */
    public static final String PREFIX = "label:";

    private final double[] shift;
    private final double[] scale;
    private final boolean any;

    private LabelScaling(double[] shift, double[] scale) {
        this.shift = shift;
        this.scale = scale;
        boolean a = false;
        for (int k = 0; k < shift.length; k++) {
            a |= shift[k] != 0 || scale[k] != 1;
        }
        this.any = a;
    }

    /** The scaling of each task of {@code spec} found in {@code stats} (identity for the others). */
    public static LabelScaling of(ModelSpec spec, Map<String, DenseStats> stats) {
        List<TaskSpec> tasks = spec.tasks();
        double[] shift = new double[tasks.size()];
        double[] scale = new double[tasks.size()];
        for (int k = 0; k < tasks.size(); k++) {
            scale[k] = 1;
            DenseStats s = stats == null ? null : stats.get(PREFIX + tasks.get(k).name());
            if (s != null && tasks.get(k).kind() == TaskKind.REGRESSION && s.mean().length == 1 && s.std().length == 1
                    && Double.isFinite(s.mean()[0]) && Double.isFinite(s.std()[0]) && s.std()[0] > 0) {
                shift[k] = s.mean()[0];
                scale[k] = s.std()[0];
            }
        }
        return new LabelScaling(shift, scale);
    }

    /** Whether any task is scaled. */
    public boolean active() {
        return any;
    }

    public double shift(int task) {
        return shift[task];
    }

    public double scale(int task) {
        return scale[task];
    }

    /** The standardised labels of a task (the array itself when the task is not scaled). */
    public float[] standardise(int task, float[] labels) {
        if (shift[task] == 0 && scale[task] == 1) {
            return labels;
        }
        float[] out = new float[labels.length];
        for (int r = 0; r < labels.length; r++) {
            out[r] = (float) ((labels[r] - shift[task]) / scale[task]);
        }
        return out;
    }

    /**
     * The base rate of binary task {@code task} in {@code stats} (the mean of its 0/1 training labels,
     * recorded by {@link #withLabelStats}), or NaN when there is none (a model saved before, raw labels).
     */
    public static double baseRate(String task, Map<String, DenseStats> stats) {
        DenseStats s = stats == null ? null : stats.get(PREFIX + task);
        return s != null && s.mean().length == 1 && s.mean()[0] >= 0 && s.mean()[0] <= 1 ? s.mean()[0] : Double.NaN;
    }

    /**
     * The initial output bias of binary task {@code t}: the logit of its training base
     * rate ({@link #baseRate}), for an ESMM-chained task of the conditional rate rate(task) / rate(parent)
     * (its output is multiplied by the parent's probability; Ma et al., SIGIR 2018), the rate clamped to
     * [1e-4, 1 - 1e-4]. NaN (leave the bias as it is) for a task that is not binary or has no recorded
     * rate. Starting a classifier at the base rate instead of p = 0.5: Lin et al., "Focal Loss for Dense
     * Object Detection", ICCV 2017, section 4.1; He et al., "Practical Lessons from Predicting Clicks on
     * Ads at Facebook", ADKDD 2014. The Tribuo backend starts its binary outputs here; the dl4j
     * backend leaves them at 0 (its README says why: a sequence task is learned later).
     */
    public static double initialLogit(TaskSpec t, Map<String, DenseStats> stats) {
        if (t.kind() != TaskKind.BINARY) {
            return Double.NaN;
        }
        double rate = baseRate(t.name(), stats);
        if (t.chained()) {
            double parent = baseRate(t.chainedAfter(), stats);
            rate = parent > 0 ? rate / parent : Double.NaN;
        }
        if (!Double.isFinite(rate)) {
            return Double.NaN;
        }
        double p = Math.min(1 - 1e-4, Math.max(1e-4, rate));
        return Math.log(p / (1 - p));
    }

    /** A prediction in the label's units from the model's standardised output. */
    public double restore(int task, double z) {
        return shift[task] + scale[task] * z;
    }

    /**
     * {@code stats} plus the label statistics of every regression and binary task of {@code spec} that
     * has none yet, from one streaming pass over {@code train} (mean and population sd over labelled
     * rows, Welford's update). A task whose labels are constant gets sd 1. For a binary task the mean
     * is the base rate: a backend may start the task's output bias at its logit (the Tribuo FM does,
     * {@link #baseRate}); only regression tasks are scaled. Nothing is read when every such task
     * already has its statistics (a model trained further).
     */
    public static Map<String, DenseStats> withLabelStats(ModelSpec spec, Dataset train, Map<String, DenseStats> stats) {
        Map<String, DenseStats> out = new LinkedHashMap<>(stats == null ? Map.of() : stats);
        List<TaskSpec> todo = spec.tasks().stream()
                .filter(t -> (t.kind() == TaskKind.REGRESSION || t.kind() == TaskKind.BINARY)
                        && !out.containsKey(PREFIX + t.name())).toList();
        if (todo.isEmpty()) {
            return out;
        }
        int n = todo.size();
        long[] count = new long[n];
        double[] mean = new double[n];
        double[] m2 = new double[n];
        int batchSize = Math.max(1, Math.min(spec.training().batchSize(), 4096));
        try (BatchStream s = train.batches(batchSize, false, 0L)) {
            while (s.hasNext()) {
                Batch b = s.next();
                for (int i = 0; i < n; i++) {
                    String task = todo.get(i).name();
                    if (!b.hasLabels(task)) {
                        continue;
                    }
                    float[] y = b.labels(task);
                    float[] m = b.mask(task);
                    for (int r = 0; r < b.size(); r++) {
                        if (m[r] == 0f || !Float.isFinite(y[r])) {
                            continue;
                        }
                        count[i]++;
                        double d = y[r] - mean[i];
                        mean[i] += d / count[i];
                        m2[i] += d * (y[r] - mean[i]);
                    }
                }
            }
        }
        for (int i = 0; i < n; i++) {
            if (count[i] == 0) {
                continue;
            }
            double sd = Math.sqrt(Math.max(0, m2[i] / count[i]));
            out.put(PREFIX + todo.get(i).name(), new DenseStats(new double[] {mean[i]}, new double[] {sd > 1e-12 ? sd : 1.0}));
        }
        return out;
    }
}
