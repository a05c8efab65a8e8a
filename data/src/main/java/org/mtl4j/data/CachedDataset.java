package org.mtl4j.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.BatchStream;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.data.Feature;
import org.mtl4j.api.data.Vocabulary;

/**
 * A dataset held in memory in columnar form after one pass over another dataset, for data that
 * fits in memory and is read for many epochs (benchmarks, small experiments): parsing happens once,
 * and each epoch is a full seeded shuffle (Fisher-Yates) instead of a bounded buffer. Memory is
 * proportional to the number of rows; use the streaming source itself for data larger than the heap.
 */
public final class CachedDataset implements Dataset {
    private final String description;
    private final Map<String, Vocabulary> vocabularies;
    private final Map<String, DenseStats> denseStats;
    private final Batch all;

    private CachedDataset(String description, Map<String, Vocabulary> vocabularies, Map<String, DenseStats> denseStats,
            Batch all) {
        this.description = description;
        this.vocabularies = Map.copyOf(vocabularies);
        this.denseStats = Map.copyOf(denseStats);
        this.all = all;
    }

    /** Reads {@code source} once, in order, and keeps every row. */
    public static CachedDataset of(Dataset source) {
        List<Batch> parts = new ArrayList<>();
        try (BatchStream s = source.batches(8192, false, 0)) {
            s.forEachRemaining(parts::add);
        }
        return new CachedDataset("cached(" + source.description() + ")", source.vocabularies(), source.denseStats(),
                concat(parts));
    }

    /**
     * A dataset over rows already in columnar form (e.g. converted from another library's examples):
     * {@code rows} holds every row; batches are slices of it, shuffled per epoch like {@link #of(Dataset)}.
     */
    public static CachedDataset of(String description, Batch rows, Map<String, Vocabulary> vocabularies,
            Map<String, DenseStats> denseStats) {
        return new CachedDataset(description, vocabularies, denseStats, rows);
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
        return all.size();
    }

