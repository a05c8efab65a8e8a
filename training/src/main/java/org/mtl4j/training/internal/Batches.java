package org.mtl4j.training.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.Feature;

/** Builds a batch from rows picked out of other batches (for hold-out splits and row shuffling). */
public final class Batches {
    private Batches() {
    }

    /**
     * A batch of {@code n} rows, row i being row {@code rows[i]} of {@code sources.get(src[i])}.
     * Every source must carry the same features, labels, masks and extras.
     */
    public static Batch gather(List<Batch> sources, int[] src, int[] rows, int n) {
        Batch first = sources.get(src.length == 0 || n == 0 ? 0 : src[0]);
        Map<String, Feature> features = new HashMap<>();
        for (Map.Entry<String, Feature> e : first.features().entrySet()) {
            features.put(e.getKey(), gatherFeature(e.getKey(), e.getValue(), sources, src, rows, n));
        }
        Map<String, float[]> labels = gatherColumns(first.labels().keySet(), sources, src, rows, n, Batch::labels);
        Map<String, float[]> masks = gatherColumns(first.masks().keySet(), sources, src, rows, n, Batch::masks);
        Map<String, float[]> extras = gatherColumns(first.extras().keySet(), sources, src, rows, n, Batch::extras);
        return new Batch(n, features, labels, masks, extras);
    }

    private static Map<String, float[]> gatherColumns(java.util.Set<String> keys, List<Batch> sources, int[] src,
            int[] rows, int n, java.util.function.Function<Batch, Map<String, float[]>> get) {
        Map<String, float[]> out = new HashMap<>();
        for (String k : keys) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = get.apply(sources.get(src[i])).get(k)[rows[i]];
            }
            out.put(k, v);
        }
        return out;
    }

    private static Feature gatherFeature(String name, Feature f, List<Batch> sources, int[] src, int[] rows, int n) {
        if (f instanceof Feature.Dense d) {
            int dim = d.dim();
            float[] v = new float[n * dim];
            for (int i = 0; i < n; i++) {
                Feature.Dense s = (Feature.Dense) sources.get(src[i]).feature(name);
                System.arraycopy(s.values(), rows[i] * dim, v, i * dim, dim);
            }
            return new Feature.Dense(dim, v);
        }
        if (f instanceof Feature.Ids) {
            int[] v = new int[n];
            for (int i = 0; i < n; i++) {
                v[i] = ((Feature.Ids) sources.get(src[i]).feature(name)).ids()[rows[i]];
            }
            return new Feature.Ids(v);
        }
        if (f instanceof Feature.Bag) {
            int[] offsets = new int[n + 1];
            int total = 0;
            for (int i = 0; i < n; i++) {
                Feature.Bag s = (Feature.Bag) sources.get(src[i]).feature(name);
                total += s.offsets()[rows[i] + 1] - s.offsets()[rows[i]];
                offsets[i + 1] = total;
            }
            int[] ids = new int[total];
            for (int i = 0; i < n; i++) {
                Feature.Bag s = (Feature.Bag) sources.get(src[i]).feature(name);
                int from = s.offsets()[rows[i]];
                System.arraycopy(s.ids(), from, ids, offsets[i], offsets[i + 1] - offsets[i]);
            }
            return new Feature.Bag(offsets, ids);
        }
        if (f instanceof Feature.Sequence sq) {
            int len = sq.maxLength();
            int[] v = new int[n * len];
            for (int i = 0; i < n; i++) {
                Feature.Sequence s = (Feature.Sequence) sources.get(src[i]).feature(name);
                System.arraycopy(s.ids(), rows[i] * len, v, i * len, len);
            }
            return new Feature.Sequence(len, v);
        }
        Feature.Image im = (Feature.Image) f;
        int size = im.channels() * im.height() * im.width();
        float[] v = new float[n * size];
        for (int i = 0; i < n; i++) {
            Feature.Image s = (Feature.Image) sources.get(src[i]).feature(name);
            System.arraycopy(s.pixels(), rows[i] * size, v, i * size, size);
        }
        return new Feature.Image(im.channels(), im.height(), im.width(), v);
    }
}
