package org.mtl4j.serving;

import java.util.List;
import java.util.Map;
import org.mtl4j.api.MtlException;

/**
 * The answer to one request: per output ({@link Predictor.Output}) the candidates' values, row-major
 * ({@code size x width} floats: one per candidate, or one per class for a multiclass task), and the
 * version of the model that computed them.
 */
public record Scores(String modelVersion, int size, List<Predictor.Output> outputs, Map<String, float[]> values) {
    public Scores {
        outputs = List.copyOf(outputs);
        values = Map.copyOf(values);
    }

    /** The values of one output for every candidate ({@code size x width}). */
    public float[] values(String output) {
        float[] v = values.get(output);
        if (v == null) {
            throw new MtlException("no output named '" + output + "' in these scores (outputs: " + values.keySet() + ")");
        }
        return v;
    }

    /** The score of one candidate for a single-valued output (binary, regression, ESMM conditional). */
    public float score(int candidate, String output) {
        return values(output)[candidate];
    }
}
