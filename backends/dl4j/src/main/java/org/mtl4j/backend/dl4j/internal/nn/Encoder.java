package org.mtl4j.backend.dl4j.internal.nn;

import java.util.List;
import org.mtl4j.api.data.Batch;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Turns one input of a {@link Batch} (ids, bags, sequences, images, text) into a [batch, width]
 * block of the fused input vector. {@code backward} adds parameter gradients (embedding rows, attention
 * weights, conv kernels) into its {@link Param}s; inputs are not differentiable so nothing is returned.
 */
public interface Encoder {

    String input();

    int outputWidth();

    INDArray forward(Batch batch, boolean training);

    void backward(INDArray gradOutput);

    List<Param> params();
}
