package org.mtl4j.tasks.metric;

import org.mtl4j.api.metric.MetricInput;
import org.mtl4j.api.spec.LossKind;
import org.mtl4j.api.spec.TaskKind;
import org.mtl4j.tasks.Losses;

/**
 * Mean negative log-likelihood: -(1/n) sum_i [y_i log p_i + (1 - y_i) log(1 - p_i)] for binary
 * tasks, -(1/n) sum_i log p_i,y_i for multiclass; probabilities are clipped into
 * [{@link Losses#EPS}, 1 - {@link Losses#EPS}] so that a confident mistake costs a large finite value.
 */
public final class LogLoss extends BaseMetric {
    public LogLoss() {
        super("logloss", false, TaskKind.BINARY, TaskKind.MULTICLASS);
    }

    @Override
    public double compute(MetricInput in) {
        int n = in.size();
        if (n == 0) {
            return Double.NaN;
        }
        LossKind loss = in.kind() == TaskKind.MULTICLASS ? LossKind.CROSS_ENTROPY : LossKind.BCE;
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += Losses.rowLoss(loss, in.numClasses(), in.scores(), i, in.labels()[i]);
        }
        return s / n;
    }
}
