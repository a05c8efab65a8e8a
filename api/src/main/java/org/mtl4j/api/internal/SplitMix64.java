package org.mtl4j.api.internal;

/**
 * SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014;
 * the finaliser of Java's {@code SplittableRandom}): the one place mtl4j derives independent seeds
 * and hashes row indices (epoch shuffles, hold-out splits, generators' streams).
 */
public final class SplitMix64 {
    /** The golden-ratio increment, 2^64 / phi. */
    public static final long GAMMA = 0x9E3779B97F4A7C15L;

    private SplitMix64() {
    }

    /** The finaliser: a bijective 64-bit mix with full avalanche. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The {@code index}-th output of the SplitMix64 stream started at {@code seed}: {@code mix(seed + GAMMA * index)}. */
    public static long at(long seed, long index) {
        return mix(seed + GAMMA * index);
    }

    /** A derived seed for an independent stream: the {@code salt + 1}-th output of the stream at {@code seed}. */
    public static long derive(long seed, long salt) {
        return at(seed, salt + 1);
    }

    /** A uniform double in [0, 1) from the 53 high bits of {@code z}. */
    public static double unit(long z) {
        return (z >>> 11) * 0x1.0p-53;
    }
}
