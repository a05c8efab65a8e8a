package org.mtl4j.spark.internal;

import java.io.Serializable;

/**
 * Count, mean and sum of squared deviations of several columns, updated row by row (Welford) and
 * merged across partitions (Chan, Golub and LeVeque, "Algorithms for computing the sample variance",
 * 1983: delta = mean_b - mean_a; M2 = M2_a + M2_b + delta^2 n_a n_b / n), so the statistics of a
 * DataFrame are one Spark aggregation, not rows collected to the driver.
 */
public final class Moments implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long[] n;
    private final double[] mean;
    private final double[] m2;

    public Moments(int columns) {
        this.n = new long[columns];
        this.mean = new double[columns];
        this.m2 = new double[columns];
    }

    public void add(int column, double v) {
        n[column]++;
        double d = v - mean[column];
        mean[column] += d / n[column];
        m2[column] += d * (v - mean[column]);
    }

    public Moments merge(Moments o) {
        for (int c = 0; c < n.length; c++) {
            long total = n[c] + o.n[c];
            if (o.n[c] == 0) {
                continue;
            }
            if (n[c] == 0) {
                n[c] = o.n[c];
                mean[c] = o.mean[c];
                m2[c] = o.m2[c];
                continue;
            }
            double delta = o.mean[c] - mean[c];
            mean[c] += delta * o.n[c] / total;
            m2[c] += o.m2[c] + delta * delta * ((double) n[c] * o.n[c] / total);
            n[c] = total;
        }
        return this;
    }

    public long count(int column) {
        return n[column];
    }

    public double mean(int column) {
        return mean[column];
    }

    /** Population standard deviation, or {@code fallback} below {@code minVariance} (a constant column). */
    public double std(int column, double minVariance, double fallback) {
        double var = n[column] == 0 ? 0 : Math.max(0, m2[column] / n[column]);
        return var > minVariance ? Math.sqrt(var) : fallback;
    }
}
