package org.mtl4j.tasks.metric;

import org.mtl4j.api.metric.MetricInput;
import org.mtl4j.api.spec.TaskKind;

/**
 * Fraction of multiclass rows whose true class is among the {@code k} most probable ones. Classes
 * are ranked by probability, ties by class index (as a stable arg-sort would), so the true class is
 * a hit when (classes with a higher probability) + (classes with an equal probability and a lower
 * index) &lt; k. Without {@code @k} it uses k = {@value #DEFAULT_K}; k larger than the number of
 * classes makes every row a hit.
 */
public final class TopKAccuracy extends BaseMetric {
    public static final int DEFAULT_K = 5;

    public TopKAccuracy() {
        super("top-k-accuracy", true, TaskKind.MULTICLASS);
    }

    @Override
    public double compute(MetricInput in) {
        int n = in.size();
        if (n == 0) {
            return Double.NaN;
        }
        int k = in.k() > 0 ? in.k() : DEFAULT_K;
        int width = in.numClasses();
        float[] s = in.scores();
        int hits = 0;
        for (int i = 0; i < n; i++) {
            int y = (int) in.labels()[i];
            float py = s[i * width + y];
            int ahead = 0;
            for (int c = 0; c < width; c++) {
                float pc = s[i * width + c];
                if (pc > py || (pc == py && c < y)) {
                    ahead++;
                }
            }
            if (ahead < k) {
                hits++;
            }
        }
        return (double) hits / n;
    }
}
