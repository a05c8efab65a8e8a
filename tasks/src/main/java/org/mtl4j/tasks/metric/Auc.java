package org.mtl4j.tasks.metric;

import org.mtl4j.api.metric.MetricInput;
import org.mtl4j.api.spec.TaskKind;

/**
 * Area under the ROC curve of a binary task, tie-aware: the Mann-Whitney U statistic with average
 * ranks for tied scores (Hanley &amp; McNeil, Radiology 1982, eq. 2), i.e. the probability that a random
 * positive scores above a random negative, a tie counting 1/2. NaN on a single class.
 */
public final class Auc extends BaseMetric {
    public Auc() {
        super("auc", true, TaskKind.BINARY);
    }

    @Override
    public double compute(MetricInput in) {
        return Ranking.auc(in.labels(), in.scores(), Ranking.allRows(in.size()));
    }
}
