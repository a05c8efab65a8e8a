package org.mtl4j.api.backend;

import java.util.Map;
import org.mtl4j.api.MtlException;

/**
 * Model outputs for a batch, keyed by output name: each task's name (a probability for binary, n x
 * classes probabilities for multiclass, the value for regression), and for ESMM-chained tasks also
 * {@code <task>.conditional}, the task's own tower probability (pCVR).
 */
public record Predictions(int size, Map<String, float[]> outputs) {
    public Predictions {
        outputs = Map.copyOf(outputs);
    }

    public float[] output(String name) {
        float[] o = outputs.get(name);
        if (o == null) {
            throw new MtlException("no output named '" + name + "' (outputs: " + new java.util.TreeSet<>(outputs.keySet()) + ")");
        }
        return o;
    }
}
