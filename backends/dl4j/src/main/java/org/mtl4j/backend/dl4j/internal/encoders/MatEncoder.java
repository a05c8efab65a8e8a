package org.mtl4j.backend.dl4j.internal.encoders;

import org.mtl4j.api.data.Batch;
import org.mtl4j.backend.dl4j.internal.nn.Encoder;
import org.mtl4j.backend.dl4j.internal.nn.Mat;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An {@link Encoder} that writes straight into its column block of the fused input and reads its
 * gradient from the same block, saving a copy per step.
 */
public interface MatEncoder extends Encoder {

    void forwardInto(Batch batch, Mat target, boolean training);

    /**
     * Writes the block into a heap copy of the fused input instead ({@code x} row-major, {@code ld}
     * floats per row, the block from column {@code col}) and returns true, or returns false when this
     * encoder cannot (then {@link #forwardInto(Batch, Mat, boolean)} runs). The input block then moves
     * the whole fused input to native memory in one copy: a column block written row by row into native
     * memory costs one native call per row.
     */
    default boolean forwardInto(Batch batch, float[] x, int ld, int col, boolean training) {
        return false;
    }

    void backwardFrom(Mat grad);

    @Override
    default INDArray forward(Batch batch, boolean training) {
        Mat m = Mat.zeros(batch.size(), outputWidth());
        forwardInto(batch, m, training);
        return m.array;
    }

    @Override
    default void backward(INDArray gradOutput) {
        backwardFrom(Mat.of(gradOutput));
    }
}
