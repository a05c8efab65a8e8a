package org.mtl4j.tasks.metric;

import org.mtl4j.api.metric.MetricInput;
import org.mtl4j.api.spec.TaskKind;

/**
 * Fraction of rows predicted right: the arg-max class for multiclass (the first class on tied
 * probabilities), {@code p >= 0.5} means 1 for binary.
 */
public final class Accuracy extends BaseMetric {
    public Accuracy() {
        super("accuracy", true, TaskKind.BINARY, TaskKind.MULTICLASS);
    }

    @Override
    public double compute(MetricInput in) {
        int n = in.size();
        if (n == 0) {
            return Double.NaN;
        }
        int right = 0;
        for (int i = 0; i < n; i++) {
            int predicted = in.kind() == TaskKind.MULTICLASS
                    ? Ranking.argmax(in.scores(), i, in.numClasses())
                    : in.scores()[i] >= 0.5f ? 1 : 0;
            if (predicted == (int) in.labels()[i]) {
                right++;
            }
        }
        return (double) right / n;
    }
}
