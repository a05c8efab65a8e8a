package org.mtl4j.backend.dl4j.internal.nn;

import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The engine's native threading policy. The thread budget is what ND4J gave OpenBLAS at start-up
 * ({@code OMP_NUM_THREADS}, else one per core); a product uses that many threads only when it is big
 * enough to gain from them, every other native call runs on the calling thread.
 *
 * <p>Why: handing a small product to OpenBLAS's worker threads costs more than it saves, and the idle
 * workers then spin on the cores the JVM needs. Measured on a 2-core AMD EPYC (OpenBLAS 0.3.19, 2 vs 1
 * threads): [256 x 100] x [100 x 113] 0.85x, [2048 x 100] x [100 x 16] 0.52x, [2048 x 100] x [100 x
 * 113] 1.05x, [12800 x 64] x [64 x 64] 0.91x, [512 x 512] x [512 x 512] 1.74x, [1024]^3 1.91x; with
 * every call on 2 threads the MMoE paper's models trained 2-20x slower than on one. PyTorch's
 * intra-op grain size plays the same role.
 */
public final class NativeThreads {
    /** A product gets the whole budget from this many multiply-adds up (2^26, about 67M). */
    static final long PARALLEL_MIN_MACS = 1L << 26;
    /** ... and only when both sides of its result are at least this wide (skinny products lose). */
    static final int PARALLEL_MIN_SIDE = 64;

    private static volatile int budget = -1;
    private static volatile int current = -1;

    private NativeThreads() {
    }

    /** Reads the budget OpenBLAS was configured with and drops to one thread; idempotent. */
    public static synchronized void init() {
        if (budget < 0) {
            // ND4J's CPU backend sets OpenBLAS's threads from OMP_NUM_THREADS when it starts: start it first
            Nd4j.factory();
            budget = Math.max(1, openblas_nolapack.blas_get_num_threads());
            set(1);
        }
    }

    /** The thread budget of large products. */
    public static int budget() {
        int b = budget;
        if (b < 0) {
            init();
            b = budget;
        }
        return b;
    }

    /** Threads for an m x k by k x n product under {@code budget}: all of it for large ones, else 1. */
    static int forProduct(int budget, long m, long n, long k) {
        return budget > 1 && m * n * k >= PARALLEL_MIN_MACS && Math.min(m, n) >= PARALLEL_MIN_SIDE ? budget : 1;
    }

    /**
     * Data-parallel sections in progress (issue 15): while any runs, every product stays on its calling
     * thread, because the workers already occupy the cores and OpenBLAS's thread count is process-wide.
     */
    private static final java.util.concurrent.atomic.AtomicInteger PARALLEL = new java.util.concurrent.atomic.AtomicInteger();

    /** Enters a data-parallel section: products run single-threaded until the matching {@link #endParallel()}. */
    public static void beginParallel() {
        PARALLEL.incrementAndGet();
    }

    /** Leaves a data-parallel section. */
    public static void endParallel() {
        PARALLEL.decrementAndGet();
    }

    /** Sets OpenBLAS's thread count before an m x k by k x n product. */
    static void beforeProduct(long m, long n, long k) {
        int want = PARALLEL.get() > 0 ? 1 : forProduct(budget(), m, n, k);
        if (want != current) {
            set(want);
        }
    }

    /** One thread for a vector or matrix-vector call. */
    static void beforeSmallCall() {
        if (current != 1) {
            init();
            set(1);
        }
    }

    private static synchronized void set(int threads) {
        openblas_nolapack.blas_set_num_threads(threads);
        current = threads;
    }
}
