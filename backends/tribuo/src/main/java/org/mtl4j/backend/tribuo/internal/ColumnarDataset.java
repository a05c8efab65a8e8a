package org.mtl4j.backend.tribuo.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.BatchStream;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.data.Feature;
import org.mtl4j.api.data.Vocabulary;

/**
 * An in-memory dataset held column by column (ids, bags in CSR form, dense floats, labels, masks,
 * extras), batched with an exact row-level shuffle (Fisher-Yates with the epoch's seed). Used for
 * data that arrives from Tribuo ({@code DataSource}, {@code Dataset}) and to hold a streamed dataset
 * in memory when it fits.
 */
public final class ColumnarDataset implements Dataset {
    private final String description;
    private final int rows;
    private final Map<String, Object> features;
    private final Map<String, float[]> labels;
    private final Map<String, float[]> masks;
    private final Map<String, float[]> extras;
    private final Map<String, Vocabulary> vocabularies;
    private final Map<String, DenseStats> denseStats;

    /**
     * @param features per input: {@code int[]} ids, {@code int[][]} {offsets, ids} of a bag, or
     *     {@code float[][]} {values} with the dense dimension given by {@code values.length / rows}
     */
    public ColumnarDataset(String description, int rows, Map<String, Object> features, Map<String, float[]> labels,
            Map<String, float[]> masks, Map<String, float[]> extras, Map<String, Vocabulary> vocabularies,
            Map<String, DenseStats> denseStats) {
        this.description = description;
        this.rows = rows;
        this.features = new LinkedHashMap<>(features);
        this.labels = new LinkedHashMap<>(labels);
        this.masks = new LinkedHashMap<>(masks);
        this.extras = new LinkedHashMap<>(extras);
        this.vocabularies = Map.copyOf(vocabularies);
        this.denseStats = Map.copyOf(denseStats);
    }

    /** Reads one unshuffled pass of {@code source} into memory. */
    public static ColumnarDataset materialize(Dataset source) {
        List<Batch> batches = new ArrayList<>();
        int n = 0;
        try (BatchStream s = source.batches(8192, false, 0)) {
            while (s.hasNext()) {
                Batch b = s.next();
                batches.add(b);
                n += b.size();
            }
        }
        Map<String, Object> feats = new LinkedHashMap<>();
        Map<String, float[]> labels = new LinkedHashMap<>();
        Map<String, float[]> masks = new LinkedHashMap<>();
        Map<String, float[]> extras = new LinkedHashMap<>();
        if (!batches.isEmpty()) {
            Batch first = batches.get(0);
            for (String name : first.features().keySet()) {
                feats.put(name, concatFeature(batches, name, n));
            }
            for (String t : first.labels().keySet()) {
                labels.put(t, concat(batches, b -> b.labels(t), n));
                masks.put(t, concat(batches, b -> b.mask(t), n));
            }
            for (String e : first.extras().keySet()) {
                extras.put(e, concat(batches, b -> b.extras().get(e), n));
            }
        }
        return new ColumnarDataset(source.description(), n, feats, labels, masks, extras, source.vocabularies(),
                source.denseStats());
    }

    private static float[] concat(List<Batch> batches, java.util.function.Function<Batch, float[]> col, int n) {
        float[] out = new float[n];
        int at = 0;
        for (Batch b : batches) {
            float[] c = col.apply(b);
            System.arraycopy(c, 0, out, at, c.length);
            at += c.length;
        }
        return out;
    }

