package org.mtl4j.tasks;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.metric.Metric;
import org.mtl4j.tasks.metric.Accuracy;
import org.mtl4j.tasks.metric.AtK;
import org.mtl4j.tasks.metric.Auc;
import org.mtl4j.tasks.metric.Calibration;
import org.mtl4j.tasks.metric.Ece;
import org.mtl4j.tasks.metric.Gauc;
import org.mtl4j.tasks.metric.LogLoss;
import org.mtl4j.tasks.metric.Mae;
import org.mtl4j.tasks.metric.Ndcg;
import org.mtl4j.tasks.metric.Recall;
import org.mtl4j.tasks.metric.Rmse;
import org.mtl4j.tasks.metric.TopKAccuracy;

/**
 * The built-in metrics by name, and the parser of metric names as specs write them
 * ({@code auc}, {@code ndcg@10}).
 */
public final class Metrics {
    /** Metrics that take an {@code @k} cut-off. */
    public static final Set<String> WITH_CUTOFF = Set.of("top-k-accuracy", "ndcg", "recall");

    private static final Map<String, Metric> BUILT_IN = builtInMap();

    private Metrics() {
    }

    private static Map<String, Metric> builtInMap() {
        Map<String, Metric> m = new LinkedHashMap<>();
        for (Metric x : new Metric[] {new Auc(), new Gauc(), new LogLoss(), new Rmse(), new Mae(), new Accuracy(),
            new TopKAccuracy(), new Ndcg(), new Recall(), new Calibration(), new Ece()}) {
            m.put(x.name(), x);
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * The built-in metrics keyed by name: auc, gauc, logloss, rmse, mae, accuracy, top-k-accuracy,
     * ndcg, recall, calibration, ece. The metrics are stateless and may be shared.
     */
    public static Map<String, Metric> builtIn() {
        return BUILT_IN;
    }

    /**
     * A built-in metric by the name a spec writes: a plain name, or {@code <name>@<k>} for the
     * cut-off metrics ({@code ndcg@10} is NDCG with k = 10).
     *
     * @throws MtlException naming the metric and listing the known ones when the name is unknown,
     *     or naming the bad cut-off
     */
    public static Metric resolve(String name) {
        return resolve(name, BUILT_IN);
    }

    /** As {@link #resolve(String)}, over any registry of base metrics (built-in and plugins). */
    public static Metric resolve(String name, Map<String, Metric> registry) {
        if (name == null) {
            throw new MtlException("metric name must not be null");
        }
        int at = name.indexOf('@');
        String base = at < 0 ? name : name.substring(0, at);
        Metric m = registry.get(base);
        if (m == null) {
            throw new MtlException("unknown metric \"" + base + "\" (known: " + String.join(", ", new TreeSet<>(registry.keySet())) + ")");
        }
        if (at < 0) {
            return m;
        }
        String kText = name.substring(at + 1);
        if (!WITH_CUTOFF.contains(base) && BUILT_IN.get(base) == m) {
            throw new MtlException("metric \"" + name + "\": " + base + " takes no @k cut-off (metrics with one: "
                    + String.join(", ", new TreeSet<>(WITH_CUTOFF)) + ")");
        }
        int k;
        try {
            k = Integer.parseInt(kText);
        } catch (NumberFormatException e) {
            k = -1;
        }
        if (k <= 0) {
            throw new MtlException("metric \"" + name + "\": k must be a positive integer, found \"" + kText + "\"");
        }
        return new AtK(m, k);
    }

    /** The cut-off written in a metric name ({@code ndcg@10} gives 10), 0 when it has none. */
    public static int cutoff(String name) {
        int at = name.indexOf('@');
        if (at < 0) {
            return 0;
        }
        try {
            return Math.max(0, Integer.parseInt(name.substring(at + 1)));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