    @Override
    public BatchStream batches(int batchSize, boolean shuffle, long seed) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, found " + batchSize);
        }
        int n = all.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        if (shuffle) {
            SplittableRandom r = new SplittableRandom(seed);
            for (int i = n - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        return new BatchStream() {
            private int at;

            @Override
            public boolean hasNext() {
                return at < n;
            }

            @Override
            public Batch next() {
                if (at >= n) {
                    throw new NoSuchElementException("no more batches in " + description());
                }
                int end = Math.min(n, at + batchSize);
                Batch b = gather(all, order, at, end);
                at = end;
                return b;
            }

            @Override
            public void close() {
                at = n;
            }
        };
    }

    private static Batch concat(List<Batch> parts) {
        int n = 0;
        for (Batch b : parts) {
            n += b.size();
        }
        if (parts.size() == 1) {
            return parts.get(0);
        }
        if (parts.isEmpty()) {
            return new Batch(0, Map.of(), Map.of(), Map.of(), Map.of());
        }
        // concatenation is a gather over the virtual union of the parts
        Batch first = parts.get(0);
        Map<String, Feature> features = new LinkedHashMap<>();
        for (String name : first.features().keySet()) {
            List<Feature> fs = new ArrayList<>();
            for (Batch b : parts) {
                fs.add(b.feature(name));
            }
            features.put(name, concatFeature(fs));
        }
        return new Batch(n, features, concatFloats(parts, Batch::labels), concatFloats(parts, Batch::masks),
                concatFloats(parts, Batch::extras));
    }

    private static Map<String, float[]> concatFloats(List<Batch> parts,
            java.util.function.Function<Batch, Map<String, float[]>> get) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (String k : get.apply(parts.get(0)).keySet()) {
            int len = 0;
            for (Batch b : parts) {
                len += get.apply(b).get(k).length;
            }
            float[] v = new float[len];
            int at = 0;
            for (Batch b : parts) {
                float[] p = get.apply(b).get(k);
                System.arraycopy(p, 0, v, at, p.length);
                at += p.length;
            }
            out.put(k, v);
        }
        return out;
    }

    private static Feature concatFeature(List<Feature> fs) {
        Feature f0 = fs.get(0);
        if (f0 instanceof Feature.Bag) {
            int rows = 0;
            int ids = 0;
            for (Feature f : fs) {
                Feature.Bag b = (Feature.Bag) f;
                rows += b.offsets().length - 1;
                ids += b.ids().length;
            }
            int[] offsets = new int[rows + 1];
            int[] all = new int[ids];
            int r = 0;
            int at = 0;
            for (Feature f : fs) {
                Feature.Bag b = (Feature.Bag) f;
                for (int i = 1; i < b.offsets().length; i++) {
                    offsets[++r] = at + b.offsets()[i];
                }
                System.arraycopy(b.ids(), 0, all, at, b.ids().length);
                at += b.ids().length;
            }
            return new Feature.Bag(offsets, all);
        }
        if (f0 instanceof Feature.Dense d0) {
            return new Feature.Dense(d0.dim(), floats(fs.stream().map(f -> ((Feature.Dense) f).values()).toList()));
        }
        if (f0 instanceof Feature.Image i0) {
            return new Feature.Image(i0.channels(), i0.height(), i0.width(),
                    floats(fs.stream().map(f -> ((Feature.Image) f).pixels()).toList()));
        }
        if (f0 instanceof Feature.Sequence s0) {
            return new Feature.Sequence(s0.maxLength(), ints(fs.stream().map(f -> ((Feature.Sequence) f).ids()).toList()));
        }
        return new Feature.Ids(ints(fs.stream().map(f -> ((Feature.Ids) f).ids()).toList()));
    }

    private static float[] floats(List<float[]> parts) {
        float[] o = new float[parts.stream().mapToInt(a -> a.length).sum()];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, o, at, p.length);
            at += p.length;
        }
        return o;
    }

    private static int[] ints(List<int[]> parts) {
        int[] o = new int[parts.stream().mapToInt(a -> a.length).sum()];
        int at = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, o, at, p.length);
            at += p.length;
        }
        return o;
    }

    /** Rows order[from..to) of {@code all} as a new batch. */
    static Batch gather(Batch all, int[] order, int from, int to) {
        int n = to - from;
        Map<String, Feature> features = new LinkedHashMap<>();
        all.features().forEach((name, f) -> features.put(name, gatherFeature(f, order, from, to)));
        return new Batch(n, features, gatherFloats(all.labels(), order, from, to, 1),
                gatherFloats(all.masks(), order, from, to, 1), gatherFloats(all.extras(), order, from, to, 1));
    }

    private static Map<String, float[]> gatherFloats(Map<String, float[]> m, int[] order, int from, int to, int w) {
        Map<String, float[]> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, gatherRows(v, w, order, from, to)));
        return out;
    }

    private static float[] gatherRows(float[] v, int w, int[] order, int from, int to) {
        float[] o = new float[(to - from) * w];
        for (int r = from; r < to; r++) {
            System.arraycopy(v, order[r] * w, o, (r - from) * w, w);
        }
        return o;
    }

    private static int[] gatherRows(int[] v, int w, int[] order, int from, int to) {
        int[] o = new int[(to - from) * w];
        for (int r = from; r < to; r++) {
            System.arraycopy(v, order[r] * w, o, (r - from) * w, w);
        }
        return o;
    }

    private static Feature gatherFeature(Feature f, int[] order, int from, int to) {
        if (f instanceof Feature.Dense d) {
            return new Feature.Dense(d.dim(), gatherRows(d.values(), d.dim(), order, from, to));
        }
        if (f instanceof Feature.Image im) {
            int w = im.channels() * im.height() * im.width();
            return new Feature.Image(im.channels(), im.height(), im.width(), gatherRows(im.pixels(), w, order, from, to));
        }
        if (f instanceof Feature.Sequence s) {
            return new Feature.Sequence(s.maxLength(), gatherRows(s.ids(), s.maxLength(), order, from, to));
        }
        if (f instanceof Feature.Ids ids) {
            return new Feature.Ids(gatherRows(ids.ids(), 1, order, from, to));
        }
        Feature.Bag b = (Feature.Bag) f;
        int[] offsets = new int[to - from + 1];
        for (int r = from; r < to; r++) {
            int row = order[r];
            offsets[r - from + 1] = offsets[r - from] + b.offsets()[row + 1] - b.offsets()[row];
        }
        int[] ids = new int[offsets[to - from]];
        for (int r = from; r < to; r++) {
            int row = order[r];
            int len = b.offsets()[row + 1] - b.offsets()[row];
            System.arraycopy(b.ids(), b.offsets()[row], ids, offsets[r - from], len);
        }
        return new Feature.Bag(offsets, ids);
    }
}
