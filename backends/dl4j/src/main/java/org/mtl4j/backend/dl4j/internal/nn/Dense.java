package org.mtl4j.backend.dl4j.internal.nn;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A fully connected layer y = act(x W^T + b) with W stored [out, in] (one unit per row, as
 * {@link Param#units()} says) and a hand-derived backward pass: dz = dy .* act'(z),
 * dW += dz^T x, db += column sums of dz, dx = dz W. Products go to OpenBLAS through {@link Blas};
 * ReLU and its derivative are ND4J ops. Activation buffers are allocated once per batch size and
 * reused; the output may also be written into a column block of a wider buffer (fused experts).
 */
public final class Dense implements Layer {

    /** The activation after the affine map. */
    public enum Activation {
        RELU,
        IDENTITY
    }

    private final int in;
    private final int out;
    private final Activation act;
    private final Param w;
    private final Param b;
    private Mat wm;
    private Mat gwm;
    private Mat bm;
    private Mat gbm;

    private int batch = -1;
    private Mat ones;
    private Mat ownY;
    private Mat ownDx;
    private INDArray mask;
    private Mat x;
    private Mat y;
    private float[] heap = new float[0];

    /**
     * @param bias whether the layer has a bias (gates of MMoE/PLE have none, as in the papers)
     * @param lastShared whether the parameters belong to the last shared layer (GradNorm's scope)
     */
    public Dense(ParamStore store, String name, int in, int out, Activation act, boolean bias, String owner, boolean lastShared) {
        this.in = in;
        this.out = out;
        this.act = act;
        this.w = store.declare(name + ".W", new long[] {out, in}, owner, Param.Init.FAN_IN_UNIFORM,
                out, lastShared);
        this.b = bias ? store.declare(name + ".b", new long[] {out}, owner, Param.Init.ZERO, out, lastShared) : null;
    }

    private void bind(int rows) {
        if (wm == null) {
            wm = Mat.of(w.value());
            if (b != null) {
                bm = Mat.of(b.value());
            }
        }
        if (rows != batch) {
            batch = rows;
            ones = Mat.of(Nd4j.ones(org.nd4j.linalg.api.buffer.DataType.FLOAT, rows, 1));
            ownY = null;
            ownDx = null;
            mask = null;
        }
    }

    public int inputWidth() {
        return in;
    }

    @Override
    public int outputWidth() {
        return out;
    }

    /** Forward into the layer's own buffer. */
    public Mat forward(Mat input) {
        bind(input.rows);
        if (ownY == null) {
            ownY = Mat.zeros(batch, out);
        }
        return forward(input, ownY);
    }

    /** Forward into {@code target} ([batch, out], possibly a column block of a wider buffer). */
    public Mat forward(Mat input, Mat target) {
        return forward(input, target, true);
    }

    /**
     * Forward into {@code target}; with {@code activate} false the ReLU is left to the caller, who reads
     * the pre-activation into the heap anyway and applies {@link #relu(float[], int, int)} there (saving
     * a pass over native memory). The backward pass is the same either way: its mask is {@code y > 0},
     * which a pre-activation and its ReLU agree on.
     */
    public Mat forward(Mat input, Mat target, boolean activate) {
        bind(input.rows);
        x = input;
        y = target;
        if (bm != null) {
            // y = 1 b^T, then y += x W^T
            Blas.gemm(ones, false, bm, false, y, 1f, 0f);
            Blas.gemm(x, false, wm, true, y, 1f, 1f);
        } else {
            Blas.gemm(x, false, wm, true, y, 1f, 0f);
        }
        if (act == Activation.RELU && activate) {
            int n = y.rows * y.cols;
            if (heap.length < n) {
                heap = new float[n];
            }
            // one copy out, a plain loop, one copy back: an ND4J scalar op costs more in bookkeeping
            y.get(heap);
            relu(heap, 0, n);
            y.put(heap);
        }
        return y;
    }

    /**
     * max(x, 0) over {@code a[from, to)} in place. {@code Math.max} is a branch-free intrinsic: a
     * conditional here mispredicts on half the elements and cost 4x the rest of the layer (measured).
     */
    public static void relu(float[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            a[i] = Math.max(a[i], 0f);
        }
    }

    /** Backward returning dx in the layer's own buffer; {@code dy} is overwritten with dz. */
    public Mat backward(Mat dy) {
        if (ownDx == null) {
            ownDx = Mat.zeros(batch, in);
        }
        backward(dy, ownDx, false);
        return ownDx;
    }

    /**
     * Adds the parameter gradients and writes (or, with {@code accumulate}, adds) dx into
     * {@code dxTarget}; a null target skips the input gradient. {@code dy} is overwritten with dz.
     */
    public void backward(Mat dy, Mat dxTarget, boolean accumulate) {
        if (act == Activation.RELU) {
            if (mask == null) {
                mask = Nd4j.create(org.nd4j.linalg.api.buffer.DataType.FLOAT, batch, out);
            }
            Nd4j.getExecutioner().exec(new Step(y.array, mask, 0.0));
            dy.array.muli(mask);
        }
        if (gwm == null) {
            // bound on first use: a prediction replica has no gradient buffer
            gwm = Mat.of(w.grad());
            gbm = b == null ? null : Mat.of(b.grad());
        }
        Blas.gemm(dy, true, x, false, gwm, 1f, 1f);
        if (gbm != null) {
            Blas.addColumnSums(dy, ones, gbm, 1f);
        }
        if (dxTarget != null) {
            Blas.gemm(dy, false, wm, false, dxTarget, 1f, accumulate ? 1f : 0f);
        }
    }

    /** The last output (valid until the next forward). */
    public Mat output() {
        return y;
    }

    @Override
    public INDArray forward(INDArray input, boolean training) {
        return forward(Mat.of(input)).array;
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        return backward(Mat.of(gradOutput)).array;
    }

    @Override
    public List<Param> params() {
        return b == null ? List.of(w) : List.of(w, b);
    }
}
