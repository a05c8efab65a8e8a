package org.mtl4j.tasks.metric;

import org.mtl4j.api.metric.MetricInput;
import org.mtl4j.api.spec.TaskKind;

/**
 * Calibration ratio: mean prediction over mean label, sum_i p_i / sum_i y_i (the "predicted /
 * observed" ratio reported for CTR models, e.g. He et al., ADKDD 2014, section 2.2). 1 is perfect;
 * above 1 over-predicts. Neither higher nor lower is better: {@link #higherIsBetter()} is false and
 * {@link org.mtl4j.tasks.MtlGain} scores it by its distance to 1. NaN when no label is positive.
 */
public final class Calibration extends BaseMetric {
    public Calibration() {
        super("calibration", false, TaskKind.BINARY, TaskKind.REGRESSION);
    }

    @Override
    public double compute(MetricInput in) {
        double p = 0;
        double y = 0;
        for (int i = 0; i < in.size(); i++) {
            p += in.scores()[i];
            y += in.labels()[i];
        }
        return y == 0 ? Double.NaN : p / y;
    }
}
