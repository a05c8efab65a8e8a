package org.mtl4j.api.backend;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.mtl4j.api.data.Batch;

/**
 * A compiled model that can be trained by the backend-agnostic loop, one {@link TrainingStep} per batch.
 */
public interface TrainableModel extends TrainedModel {

    /** Forward pass in training mode, computing the per-task losses of the batch. */
    TrainingStep step(Batch batch);

    /** Forward pass in inference mode computing per-task losses only (validation). */
    TaskLosses losses(Batch batch);

    /** Applies the optimiser to the current gradient buffer and advances the step counter. */
    void applyUpdate();

    /** Number of updates applied. */
    long updates();

    /** Records provenance details known only to the loop (data, seed, summary). */
    void setProvenance(Provenance provenance);

    /** Writes parameters and optimiser state (a checkpoint, or a snapshot for early stopping). */
    void writeState(OutputStream out) throws IOException;

    /** Restores what {@link #writeState} wrote, exactly. */
    void readState(InputStream in) throws IOException;

    /**
     * Continual training: starts this freshly compiled model from a saved one of the same spec
     * (inputs, tasks, topology) on new data. Parameters are copied; an embedding table that grew
     * (its vocabulary extended with ids never seen, appended after the old ones) keeps the old rows
     * and leaves the new rows as initialised. With {@code optimizerState} the optimiser's moments and
     * step count are copied too (grown rows start from zero moments).
     *
     * @throws org.mtl4j.api.MtlException when this backend cannot, naming the backend, or when a
     *     parameter does not fit, naming it
     */
    default void initFrom(TrainedModel previous, boolean optimizerState) {
        throw new org.mtl4j.api.MtlException("backend '" + backendName() + "' cannot start training from a saved model"
                + " (continual training, --init-from): train from scratch, or use a backend that can (dl4j)");
    }
}