    private static Object concatFeature(List<Batch> batches, String name, int n) {
        Feature f0 = batches.get(0).feature(name);
        if (f0 instanceof Feature.Ids) {
            int[] out = new int[n];
            int at = 0;
            for (Batch b : batches) {
                int[] ids = ((Feature.Ids) b.feature(name)).ids();
                System.arraycopy(ids, 0, out, at, ids.length);
                at += ids.length;
            }
            return out;
        }
        if (f0 instanceof Feature.Dense d0) {
            float[] out = new float[n * d0.dim()];
            int at = 0;
            for (Batch b : batches) {
                float[] v = ((Feature.Dense) b.feature(name)).values();
                System.arraycopy(v, 0, out, at, v.length);
                at += v.length;
            }
            return new float[][] {out};
        }
        if (f0 instanceof Feature.Bag) {
            int total = 0;
            for (Batch b : batches) {
                total += ((Feature.Bag) b.feature(name)).ids().length;
            }
            int[] offsets = new int[n + 1];
            int[] ids = new int[total];
            int row = 0;
            int at = 0;
            for (Batch b : batches) {
                Feature.Bag bag = (Feature.Bag) b.feature(name);
                for (int r = 0; r < b.size(); r++) {
                    offsets[row + r] = at + bag.offsets()[r];
                }
                System.arraycopy(bag.ids(), 0, ids, at, bag.ids().length);
                at += bag.ids().length;
                row += b.size();
            }
            offsets[n] = total;
            return new int[][] {offsets, ids};
        }
        throw new MtlException("tribuo backend: input '" + name + "' holds " + f0.getClass().getSimpleName()
                + ", which an in-memory dataset does not hold (ids, bags and dense values)");
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public Map<String, Vocabulary> vocabularies() {
        return vocabularies;
    }

    @Override
    public Map<String, DenseStats> denseStats() {
        return denseStats;
    }

    @Override
    public long size() {
        return rows;
    }

    @Override
    public BatchStream batches(int batchSize, boolean shuffle, long seed) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, found " + batchSize);
        }
        int[] order = new int[rows];
        for (int i = 0; i < rows; i++) {
            order[i] = i;
        }
        if (shuffle) {
            SplittableRandom rng = new SplittableRandom(seed);
            for (int i = rows - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        return new BatchStream() {
            private int at;

            @Override
            public boolean hasNext() {
                return at < rows;
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int n = Math.min(batchSize, rows - at);
                int[] sel = Arrays.copyOfRange(order, at, at + n);
                at += n;
                return slice(sel);
            }

            @Override
            public void close() {
            }
        };
    }

    private Batch slice(int[] sel) {
        int n = sel.length;
        Map<String, Feature> f = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : features.entrySet()) {
            Object col = e.getValue();
            if (col instanceof int[] ids) {
                int[] out = new int[n];
                for (int i = 0; i < n; i++) {
                    out[i] = ids[sel[i]];
                }
                f.put(e.getKey(), new Feature.Ids(out));
            } else if (col instanceof float[][] dense) {
                float[] v = dense[0];
                int dim = rows == 0 ? 0 : v.length / rows;
                float[] out = new float[n * dim];
                for (int i = 0; i < n; i++) {
                    System.arraycopy(v, sel[i] * dim, out, i * dim, dim);
                }
                f.put(e.getKey(), new Feature.Dense(dim, out));
            } else {
                int[][] bag = (int[][]) col;
                int[] offsets = new int[n + 1];
                int total = 0;
                for (int i = 0; i < n; i++) {
                    total += bag[0][sel[i] + 1] - bag[0][sel[i]];
                }
                int[] ids = new int[total];
                int at = 0;
                for (int i = 0; i < n; i++) {
                    int from = bag[0][sel[i]];
                    int len = bag[0][sel[i] + 1] - from;
                    System.arraycopy(bag[1], from, ids, at, len);
                    at += len;
                    offsets[i + 1] = at;
                }
                f.put(e.getKey(), new Feature.Bag(offsets, ids));
            }
        }
        return new Batch(n, f, pick(labels, sel), pick(masks, sel), pick(extras, sel));
    }

    private static Map<String, float[]> pick(Map<String, float[]> cols, int[] sel) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, float[]> e : cols.entrySet()) {
            float[] c = e.getValue();
            float[] o = new float[sel.length];
            for (int i = 0; i < sel.length; i++) {
                o[i] = c[sel[i]];
            }
            out.put(e.getKey(), o);
        }
        return out;
    }

    @Override
    public String toString() {
        return "ColumnarDataset[" + description + ", " + rows + " rows]";
    }
}
