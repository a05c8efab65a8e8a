package org.mtl4j.backend.dl4j.internal.encoders;

import java.util.HashMap;
import java.util.Map;

/**
 * The features of a frozen network by input row: each distinct row (its floats, keyed by two
 * independent 64-bit hashes, so the key holds 16 bytes instead of the pixels; a collision has
 * probability about n^2 / 2^129) is run through the network once and reused in every later batch
 * and epoch. At most {@value #MAX_ROWS} rows are kept; rows beyond that are computed every time.
 * Thread-safe: the data-parallel workers and prediction replicas of one model share it.
 */
final class FeatureCache {
    static final int MAX_ROWS = 1 << 20;
    private final Map<Key, float[]> rows = new HashMap<>();
    private long hits;
    private long misses;

    record Key(long a, long b) {
    }

    /** The key of {@code data[from, from + n)}. */
    static Key key(float[] data, int from, int n) {
        long a = 0xcbf29ce484222325L;
        long b = 0x9E3779B97F4A7C15L;
        for (int i = from; i < from + n; i++) {
            int bits = Float.floatToIntBits(data[i]);
            a = (a ^ bits) * 0x100000001b3L;
            b = Long.rotateLeft(b + bits * 0xC2B2AE3D27D4EB4FL, 31) * 0x9E3779B97F4A7C15L;
        }
        return new Key(a, b ^ n);
    }

    synchronized float[] get(Key k) {
        float[] f = rows.get(k);
        if (f == null) {
            misses++;
        } else {
            hits++;
        }
        return f;
    }

    synchronized void put(Key k, float[] features) {
        if (rows.size() < MAX_ROWS) {
            rows.put(k, features);
        }
    }

    synchronized int size() {
        return rows.size();
    }

    /** Rows served from the cache / computed, since the model was built (tests, diagnostics). */
    synchronized long[] hitsAndMisses() {
        return new long[] {hits, misses};
    }
}
