package org.mtl4j.training;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.metric.Evaluation;
import org.mtl4j.api.spec.EarlyStopping;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.tasks.TaskKinds;

/**
 * The value early stopping watches, read from {@link EarlyStopping#task()}:
 * <ul>
 * <li>{@code "*"}: the mean over the non-auxiliary tasks of {@code metric} (the validation loss for
 * {@code "loss"}; for another metric, over the tasks that report it);</li>
 * <li>{@code "ctr"}: that task's {@code metric};</li>
 * <li>{@code "ctr, cvr"} or {@code "ctr:0.7, cvr:0.3"}: the (weighted) mean of those tasks' metric,
 * weights default 1 and normalised to sum 1.</li>
 * </ul>
 * A task whose value is NaN (no labelled validation row) is left out and the weights of the others
 * renormalised; with none left the value is NaN (not an improvement).
 */
public final class EarlyStoppingCriterion {
    private final Map<String, Double> weights;
    private final String metric;
    private final String what;

    private EarlyStoppingCriterion(Map<String, Double> weights, String metric, String what) {
        this.weights = weights;
        this.metric = metric;
        this.what = what;
    }

    /** The tasks watched and their weights (normalised to sum 1). */
    public Map<String, Double> weights() {
        return weights;
    }

    public String metric() {
        return metric;
    }

    /** For messages: "the mean validation loss", "validation auc of task 'ctr'" ... */
    public String description() {
        return what;
    }

    /**
     * Reads the criterion of {@code es} against the tasks of {@code spec}.
     *
     * @throws MtlException naming the unknown task, the bad weight, or the task that does not report the metric
     */
    public static EarlyStoppingCriterion of(EarlyStopping es, ModelSpec spec) {
        String metric = es.metric();
        boolean loss = "loss".equals(metric);
        String text = es.task().strip();
        Map<String, Double> raw = new LinkedHashMap<>();
        if ("*".equals(text)) {
            for (TaskSpec t : spec.tasks()) {
                if (!t.auxiliary() && (loss || TaskKinds.metricsOf(t).contains(metric))) {
                    raw.put(t.name(), 1.0);
                }
            }
            if (raw.isEmpty()) {
                throw new MtlException("early stopping on task \"*\" watches " + metric + ", which no non-auxiliary task reports"
                        + " (tasks: " + spec.taskNames() + "); name the metric of a task, or watch \"loss\"");
            }
            String desc = loss ? "the mean validation loss" : "the mean validation " + metric + " of tasks " + String.join(", ", raw.keySet());
            return new EarlyStoppingCriterion(normalised(raw), metric, desc);
        }
        for (String part : text.split(",")) {
            String p = part.strip();
            String name = p;
            double w = 1.0;
            int colon = p.lastIndexOf(':');
            if (colon >= 0) {
                name = p.substring(0, colon).strip();
                String ws = p.substring(colon + 1).strip();
                try {
                    w = Double.parseDouble(ws);
                } catch (NumberFormatException e) {
                    w = Double.NaN;
                }
                if (!(w > 0) || Double.isInfinite(w)) {
                    throw new MtlException("early stopping task \"" + es.task() + "\": the weight of '" + name
                            + "' must be a positive number, found \"" + ws + "\"");
                }
            }
            TaskSpec t = spec.task(name).orElse(null);
            if (t == null) {
                throw new MtlException("early stopping names task '" + name + "', the model has " + spec.taskNames());
            }
            if (!loss && !TaskKinds.metricsOf(t).contains(metric)) {
                throw new MtlException("early stopping watches " + metric + " of task '" + name + "', which is not among its metrics "
                        + TaskKinds.metricsOf(t) + " (or \"loss\")");
            }
            if (raw.put(name, w) != null) {
                throw new MtlException("early stopping task \"" + es.task() + "\" names task '" + name + "' twice");
            }
        }
        String desc;
        if (raw.size() == 1) {
            String only = raw.keySet().iterator().next();
            desc = loss ? "the validation loss of task '" + only + "'" : "validation " + metric + " of task '" + only + "'";
        } else {
            Map<String, Double> n = normalised(raw);
            List<String> parts = new ArrayList<>();
            n.forEach((k, v) -> parts.add(String.format(Locale.ROOT, "%s %.3g", k, v)));
            desc = "the weighted validation " + metric + " (" + String.join(", ", parts) + ")";
        }
        return new EarlyStoppingCriterion(normalised(raw), metric, desc);
    }

    /** The watched value in an evaluation (NaN when no watched task has a value). */
    public double value(Evaluation eval) {
        double sum = 0;
        double wsum = 0;
        for (Map.Entry<String, Double> e : weights.entrySet()) {
            double v = "loss".equals(metric) ? eval.losses().getOrDefault(e.getKey(), Double.NaN) : eval.metrics().getOrDefault(e.getKey(), Map.of()).getOrDefault(metric, Double.NaN);
            if (!Double.isNaN(v)) {
                sum += e.getValue() * v;
                wsum += e.getValue();
            }
        }
        return wsum == 0 ? Double.NaN : sum / wsum;
    }

    private static Map<String, Double> normalised(Map<String, Double> raw) {
        double s = raw.values().stream().mapToDouble(Double::doubleValue).sum();
        Map<String, Double> out = new LinkedHashMap<>();
        raw.forEach((k, v) -> out.put(k, v / s));
        return java.util.Collections.unmodifiableMap(out);
    }
}
