package org.mtl4j.tasks.metric;

import org.mtl4j.api.metric.MetricInput;
import org.mtl4j.api.spec.TaskKind;

/** Root mean squared error sqrt((1/n) sum_i (y_i - yhat_i)^2). */
public final class Rmse extends BaseMetric {
    public Rmse() {
        super("rmse", false, TaskKind.REGRESSION);
    }

    @Override
    public double compute(MetricInput in) {
        int n = in.size();
        if (n == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (int i = 0; i < n; i++) {
            double r = (double) in.scores()[i] - in.labels()[i];
            s += r * r;
        }
        return Math.sqrt(s / n);
    }
}
