package org.mtl4j.tasks.metric;

import java.util.Arrays;
import org.mtl4j.api.metric.MetricInput;
import org.mtl4j.api.spec.TaskKind;

/**
 * Normalised discounted cumulative gain at k per user (Järvelin &amp; Kekäläinen, ACM TOIS 2002),
 * averaged over users with at least one relevant item (label &gt; 0). Each user's items are ranked by
 * score; DCG@k = sum_{p=1..k} (2^rel_p - 1) / log2(p + 1) (the exponential gain of Burges et al.
 * 2005; equal to rel for 0/1 labels) and NDCG@k = DCG@k / IDCG@k, IDCG being the DCG of the ideal
 * order. Tied scores are handled as McSherry &amp; Najork (ECIR 2008, eq. 5) do: every position of a
 * block of tied items gets the block's mean gain, so the value does not depend on how a sort breaks
 * ties. k = 0 (no {@code @k}) or k larger than a user's list means the whole list. Needs groups.
 */
public final class Ndcg extends PerUserMetric {
    public Ndcg() {
        super("ndcg", TaskKind.BINARY, TaskKind.REGRESSION);
    }

    @Override
    double perUser(MetricInput in, int[] rows) {
        return ndcg(in.labels(), in.scores(), rows, in.k());
    }

    private static double gain(float rel) {
        return rel > 0 ? Math.pow(2, rel) - 1 : 0;
    }

    private static double discount(int position) {
        return 1.0 / (Math.log(position + 2) / Math.log(2));
    }

    /** NDCG of one user's rows; NaN when none is relevant. */
    static double ndcg(float[] labels, float[] scores, int[] rows, int k) {
        int cut = k <= 0 ? rows.length : Math.min(k, rows.length);
        double[] gains = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            gains[i] = gain(labels[rows[i]]);
        }
        double[] ideal = gains.clone();
        Arrays.sort(ideal);
        double idcg = 0;
        for (int p = 0; p < cut; p++) {
            idcg += ideal[ideal.length - 1 - p] * discount(p);
        }
        if (idcg == 0) {
            return Double.NaN;
        }
        Integer[] order = Ranking.byScoreDescending(scores, rows);
        double dcg = 0;
        int i = 0;
        while (i < order.length && i < cut) {
            int j = Ranking.tieBlockEnd(scores, order, i);
            double meanGain = 0;
            for (int t = i; t <= j; t++) {
                meanGain += gain(labels[order[t]]);
            }
            meanGain /= j - i + 1;
            for (int p = i; p <= j && p < cut; p++) {
                dcg += meanGain * discount(p);
            }
            i = j + 1;
        }
        return dcg / idcg;
    }
}
