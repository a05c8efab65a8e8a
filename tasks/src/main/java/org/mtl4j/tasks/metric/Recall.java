package org.mtl4j.tasks.metric;

import org.mtl4j.api.metric.MetricInput;
import org.mtl4j.api.spec.TaskKind;

/**
 * Recall at k per user: the share of the user's relevant items (label &gt; 0) found among the k
 * highest-scored ones, averaged over users with at least one relevant item. A block of tied scores
 * that straddles the cut-off counts its expected number of hits (relevant items in the block times
 * the share of the block inside the top k), as in McSherry &amp; Najork's tie-aware measures (ECIR 2008).
 * k = 0 (no {@code @k}) or k larger than a user's list means the whole list. Needs groups.
 */
public final class Recall extends PerUserMetric {
    public Recall() {
        super("recall", TaskKind.BINARY, TaskKind.REGRESSION);
    }

    @Override
    double perUser(MetricInput in, int[] rows) {
        float[] labels = in.labels();
        float[] scores = in.scores();
        int relevant = 0;
        for (int r : rows) {
            if (labels[r] > 0) {
                relevant++;
            }
        }
        if (relevant == 0) {
            return Double.NaN;
        }
        int cut = in.k() <= 0 ? rows.length : Math.min(in.k(), rows.length);
        Integer[] order = Ranking.byScoreDescending(scores, rows);
        double hits = 0;
        int i = 0;
        while (i < order.length && i < cut) {
            int j = Ranking.tieBlockEnd(scores, order, i);
            int relInBlock = 0;
            for (int t = i; t <= j; t++) {
                if (labels[order[t]] > 0) {
                    relInBlock++;
                }
            }
            int inside = Math.min(j + 1, cut) - i;
            hits += relInBlock * (double) inside / (j - i + 1);
            i = j + 1;
        }
        return hits / relevant;
    }
}
