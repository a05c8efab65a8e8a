package org.mtl4j.data.internal;

import java.util.Arrays;

/**
 * AUC (Mann-Whitney with average ranks for ties) and log loss, for the generators' oracle numbers.
 * Kept local so that the data module does not depend on the metric registry's wiring.
 */
public final class BinaryMetrics {
    private BinaryMetrics() {
    }

    /** ROC AUC of scores against 0/1 labels; NaN when only one class is present. */
    public static double auc(float[] labels, float[] scores, int n) {
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Float.compare(scores[a], scores[b]));
        double rankSumPos = 0;
        long pos = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && scores[idx[j + 1]] == scores[idx[i]]) {
                j++;
            }
            double avgRank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (labels[idx[k]] > 0.5f) {
                    rankSumPos += avgRank;
                    pos++;
                }
            }
            i = j + 1;
        }
        long neg = n - pos;
        if (pos == 0 || neg == 0) {
            return Double.NaN;
        }
        return (rankSumPos - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }

    /** Mean binary cross-entropy with probabilities clipped to [1e-12, 1 - 1e-12]. */
    public static double logloss(float[] labels, float[] p, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            double q = Math.min(1 - 1e-12, Math.max(1e-12, p[i]));
            s += labels[i] > 0.5f ? -Math.log(q) : -Math.log(1 - q);
        }
        return s / n;
    }
}
