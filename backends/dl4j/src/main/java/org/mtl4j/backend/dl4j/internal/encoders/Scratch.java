package org.mtl4j.backend.dl4j.internal.encoders;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Preallocated float work arrays of one encoder, keyed by purpose: an array is reused while the
 * batch shape stays the same and reallocated when it changes, so a training loop over equal-sized
 * batches allocates the large activations and gradients once.
 */
final class Scratch {
    private final Map<String, INDArray> arrays = new HashMap<>();

    /** A c-order float array of the given shape; its content is whatever the last user left there. */
    INDArray get(String key, long... shape) {
        INDArray a = arrays.get(key);
        if (a == null || !Arrays.equals(a.shape(), shape)) {
            a = Nd4j.create(DataType.FLOAT, shape, 'c');
            arrays.put(key, a);
        }
        return a;
    }
}
