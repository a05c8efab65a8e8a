package org.mtl4j.tasks;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.mtl4j.api.metric.Evaluation;
import org.mtl4j.api.metric.Metric;

/**
 * The MTL gain of PLE (Tang et al., RecSys 2020, section 5.1.3, table 2: "MTL gain = the metric of
 * the multi-task model minus that of the single-task model"): per task and metric, the multi-task
 * value minus the single-task ({@code independent}) value, signed so that a positive gain is an
 * improvement. For a metric where lower is better (logloss, rmse, ...) the gain is single - mtl;
 * for {@code calibration}, whose ideal is 1, it is |single - 1| - |mtl - 1|. The mean validation
 * loss of each task is reported under the key {@value #LOSS} (lower is better).
 */
public final class MtlGain {
    /** The key of the mean-loss gain in each task's map. */
    public static final String LOSS = "loss";

    private MtlGain() {
    }

    /** The gain of every task and metric present in both evaluations, using the built-in metrics' directions. */
    public static Map<String, Map<String, Double>> compute(Evaluation mtl, Evaluation single) {
        return compute(mtl, single, Metrics::resolve);
    }

    /**
     * As {@link #compute(Evaluation, Evaluation)}, with the metric registry that tells each metric's
     * direction (for plugin metrics).
     */
    public static Map<String, Map<String, Double>> compute(Evaluation mtl, Evaluation single,
            Function<String, Metric> metrics) {
        Map<String, Map<String, Double>> out = new TreeMap<>();
        for (Map.Entry<String, Map<String, Double>> e : mtl.metrics().entrySet()) {
            String task = e.getKey();
            Map<String, Double> base = single.metrics().get(task);
            if (base == null) {
                continue;
            }
            Map<String, Double> gains = new LinkedHashMap<>();
            for (Map.Entry<String, Double> m : e.getValue().entrySet()) {
                Double s = base.get(m.getKey());
                if (s != null) {
                    gains.put(m.getKey(), gain(m.getKey(), m.getValue(), s, metrics));
                }
            }
            Double ml = mtl.losses().get(task);
            Double sl = single.losses().get(task);
            if (ml != null && sl != null) {
                gains.put(LOSS, sl - ml);
            }
            out.put(task, java.util.Collections.unmodifiableMap(gains));
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    /** The signed gain of one metric value over its single-task value. */
    public static double gain(String metric, double mtl, double single, Function<String, Metric> metrics) {
        String base = metric.contains("@") ? metric.substring(0, metric.indexOf('@')) : metric;
        if ("calibration".equals(base)) {
            return Math.abs(single - 1) - Math.abs(mtl - 1);
        }
        if (LOSS.equals(metric)) {
            return single - mtl;
        }
        return metrics.apply(metric).higherIsBetter() ? mtl - single : single - mtl;
    }
}
