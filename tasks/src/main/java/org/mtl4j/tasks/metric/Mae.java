package org.mtl4j.tasks.metric;

import org.mtl4j.api.metric.MetricInput;
import org.mtl4j.api.spec.TaskKind;

/** Mean absolute error (1/n) sum_i |y_i - yhat_i|. */
public final class Mae extends BaseMetric {
    public Mae() {
        super("mae", false, TaskKind.REGRESSION);
    }

    @Override
    public double compute(MetricInput in) {
        int n = in.size();
        if (n == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += Math.abs((double) in.scores()[i] - in.labels()[i]);
        }
        return s / n;
    }
}
