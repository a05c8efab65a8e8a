package org.mtl4j.data.internal;

import java.util.SplittableRandom;
import org.mtl4j.api.internal.SplitMix64;

/** A seeded random source with Gaussian draws (Marsaglia's polar method); deterministic per seed. */
public final class Rng {
    private final SplittableRandom r;
    private double spare;
    private boolean hasSpare;

    public Rng(long seed) {
        this.r = new SplittableRandom(seed);
    }

    public double uniform() {
        return r.nextDouble();
    }

    public int nextInt(int bound) {
        return r.nextInt(bound);
    }

    public double gaussian() {
        if (hasSpare) {
            hasSpare = false;
            return spare;
        }
        double u;
        double v;
        double s;
        do {
            u = 2 * r.nextDouble() - 1;
            v = 2 * r.nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double m = Math.sqrt(-2 * Math.log(s) / s);
        spare = v * m;
        hasSpare = true;
        return u * m;
    }

    public double gaussian(double std) {
        return std * gaussian();
    }

    /** A random permutation of 0..n-1 (Fisher-Yates). */
    public int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** A derived seed for an independent stream (SplitMix64 finaliser of seed and salt). */
    public static long derive(long seed, long salt) {
        return SplitMix64.derive(seed, salt);
    }
}
