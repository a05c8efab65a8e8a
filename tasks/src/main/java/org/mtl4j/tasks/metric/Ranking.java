package org.mtl4j.tasks.metric;

import java.util.Arrays;
import java.util.Comparator;
import org.mtl4j.api.metric.MetricInput;

/** Sorting and grouping helpers shared by the rank-based metrics. */
final class Ranking {
    private Ranking() {
    }

    /** Row indices sorted by score, descending; ties keep row order (stable). */
    static Integer[] byScoreDescending(float[] scores, int[] rows) {
        Integer[] idx = new Integer[rows.length];
        for (int i = 0; i < rows.length; i++) {
            idx[i] = rows[i];
        }
        Arrays.sort(idx, Comparator.comparingDouble((Integer r) -> -scores[r]));
        return idx;
    }

    /** The last position of the block of equal scores that starts at position {@code i} of {@code order}. */
    static int tieBlockEnd(float[] scores, Integer[] order, int i) {
        int j = i;
        while (j + 1 < order.length && scores[order[j + 1]] == scores[order[i]]) {
            j++;
        }
        return j;
    }

    /**
     * The Mann-Whitney AUC over the given rows (Hanley &amp; McNeil 1982): (R+ - n+(n+ + 1)/2) / (n+ n-),
     * with R+ the sum of the positives' ranks in ascending score order, tied scores sharing the
     * average of their ranks (so a tie between a positive and a negative counts 1/2).
     *
     * @return NaN when the rows hold a single class
     */
    static double auc(float[] labels, float[] scores, int[] rows) {
        Integer[] idx = new Integer[rows.length];
        for (int i = 0; i < rows.length; i++) {
            idx[i] = rows[i];
        }
        Arrays.sort(idx, Comparator.comparingDouble((Integer r) -> scores[r]));
        long pos = 0;
        double rankSumPos = 0;
        int i = 0;
        while (i < idx.length) {
            int j = tieBlockEnd(scores, idx, i);
            double avgRank = (i + 1 + j + 1) / 2.0;
            for (int t = i; t <= j; t++) {
                if (labels[idx[t]] > 0.5f) {
                    pos++;
                    rankSumPos += avgRank;
                }
            }
            i = j + 1;
        }
        long neg = idx.length - pos;
        if (pos == 0 || neg == 0) {
            return Double.NaN;
        }
        return (rankSumPos - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }

    static int[] allRows(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }

    /** Rows split by group key, groups in ascending key order, rows in input order within a group. */
    static int[][] groups(MetricInput in, String metric) {
        int[] g = in.groups();
        if (g == null) {
            throw new IllegalArgumentException("metric '" + metric
                    + "' needs groups (the user of each row), found none: give the dataset a \"user\" extra column");
        }
        if (g.length != in.size()) {
            throw new IllegalArgumentException("metric '" + metric + "' got " + g.length + " group keys for "
                    + in.size() + " rows");
        }
        Integer[] idx = new Integer[g.length];
        for (int i = 0; i < g.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, Comparator.comparingInt((Integer r) -> g[r]));
        java.util.List<int[]> out = new java.util.ArrayList<>();
        int i = 0;
        while (i < idx.length) {
            int j = i;
            while (j < idx.length && g[idx[j]] == g[idx[i]]) {
                j++;
            }
            int[] rows = new int[j - i];
            for (int t = i; t < j; t++) {
                rows[t - i] = idx[t];
            }
            out.add(rows);
            i = j;
        }
        return out.toArray(new int[0][]);
    }

    /** Index of the largest of {@code width} scores at row r (first one on ties). */
    static int argmax(float[] scores, int row, int width) {
        int best = 0;
        int off = row * width;
        for (int c = 1; c < width; c++) {
            if (scores[off + c] > scores[off + best]) {
                best = c;
            }
        }
        return best;
    }
}
