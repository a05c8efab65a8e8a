package org.mtl4j.backend.tribuo.internal;

import org.tribuo.math.la.DenseVector;

/** A Tribuo {@link DenseVector} (a bias vector) whose elements the model updates in place. */
public final class FmVector extends DenseVector {

    public FmVector(int size) {
        super(size);
    }

    /** The backing array (not a copy). */
    public double[] data() {
        return elements;
    }
}
