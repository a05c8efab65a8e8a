package org.mtl4j.api.backend;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.ModelSpec;

/** A model that predicts. Evaluation is backend-agnostic and lives outside (it only needs predictions). */
public interface TrainedModel extends AutoCloseable {

    ModelSpec spec();

    /** The backend that made this model. */
    String backendName();

    Map<String, Vocabulary> vocabularies();

    Provenance provenance();

    /**
     * The standardisation statistics the model was compiled with (dense inputs by input name, and
     * regression labels under {@code label:<task>}); empty when the backend does not say.
     */
    default Map<String, org.mtl4j.api.data.Dataset.DenseStats> denseStats() {
        return Map.of();
    }

    Predictions predict(Batch batch);

    /**
     * The outputs of the first {@code rows} rows of {@code batch} only: a serving batch padded to a size
     * whose buffers are reused, where the padding rows' outputs would be copied away at once. The default
     * predicts the whole batch and cuts each output; a backend may skip the padding rows' copy.
     */
    default Predictions predict(Batch batch, int rows) {
        int n = batch.size();
        if (rows < 0 || rows > n) {
            throw new IllegalArgumentException("rows must be in [0, " + n + "], found " + rows);
        }
        Predictions all = predict(batch);
        if (rows == n) {
            return all;
        }
        Map<String, float[]> cut = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, float[]> e : all.outputs().entrySet()) {
            int width = n == 0 ? 0 : e.getValue().length / n;
            cut.put(e.getKey(), java.util.Arrays.copyOf(e.getValue(), rows * width));
        }
        return new Predictions(rows, cut);
    }

    /**
     * A model that predicts what this one predicts and shares this model's parameters instead of
     * copying them (only its own activation buffers are new), for predicting on several threads at once
     * (each thread on its own replica: models are not thread-safe) with one copy of the parameters in
     * memory. Replicas only predict. Training this model afterwards changes its replicas' predictions.
     *
     * @return the replica, or null when the backend cannot share (callers then load another copy)
     */
    default TrainedModel predictionReplica() {
        return null;
    }

    /** Parameter counts by group (e.g. "shared", "tower:ctr", "embedding:user"), for inspection. */
    Map<String, Long> parameterCounts();

    /** Saves spec, parameters, vocabularies and provenance to one file, atomically. */
    void save(Path file) throws IOException;

    @Override
    default void close() {
    }
}
