package org.mtl4j.data.internal;

import java.util.Arrays;

/**
 * Draws one of n entities with Zipf-like popularity: entity e has popularity rank {@code rank[e]}
 * (a random permutation, so popularity is unrelated to the id) and probability proportional to
 * (rank + 1)^-exponent. Sampling is a binary search in the cumulative distribution.
 */
public final class ZipfSampler {
    private final double[] cdf;

    public ZipfSampler(int[] rank, double exponent) {
        cdf = new double[rank.length];
        double acc = 0;
        for (int e = 0; e < rank.length; e++) {
            acc += Math.pow(rank[e] + 1.0, -exponent);
            cdf[e] = acc;
        }
        for (int e = 0; e < cdf.length; e++) {
            cdf[e] /= acc;
        }
        cdf[cdf.length - 1] = 1.0;
    }

    public int sample(Rng rng) {
        double u = rng.uniform();
        int i = Arrays.binarySearch(cdf, u);
        i = i >= 0 ? i + 1 : -i - 1;
        return Math.min(i, cdf.length - 1);
    }

    /** Probability of entity e. */
    public double probability(int e) {
        return e == 0 ? cdf[0] : cdf[e] - cdf[e - 1];
    }
}
