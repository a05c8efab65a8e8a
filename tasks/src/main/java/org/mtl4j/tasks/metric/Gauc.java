package org.mtl4j.tasks.metric;

import org.mtl4j.api.metric.MetricInput;
import org.mtl4j.api.spec.TaskKind;

/**
 * Group AUC (Zhou et al., "Deep Interest Network", KDD 2018, eq. 8): the AUC of each user's rows,
 * averaged with the user's impression count as weight, GAUC = sum_u n_u AUC_u / sum_u n_u. Users
 * whose rows hold a single class have no AUC and are skipped (weight and all). NaN when every user
 * is skipped. Needs groups.
 */
public final class Gauc extends BaseMetric {
    public Gauc() {
        super("gauc", true, TaskKind.BINARY);
    }

    @Override
    public boolean needsGroups() {
        return true;
    }

    @Override
    public double compute(MetricInput in) {
        double num = 0;
        double den = 0;
        for (int[] rows : Ranking.groups(in, name())) {
            double auc = Ranking.auc(in.labels(), in.scores(), rows);
            if (!Double.isNaN(auc)) {
                num += rows.length * auc;
                den += rows.length;
            }
        }
        return den == 0 ? Double.NaN : num / den;
    }
}
