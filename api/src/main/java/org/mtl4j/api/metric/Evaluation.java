package org.mtl4j.api.metric;

import java.util.Map;
import java.util.TreeMap;

/**
 * Metric values per task: {@code metrics.get(task).get(metric)}, plus the mean loss per task and
 * the number of labelled rows each was computed on.
 */
public record Evaluation(Map<String, Map<String, Double>> metrics, Map<String, Double> losses, Map<String, Long> rows) {
    public Evaluation {
        Map<String, Map<String, Double>> m = new TreeMap<>();
        metrics.forEach((k, v) -> m.put(k, java.util.Collections.unmodifiableMap(new TreeMap<>(v))));
        metrics = java.util.Collections.unmodifiableMap(m);
        losses = Map.copyOf(losses);
        rows = Map.copyOf(rows);
    }

    public double metric(String task, String metric) {
        Map<String, Double> t = metrics.get(task);
        if (t == null || !t.containsKey(metric)) {
            throw new IllegalArgumentException("no metric '" + metric + "' for task '" + task + "' (have: " + metrics + ")");
        }
        return t.get(metric);
    }
}
