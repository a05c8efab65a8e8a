package com.example.mtlplugin;

import org.mtl4j.api.metric.Metric;
import org.mtl4j.api.metric.MetricInput;
import org.mtl4j.api.spec.TaskKind;

/** The Brier score (Brier 1950): mean squared difference between predicted probability and the 0/1 outcome. Lower is better. */
public final class BrierScore implements Metric {
    public static final String NAME = "brier";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean higherIsBetter() {
        return false;
    }

    @Override
    public boolean supports(TaskKind kind) {
        return kind == TaskKind.BINARY;
    }

    @Override
    public double compute(MetricInput in) {
        if (in.size() == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (int i = 0; i < in.size(); i++) {
            double d = in.scores()[i] - in.labels()[i];
            s += d * d;
        }
        return s / in.size();
    }
}
