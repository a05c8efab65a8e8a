package org.mtl4j.api.data;

import java.util.Map;
import org.mtl4j.api.MtlException;

/**
 * A columnar batch of {@code size} rows: one {@link Feature} per input, and per task the labels and
 * a label mask (1 where the row has a label for that task, 0 where the cell was empty).
 *
 * <p>Labels are floats: 0/1 for binary, the class index for multiclass, the value for regression.
 * {@code extras} carries pass-through numeric columns (a user id for GAUC, a known true probability
 * for oracle metrics); it is never fed to a model.
 */
public record Batch(int size, Map<String, Feature> features, Map<String, float[]> labels, Map<String, float[]> masks,
        Map<String, float[]> extras) {

    public Batch {
        if (size < 0) {
            throw new IllegalArgumentException("batch size must be >= 0, found " + size);
        }
        features = Map.copyOf(features);
        labels = Map.copyOf(labels == null ? Map.of() : labels);
        masks = Map.copyOf(masks == null ? Map.of() : masks);
        extras = Map.copyOf(extras == null ? Map.of() : extras);
    }

    public Feature feature(String input) {
        Feature f = features.get(input);
        if (f == null) {
            throw new MtlException("batch has no feature for input '" + input + "' (has: " + features.keySet() + ")");
        }
        return f;
    }

    public float[] labels(String task) {
        float[] l = labels.get(task);
        if (l == null) {
            throw new MtlException("batch has no labels for task '" + task + "' (has: " + labels.keySet() + ")");
        }
        return l;
    }

    /** The label mask of a task; all ones when the source had no empty cells. */
    public float[] mask(String task) {
        float[] m = masks.get(task);
        if (m != null) {
            return m;
        }
        float[] ones = new float[size];
        java.util.Arrays.fill(ones, 1f);
        return ones;
    }

    public boolean hasLabels(String task) {
        return labels.containsKey(task);
    }

    /**
     * Rows {@code [from, to)} of this batch as a batch of their own (copies of those rows): the shard
     * of a data-parallel worker.
     */
    public Batch rows(int from, int to) {
        if (from < 0 || to > size || from > to) {
            throw new IllegalArgumentException("rows [" + from + ", " + to + ") of a batch of " + size);
        }
        if (from == 0 && to == size) {
            return this;
        }
        Map<String, Feature> f = new java.util.HashMap<>();
        features.forEach((k, v) -> f.put(k, slice(v, from, to)));
        return new Batch(to - from, f, columns(labels, from, to), columns(masks, from, to), columns(extras, from, to));
    }

    private static Map<String, float[]> columns(Map<String, float[]> m, int from, int to) {
        Map<String, float[]> out = new java.util.HashMap<>();
        m.forEach((k, v) -> out.put(k, java.util.Arrays.copyOfRange(v, from, to)));
        return out;
    }

    private static Feature slice(Feature f, int from, int to) {
        if (f instanceof Feature.Dense d) {
            return new Feature.Dense(d.dim(), java.util.Arrays.copyOfRange(d.values(), from * d.dim(), to * d.dim()));
        }
        if (f instanceof Feature.Ids i) {
            return new Feature.Ids(java.util.Arrays.copyOfRange(i.ids(), from, to));
        }
        if (f instanceof Feature.Bag b) {
            int base = b.offsets()[from];
            int[] offsets = new int[to - from + 1];
            for (int r = 0; r <= to - from; r++) {
                offsets[r] = b.offsets()[from + r] - base;
            }
            return new Feature.Bag(offsets, java.util.Arrays.copyOfRange(b.ids(), base, b.offsets()[to]));
        }
        if (f instanceof Feature.Sequence s) {
            return new Feature.Sequence(s.maxLength(), java.util.Arrays.copyOfRange(s.ids(), from * s.maxLength(), to * s.maxLength()));
        }
        Feature.Image im = (Feature.Image) f;
        int size = im.channels() * im.height() * im.width();
        return new Feature.Image(im.channels(), im.height(), im.width(), java.util.Arrays.copyOfRange(im.pixels(), from * size,
                to * size));
    }
}
