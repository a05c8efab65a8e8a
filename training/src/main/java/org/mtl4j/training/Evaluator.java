package org.mtl4j.training;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.backend.Predictions;
import org.mtl4j.api.backend.TrainedModel;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.BatchStream;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.metric.Evaluation;
import org.mtl4j.api.metric.Metric;
import org.mtl4j.api.metric.MetricInput;
import org.mtl4j.api.spec.LossKind;
import org.mtl4j.api.spec.TaskKind;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.tasks.Losses;
import org.mtl4j.tasks.Metrics;
import org.mtl4j.tasks.TaskKinds;

/**
 * Backend-agnostic evaluation: streams a dataset through {@link TrainedModel#predict}, keeps per
 * task the labels and outputs of the rows that have a label for it (the label mask), and computes
 * the task's metrics ({@link TaskSpec#metrics()}, or its kind's defaults) and its mean loss (from
 * the outputs, probabilities clipped as {@link Losses#rowLoss} does).
 *
 * <p>Groups for the per-user metrics (gauc, ndcg, recall) come from the batch extra column
 * {@value #USER_EXTRA}: rows with equal values belong to one user. A dataset that feeds such a
 * metric must carry that extra (e.g. {@code CsvDataset.builder(..).extras("user")}, mapped from the
 * user id column).
 *
 * <p>A chained (ESMM) task is evaluated on its own output (e.g. ctcvr = pCTR x pCVR against the
 * conversion label, over every row). Its conditional output {@code <task>.conditional} (the pCVR)
 * is additionally evaluated with the same metrics over the rows whose parent label is 1 (clicked
 * rows: where the conditional label is defined), reported under the key {@code <task>.conditional}.
 */
public final class Evaluator {
    /** The extra column holding each row's user (group) for per-user metrics. */
    public static final String USER_EXTRA = "user";

    private Evaluator() {
    }

    /** Evaluates with the built-in metrics ({@link Metrics#resolve}). */
    public static Evaluation evaluate(TrainedModel model, Dataset data) {
        return evaluate(model, data, Metrics::resolve);
    }

