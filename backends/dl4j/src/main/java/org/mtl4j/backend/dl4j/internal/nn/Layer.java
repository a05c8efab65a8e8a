package org.mtl4j.backend.dl4j.internal.nn;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A differentiable block on [batch, features] activations. {@link #forward} caches what
 * {@link #backward} needs; {@code backward} ADDS parameter gradients into the views of its
 * {@link Param}s (callers zero the store) and returns the gradient with respect to the input.
 */
public interface Layer {

    INDArray forward(INDArray input, boolean training);

    INDArray backward(INDArray gradOutput);

    int outputWidth();

    List<Param> params();
}
