package org.mtl4j.training.testmodel;

import java.util.HashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.BatchStream;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.data.Feature;
import org.mtl4j.api.data.Vocabulary;

/**
 * An in-memory dataset of one dense input: rows x dim features, labels (and optional masks and
 * extras) per column name. Shuffling is a Fisher-Yates permutation drawn from {@code new Random(seed)},
 * so the same seed gives the same batches.
 */
public final class ArrayDataset implements Dataset {
    private final String input;
    private final int dim;
    private final float[] x;
    private final int n;
    private final Map<String, float[]> labels;
    private final Map<String, float[]> masks;
    private final Map<String, float[]> extras;

    public ArrayDataset(String input, int dim, float[] x, Map<String, float[]> labels, Map<String, float[]> masks,
            Map<String, float[]> extras) {
        this.input = input;
        this.dim = dim;
        this.x = x;
        this.n = x.length / dim;
        this.labels = Map.copyOf(labels);
        this.masks = Map.copyOf(masks);
        this.extras = Map.copyOf(extras);
    }

    @Override
    public String description() {
        return "array dataset (" + n + " rows)";
    }

    @Override
    public Map<String, Vocabulary> vocabularies() {
        return Map.of();
    }

    @Override
    public long size() {
        return n;
    }

    @Override
    public BatchStream batches(int batchSize, boolean shuffle, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        if (shuffle) {
            Random rnd = new Random(seed);
            for (int i = n - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        return new BatchStream() {
            private int pos;

            @Override
            public boolean hasNext() {
                return pos < n;
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int size = Math.min(batchSize, n - pos);
                float[] v = new float[size * dim];
                for (int r = 0; r < size; r++) {
                    System.arraycopy(x, order[pos + r] * dim, v, r * dim, dim);
                }
                Batch b = new Batch(size, Map.of(input, new Feature.Dense(dim, v)), pick(labels, size), pick(masks, size),
                        pick(extras, size));
                pos += size;
                return b;
            }

            private Map<String, float[]> pick(Map<String, float[]> cols, int size) {
                Map<String, float[]> out = new HashMap<>();
                cols.forEach((k, col) -> {
                    float[] c = new float[size];
                    for (int r = 0; r < size; r++) {
                        c[r] = col[order[pos + r]];
                    }
                    out.put(k, c);
                });
                return out;
            }

            @Override
            public void close() {
            }
        };
    }
}