    /**
     * Evaluates every task of the model on the dataset.
     *
     * @param metrics resolves a metric name as written in a spec (including {@code ndcg@10})
     */
    public static Evaluation evaluate(TrainedModel model, Dataset data, Function<String, Metric> metrics) {
        var spec = model.spec();
        Map<String, Collector> cols = new LinkedHashMap<>();
        Map<String, Metric[]> resolved = new HashMap<>();
        boolean needGroups = false;
        for (TaskSpec t : spec.tasks()) {
            java.util.List<String> names = TaskKinds.metricsOf(t);
            Metric[] ms = new Metric[names.size()];
            for (int i = 0; i < ms.length; i++) {
                ms[i] = metrics.apply(names.get(i));
                if (ms[i] == null) {
                    throw new MtlException("unknown metric \"" + names.get(i) + "\" of task '" + t.name() + "'");
                }
                if (!ms[i].supports(t.kind())) {
                    throw new MtlException("metric '" + names.get(i) + "' of task '" + t.name() + "' does not support "
                            + t.kind().id() + " tasks");
                }
                needGroups |= ms[i].needsGroups();
            }
            resolved.put(t.name(), ms);
            cols.put(t.name(), new Collector(t.outputWidth()));
            if (t.chained()) {
                cols.put(t.name() + TaskSpec.CONDITIONAL_SUFFIX, new Collector(1));
            }
        }
        try (BatchStream stream = data.batches(spec.training().batchSize(), false, spec.training().seed())) {
            while (stream.hasNext()) {
                Batch b = stream.next();
                if (b.size() == 0) {
                    continue;
                }
                float[] users = b.extras().get(USER_EXTRA);
                if (needGroups && users == null) {
                    throw new MtlException("per-user metrics need the user of each row: dataset " + data.description()
                            + " has no \"" + USER_EXTRA + "\" extra column (extras: " + new TreeSet<>(b.extras().keySet()) + ")");
                }
                Predictions p = model.predict(b);
                for (TaskSpec t : spec.tasks()) {
                    if (!b.hasLabels(t.name())) {
                        continue;
                    }
                    float[] labels = b.labels(t.name());
                    float[] mask = b.mask(t.name());
                    cols.get(t.name()).add(t.loss(), p.output(t.name()), labels, mask, users);
                    if (t.chained() && b.hasLabels(t.chainedAfter())) {
                        float[] parent = b.labels(t.chainedAfter());
                        float[] pmask = b.mask(t.chainedAfter());
                        float[] condMask = new float[b.size()];
                        for (int r = 0; r < b.size(); r++) {
                            condMask[r] = mask[r] > 0 && pmask[r] > 0 && parent[r] > 0.5f ? 1f : 0f;
                        }
                        cols.get(t.name() + TaskSpec.CONDITIONAL_SUFFIX).add(LossKind.BCE,
                                p.output(t.name() + TaskSpec.CONDITIONAL_SUFFIX), labels, condMask, users);
                    }
                }
            }
        }
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        Map<String, Double> losses = new HashMap<>();
        Map<String, Long> rows = new HashMap<>();
        for (TaskSpec t : spec.tasks()) {
            Metric[] ms = resolved.get(t.name());
            java.util.List<String> names = TaskKinds.metricsOf(t);
            put(t.name(), t.kind(), t.numClasses(), cols.get(t.name()), ms, names, out, losses, rows);
            if (t.chained()) {
                put(t.name() + TaskSpec.CONDITIONAL_SUFFIX, TaskKind.BINARY, 1,
                        cols.get(t.name() + TaskSpec.CONDITIONAL_SUFFIX), ms, names, out, losses, rows);
            }
        }
        return new Evaluation(out, losses, rows);
    }

    private static void put(String key, TaskKind kind, int classes, Collector c, Metric[] ms, java.util.List<String> names,
            Map<String, Map<String, Double>> out, Map<String, Double> losses, Map<String, Long> rows) {
        float[] labels = Arrays.copyOf(c.labels, c.n);
        float[] scores = Arrays.copyOf(c.scores, c.n * c.width);
        int[] groups = c.hasGroups ? Arrays.copyOf(c.groups, c.n) : null;
        Map<String, Double> values = new LinkedHashMap<>();
        for (int i = 0; i < ms.length; i++) {
            values.put(names.get(i), c.n == 0 ? Double.NaN
                    : ms[i].compute(new MetricInput(kind, classes, labels, scores, groups, Metrics.cutoff(names.get(i)))));
        }
        out.put(key, values);
        losses.put(key, c.n == 0 ? Double.NaN : c.lossSum / c.n);
        rows.put(key, (long) c.n);
    }

    /** Growable columns of one task's labelled rows. */
    private static final class Collector {
        final int width;
        float[] labels = new float[1024];
        float[] scores;
        int[] groups = new int[1024];
        boolean hasGroups = true;
        int n;
        double lossSum;

        Collector(int width) {
            this.width = width;
            this.scores = new float[1024 * width];
        }

        void add(LossKind loss, float[] outputs, float[] y, float[] mask, float[] users) {
            if (users == null) {
                hasGroups = false;
            }
            for (int r = 0; r < y.length; r++) {
                if (mask[r] <= 0) {
                    continue;
                }
                if (n == labels.length) {
                    labels = Arrays.copyOf(labels, n * 2);
                    groups = Arrays.copyOf(groups, n * 2);
                    scores = Arrays.copyOf(scores, n * 2 * width);
                }
                labels[n] = y[r];
                System.arraycopy(outputs, r * width, scores, n * width, width);
                groups[n] = users == null ? 0 : Float.floatToIntBits(users[r]);
                lossSum += Losses.rowLoss(loss, width, outputs, r, y[r]);
                n++;
            }
        }
    }
}
