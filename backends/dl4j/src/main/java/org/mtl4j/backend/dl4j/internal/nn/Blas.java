package org.mtl4j.backend.dl4j.internal.nn;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;

import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * Matrix products on ND4J memory, issued directly to the OpenBLAS that ND4J's CPU backend bundles
 * (the same {@code cblas_sgemm} its {@code CpuLevel3} calls). Going below ND4J's op layer matters
 * here: on this machine an ND4J custom op ({@code Nd4j.gemm}, {@code mmuli}) costs 40-100 us of
 * bookkeeping per call whatever the size, more than a whole [256 x 100] x [100 x 16] product.
 * Threads follow {@link NativeThreads}: large products use the budget, everything else one thread.
 */
public final class Blas {
    private Blas() {
    }

    /** C = alpha * op(A) * op(B) + beta * C. */
    public static void gemm(Mat a, boolean transA, Mat b, boolean transB, Mat c, float alpha, float beta) {
        int m = c.rows;
        int n = c.cols;
        int k = transA ? a.rows : a.cols;
        int aRows = transA ? a.cols : a.rows;
        int bRows = transB ? b.cols : b.rows;
        int bCols = transB ? b.rows : b.cols;
        if (aRows != m || bRows != k || bCols != n) {
            throw new IllegalArgumentException("gemm shapes do not fit: A [" + a.rows + ", " + a.cols + "]" + (transA ? "^T" : "")
                    + " x B [" + b.rows + ", " + b.cols + "]" + (transB ? "^T" : "") + " -> C [" + c.rows + ", " + c.cols + "]");
        }
        if (m == 0 || n == 0) {
            return;
        }
        NativeThreads.beforeProduct(m, n, k);
        openblas_nolapack.cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                m, n, k, alpha, a.ptr.position(0), a.ld, b.ptr.position(0), b.ld, beta, c.ptr.position(0), c.ld);
    }

    /** C[r, :] += bias for every row r (a rank-1 update ones * bias). */
    public static void addRowVector(Mat c, Mat ones, Mat bias) {
        NativeThreads.beforeSmallCall();
        openblas_nolapack.cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, c.rows, c.cols, 1, 1f, ones.ptr.position(0), 1,
                bias.ptr.position(0), bias.cols, 1f, c.ptr.position(0), c.ld);
    }

    /** y += alpha * A^T * ones: column sums of A (bias gradients). */
    public static void addColumnSums(Mat a, Mat ones, Mat y, float alpha) {
        NativeThreads.beforeSmallCall();
        openblas_nolapack.cblas_sgemv(CblasRowMajor, CblasTrans, a.rows, a.cols, alpha, a.ptr.position(0), a.ld,
                ones.ptr.position(0), 1, 1f, y.ptr.position(0), 1);
    }

    /** y += alpha * x over contiguous matrices of equal size. */
    public static void axpy(float alpha, Mat x, Mat y) {
        NativeThreads.beforeSmallCall();
        checkContiguous(x, y);
        openblas_nolapack.cblas_saxpy(x.size(), alpha, x.ptr.position(0), 1, y.ptr.position(0), 1);
    }

    /** y = x over contiguous matrices of equal size. */
    public static void copy(Mat x, Mat y) {
        NativeThreads.beforeSmallCall();
        checkContiguous(x, y);
        openblas_nolapack.cblas_scopy(x.size(), x.ptr.position(0), 1, y.ptr.position(0), 1);
    }

    /** x *= alpha. */
    public static void scal(float alpha, Mat x) {
        NativeThreads.beforeSmallCall();
        checkContiguous(x, x);
        openblas_nolapack.cblas_sscal(x.size(), alpha, x.ptr.position(0), 1);
    }

    /** Sum of x .* y (accumulated in double by OpenBLAS's dsdot). */
    public static double dot(Mat x, Mat y) {
        NativeThreads.beforeSmallCall();
        checkContiguous(x, y);
        return openblas_nolapack.cblas_dsdot(x.size(), x.ptr.position(0), 1, y.ptr.position(0), 1);
    }

    private static void checkContiguous(Mat x, Mat y) {
        if (!x.contiguous() || !y.contiguous() || x.size() != y.size()) {
            throw new IllegalArgumentException("level-1 BLAS needs contiguous operands of equal size, found [" + x.rows + ", "
                    + x.cols + "] ld " + x.ld + " and [" + y.rows + ", " + y.cols + "] ld " + y.ld);
        }
    }
}
