package org.mtl4j.backend.dl4j.internal.nn;

import java.nio.FloatBuffer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A BLAS-ready row-major matrix over ND4J memory: an {@link INDArray} (a whole buffer or a view),
 * its native pointer and its leading dimension, so that {@link Blas} can hand it straight to
 * OpenBLAS. Column blocks of a wider matrix are views with {@code ld > cols}.
 */
public final class Mat {
    public final INDArray array;
    public final FloatPointer ptr;
    public final int rows;
    public final int cols;
    public final int ld;

    private Mat(INDArray array, int rows, int cols, int ld) {
        this.array = array;
        // a view's data() already starts at the view's first element
        this.ptr = new FloatPointer(array.data().addressPointer());
        this.rows = rows;
        this.cols = cols;
        this.ld = ld;
    }

    /** Wraps a float rank-1 ([n] is taken as [1, n]) or rank-2 row-major array (rows may be strided). */
    public static Mat of(INDArray a) {
        if (a.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("Mat needs FLOAT data, found " + a.dataType());
        }
        if (a.rank() == 1) {
            int n = (int) a.length();
            return new Mat(a, 1, n, n);
        }
        if (a.rank() != 2) {
            throw new IllegalArgumentException("Mat needs rank 1 or 2, found shape " + java.util.Arrays.toString(a.shape()));
        }
        int r = (int) a.size(0);
        int c = (int) a.size(1);
        if (c > 1 && a.stride(1) != 1) {
            throw new IllegalArgumentException("Mat needs unit column stride, found strides " + java.util.Arrays.toString(a.stride()));
        }
        int ld = r > 1 ? a.stride(0) : c;
        return new Mat(a, r, c, Math.max(ld, c));
    }

    public static Mat zeros(int rows, int cols) {
        return of(Nd4j.create(DataType.FLOAT, Math.max(rows, 1), Math.max(cols, 1)));
    }

    /** Columns [from, to) as a view sharing memory. */
    public Mat cols(int from, int to) {
        if (from == 0 && to == cols) {
            return this;
        }
        INDArray v = array.get(NDArrayIndex.all(), NDArrayIndex.interval(from, to));
        return new Mat(v, rows, to - from, ld);
    }

    public boolean contiguous() {
        return ld == cols || rows == 1;
    }

    public int size() {
        return rows * cols;
    }

    /** Copies the matrix out into {@code dst} (row-major, dense). */
    public float[] get(float[] dst) {
        if (contiguous()) {
            ptr.position(0).get(dst, 0, rows * cols);
        } else {
            for (int r = 0; r < rows; r++) {
                ptr.position((long) r * ld).get(dst, r * cols, cols);
            }
            ptr.position(0);
        }
        return dst;
    }

    /** Overwrites the matrix from {@code src} (row-major, dense). */
    public void put(float[] src) {
        if (contiguous()) {
            ptr.position(0).put(src, 0, rows * cols);
        } else {
            for (int r = 0; r < rows; r++) {
                ptr.position((long) r * ld).put(src, r * cols, cols);
            }
            ptr.position(0);
        }
    }

    /** Sets every element to zero (one memset when contiguous). */
    public void zero() {
        if (contiguous()) {
            Pointer.memset(ptr.position(0), 0, (long) rows * cols * Float.BYTES);
        } else {
            array.assign(0);
        }
    }

    /** A direct buffer over the matrix's memory (element (r, c) at r * ld + c), for index kernels. */
    public FloatBuffer buffer() {
        long n = (long) (rows - 1) * ld + cols;
        return new FloatPointer(array.data().addressPointer()).capacity(n).limit(n).asBuffer();
    }
}
