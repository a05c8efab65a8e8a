package org.mtl4j.tasks.metric;

import org.mtl4j.api.metric.MetricInput;
import org.mtl4j.api.spec.TaskKind;

/** A ranking metric computed per user (group) and averaged, unweighted, over the users where it is defined. */
abstract class PerUserMetric extends BaseMetric {

    PerUserMetric(String name, TaskKind first, TaskKind... rest) {
        super(name, true, first, rest);
    }

    @Override
    public boolean needsGroups() {
        return true;
    }

    @Override
    public double compute(MetricInput in) {
        double sum = 0;
        int users = 0;
        for (int[] rows : Ranking.groups(in, name())) {
            double v = perUser(in, rows);
            if (!Double.isNaN(v)) {
                sum += v;
                users++;
            }
        }
        return users == 0 ? Double.NaN : sum / users;
    }

    /** The metric of one user's rows; NaN when it is undefined for that user (no relevant item). */
    abstract double perUser(MetricInput in, int[] rows);
}
