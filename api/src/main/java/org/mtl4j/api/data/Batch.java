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
}
