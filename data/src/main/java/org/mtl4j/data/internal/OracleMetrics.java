package org.mtl4j.data.internal;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mtl4j.api.metric.MetricInput;
import org.mtl4j.api.spec.TaskKind;
import org.mtl4j.tasks.Metrics;

/** AUC and log loss of known true probabilities, computed by the tasks module's metrics. */
public final class OracleMetrics {
    private OracleMetrics() {
    }

    /** {@code auc} and {@code logloss} of the first {@code n} scores against 0/1 labels. */
    public static Map<String, Double> binary(float[] labels, float[] scores, int n) {
        MetricInput in = new MetricInput(TaskKind.BINARY, 1, Arrays.copyOf(labels, n), Arrays.copyOf(scores, n), null, 0);
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("auc", Metrics.resolve("auc").compute(in));
        m.put("logloss", Metrics.resolve("logloss").compute(in));
        return m;
    }
}
