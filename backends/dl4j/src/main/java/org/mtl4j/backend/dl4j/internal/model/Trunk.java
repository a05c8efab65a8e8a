package org.mtl4j.backend.dl4j.internal.model;

import java.util.Map;
import org.mtl4j.api.data.Batch;
import org.mtl4j.backend.dl4j.internal.nn.Mat;

/** The sharing topology below the towers: from a batch to one representation per task. */
interface Trunk {

    /** Per-task representations [batch, width(k)] (several tasks may get the same matrix). */
    Mat[] forward(Batch batch, boolean training);

    int width(int task);

    /**
     * Backward from the towers' input gradients, adding parameter gradients. {@code dH[k]} is null
     * where task k sends no gradient; the matrices may be overwritten.
     */
    void backward(Mat[] dH);

    /** Called once after the parameters are allocated and initialised (custom initial values). */
    default void initialise() {
    }

    /** Mean gate weights of the last forward pass, by gate name. */
    default Map<String, double[]> gateUtilisation() {
        return Map.of();
    }
}
