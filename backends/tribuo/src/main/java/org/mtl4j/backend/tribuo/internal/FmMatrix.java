package org.mtl4j.backend.tribuo.internal;

import org.tribuo.math.la.DenseMatrix;

/**
 * A Tribuo {@link DenseMatrix} whose row arrays the factorization machine reads and writes in
 * place: the model's parameters, gradients and optimiser moments all live in these, and the
 * {@link TribuoGradientVector} does its arithmetic on them without copying.
 */
public final class FmMatrix extends DenseMatrix {

    public FmMatrix(int rows, int cols) {
        super(rows, cols);
    }

    /** The backing rows (not a copy): {@code rows()[i][j]} is element (i, j). */
    public double[][] rows() {
        return values;
    }

    public int rowCount() {
        return dim1;
    }

    public int columnCount() {
        return dim2;
    }
}
