package org.mtl4j.backend.dl4j.internal.model;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.backend.dl4j.internal.nn.Blas;
import org.mtl4j.backend.dl4j.internal.nn.Mat;
import org.mtl4j.backend.dl4j.internal.nn.Param;
import org.mtl4j.backend.dl4j.internal.nn.ParamStore;
import org.mtl4j.backend.dl4j.internal.nn.RowBlock;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdaGradUpdater;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The optimisers over the flat buffers, one pass per contiguous run of dense parameters with one
 * learning rate (the shared parameters, then each task's with its tower learning-rate multiplier):
 * <ul>
 * <li>adam (Kingma &amp; Ba 2015, Algorithm 1) and adamw (Loshchilov &amp; Hutter 2019, decoupled
 * weight decay p -= lr * wd * p before the Adam step) through ND4J's native {@code adam_updater}:
 * m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2, p -= lr sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps);</li>
 * <li>sgd with (heavy-ball) momentum: u = mu u + g, p -= lr u (BLAS scal/axpy);</li>
 * <li>adagrad (Duchi et al. 2011) through ND4J's {@code ada_grad_updater}: s += g^2, p -= lr g / (sqrt(s) + eps).</li>
 * </ul>
 *
 * <p><b>Embedding tables are updated lazily</b>, row by row over the rows the batch touched
 * ({@link RowBlock}), so an update costs time in the touched rows, never in the vocabulary:
 * <ul>
 * <li>adam / adamw: the same formulas on the touched rows only, with the global step t in the bias
 * correction; the moments of untouched rows are not decayed and untouched rows do not move (nor decay
 * under adamw). This is PyTorch's {@code SparseAdam} and TensorFlow Addons' {@code LazyAdam}; it differs
 * from dense Adam, which keeps moving a row by its decaying first moment after its last batch.</li>
 * <li>adagrad: exact (a row without gradient has nothing to add to its accumulator and does not move).</li>
 * <li>sgd: exact without momentum; with momentum the velocity of a row is kept and applied only when
 * the row is touched (TensorFlow's {@code sparse_apply_momentum}), i.e. lazy like Adam.</li>
 * </ul>
 * The dense gradient buffer is consumed (it holds the update afterwards); the table row blocks are left as they were.
 */
final class Optimizer {
    private final OptimizerSpec spec;
    private final List<Range> ranges = new ArrayList<>();
    private final List<TableRange> tables = new ArrayList<>();
    private final INDArray m;
    private final INDArray v;
    private long t;

    private record Range(INDArray p, INDArray g, INDArray m, INDArray v, Mat pm, Mat gm, Mat mm, double lr) {
    }

    private record TableRange(Param table, FloatBuffer p, FloatBuffer m, FloatBuffer v, double lr) {
    }

    Optimizer(OptimizerSpec spec, ParamStore store, ModelSpec model) {
        this.spec = spec;
        long n = store.length();
        m = Nd4j.create(DataType.FLOAT, n);
        v = Nd4j.create(DataType.FLOAT, n);
        Map<String, Double> rate = new HashMap<>();
        for (TaskSpec ts : model.tasks()) {
            rate.put(ts.name(), spec.learningRate() * ts.towerLearningRate());
        }
        // runs of neighbouring dense parameters with one rate become one range (one native updater call)
        long from = -1;
        long gradFrom = -1;
        long to = -1;
        double runRate = Double.NaN;
        for (Param p : store.params()) {
            double lr = (p.shared() ? spec.learningRate() : rate.getOrDefault(p.owner(), spec.learningRate()))
                    * p.learningRateScale();
            if (p.table()) {
                if (from >= 0) {
                    add(store, from, gradFrom, to, runRate);
                    from = -1;
                }
                INDArray mv = m.get(NDArrayIndex.interval(p.offset(), p.offset() + p.length()));
                INDArray vv = v.get(NDArrayIndex.interval(p.offset(), p.offset() + p.length()));
                tables.add(new TableRange(p, Mat.of(p.value()).buffer(), Mat.of(mv).buffer(), Mat.of(vv).buffer(), lr));
                continue;
            }
            if (from >= 0 && (lr != runRate || p.offset() != to)) {
                add(store, from, gradFrom, to, runRate);
                from = -1;
            }
            if (from < 0) {
                from = p.offset();
                gradFrom = p.gradOffset();
                runRate = lr;
            }
            to = p.offset() + p.length();
        }
        if (from >= 0) {
            add(store, from, gradFrom, to, runRate);
        }
    }

    private void add(ParamStore store, long from, long gradFrom, long to, double lr) {
        if (to <= from) {
            return;
        }
        INDArray p = store.values().get(NDArrayIndex.interval(from, to));
        INDArray g = store.grads().get(NDArrayIndex.interval(gradFrom, gradFrom + (to - from)));
        INDArray mm = m.get(NDArrayIndex.interval(from, to));
        INDArray vv = v.get(NDArrayIndex.interval(from, to));
        ranges.add(new Range(p, g, mm, vv, Mat.of(p), Mat.of(g), Mat.of(mm), lr));
    }

    long steps() {
        return t;
    }

    /** Runs {@code task(s)} for s in [0, n) and waits for all (the model's worker pool, or a plain loop). */
    @FunctionalInterface
    interface Fork {
        void run(int n, java.util.function.IntConsumer task);

        /** Every part on the calling thread, in order. */
        Fork SERIAL = (n, task) -> {
            for (int s = 0; s < n; s++) {
                task.accept(s);
            }
        };
    }

    /** Dense ranges cut into parts of about equal length (cached for the last part count). */
    private List<List<Range>> parts;

    /** Touched table rows are dealt to the parts in chunks of this many rows. */
    static final int ROW_CHUNK = 64;

    /** Dense elements per part are cut at multiples of this (whole cache lines, SIMD-friendly starts). */
    private static final long ALIGN = 64;

    /**
     * Below this many dense elements per part a hand-off costs more than the update (Adam: about 1 ns an element;
     * a hand-off to a spinning worker of the {@link WorkerCrew} about a microsecond, through a parked one tens).
     */
    static final long MIN_PART = 1 << 12;

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();
    private long serialDenseNanos;
    private long serialTableNanos;

    /** Thread CPU time of the serial steps so far: {@code [0]} the dense update, {@code [1]} the table rows (profiling). */
    long[] serialCpuNanos() {
        return new long[] {serialDenseNanos, serialTableNanos};
    }

    /** One step on the calling thread. */
    void apply() {
        apply(1, Fork.SERIAL);
    }

    /**
     * One step in {@code n} parts run by {@code fork}: part s updates its contiguous slice of the dense
     * buffers and its share of every table's touched rows (chunks of {@value #ROW_CHUNK} rows, round-robin).
     * Each element is updated by the same elementwise formula as in the serial step, so the result is
     * bit-identical for every n (ParallelUpdateTest).
     */
    void apply(int n, Fork fork) {
        t++;
        if (n <= 1 || tables.isEmpty() && parts(n).get(1).isEmpty()) { // one slice and no tables: no hand-off
            long t0 = THREADS.getCurrentThreadCpuTime();
            for (Range r : ranges) {
                dense(r);
            }
            long t1 = THREADS.getCurrentThreadCpuTime();
            for (TableRange r : tables) {
                applyLazy(r, 0, r.table.rowGradient().count());
            }
            serialDenseNanos += t1 - t0;
            serialTableNanos += THREADS.getCurrentThreadCpuTime() - t1;
            return;
        }
        List<List<Range>> split = parts(n);
        int k = split.size();
        fork.run(k, s -> {
            for (Range r : split.get(s)) {
                dense(r);
            }
            for (TableRange r : tables) {
                // chunks of rows dealt round-robin, not one contiguous range per part: touched ids are sorted and
                // popular (low) ids stay in cache, so a contiguous split gave the part with the rare ids twice the
                // cache misses (funnel world: the worker's half of the lazy Adam rows took 2x the caller's)
                int count = r.table.rowGradient().count();
                for (int from = s * ROW_CHUNK; from < count; from += k * ROW_CHUNK) {
                    applyLazy(r, from, Math.min(count, from + ROW_CHUNK));
                }
            }
        });
    }

    private List<List<Range>> parts(int n) {
        if (parts != null && parts.size() == n) {
            return parts;
        }
        long total = 0;
        for (Range r : ranges) {
            total += r.p.length();
        }
        long per = Math.max(MIN_PART, (total / n + ALIGN - 1) / ALIGN * ALIGN);
        List<List<Range>> out = new ArrayList<>();
        List<Range> cur = new ArrayList<>();
        long room = per;
        for (Range r : ranges) {
            long len = r.p.length();
            long at = 0;
            while (at < len) {
                long take = Math.min(room, len - at);
                cur.add(at == 0 && take == len ? r : slice(r, at, at + take));
                at += take;
                room -= take;
                if (room == 0 && out.size() < n - 1) {
                    out.add(cur);
                    cur = new ArrayList<>();
                    room = per;
                } else if (room == 0) {
                    room = Long.MAX_VALUE; // the last part takes the rest
                }
            }
        }
        out.add(cur);
        while (out.size() < n) {
            out.add(List.of()); // table rows still split n ways
        }
        parts = out;
        return out;
    }

    private static Range slice(Range r, long from, long to) {
        INDArray p = r.p.get(NDArrayIndex.interval(from, to));
        INDArray g = r.g.get(NDArrayIndex.interval(from, to));
        INDArray mm = r.m.get(NDArrayIndex.interval(from, to));
        INDArray vv = r.v.get(NDArrayIndex.interval(from, to));
        return new Range(p, g, mm, vv, Mat.of(p), Mat.of(g), Mat.of(mm), r.lr);
    }

    private void dense(Range r) {
        switch (spec.name()) {
            case "adam", "adamw" -> {
                if ("adamw".equals(spec.name()) && spec.weightDecay() > 0) {
                    Blas.scal((float) (1 - r.lr * spec.weightDecay()), r.pm);
                }
                Nd4j.exec(new AdamUpdater(r.g, r.v, r.m, r.lr, spec.beta1(), spec.beta2(), spec.epsilon(), (int) (t - 1)));
                r.p.subi(r.g);
            }
            case "sgd" -> {
                if (spec.momentum() > 0) {
                    Blas.scal((float) spec.momentum(), r.mm);
                    Blas.axpy(1f, r.gm, r.mm);
                    Blas.axpy((float) -r.lr, r.mm, r.pm);
                } else {
                    Blas.axpy((float) -r.lr, r.gm, r.pm);
                }
            }
            case "adagrad" -> {
                Nd4j.exec(new AdaGradUpdater(r.g, r.m, r.lr, spec.epsilon()));
                r.p.subi(r.g);
            }
            default -> throw new IllegalStateException("unknown optimizer " + spec.name());
        }
    }

    /** The update of one table over its touched rows {@code [from, to)} (see the class comment; row ids are distinct). */
    private void applyLazy(TableRange r, int from, int to) {
        RowBlock rows = r.table.rowGradient();
        int dim = rows.dim();
        int[] ids = rows.ids();
        float[] g = rows.values();
        FloatBuffer p = r.p;
        FloatBuffer mb = r.m;
        FloatBuffer vb = r.v;
        switch (spec.name()) {
            case "adam", "adamw" -> {
                double b1 = spec.beta1();
                double b2 = spec.beta2();
                // as libnd4j's adam_updater: alpha_t = lr sqrt(1 - b2^t) / (1 - b1^t), eps outside the root
                double alpha = r.lr * Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t));
                if (!Double.isFinite(alpha) || alpha == 0) {
                    alpha = spec.epsilon();
                }
                float decay = "adamw".equals(spec.name()) && spec.weightDecay() > 0 ? (float) (1 - r.lr * spec.weightDecay()) : 1f;
                float fb1 = (float) b1;
                float fb2 = (float) b2;
                float fa = (float) alpha;
                float eps = (float) spec.epsilon();
                for (int i = from; i < to; i++) {
                    int base = ids[i] * dim;
                    for (int j = 0; j < dim; j++) {
                        int at = base + j;
                        float gi = g[i * dim + j];
                        float mi = fb1 * mb.get(at) + gi * (1 - fb1);
                        float vi = fb2 * vb.get(at) + gi * gi * (1 - fb2);
                        mb.put(at, mi);
                        vb.put(at, vi);
                        p.put(at, p.get(at) * decay - mi * fa / ((float) Math.sqrt(vi) + eps));
                    }
                }
            }
            case "sgd" -> {
                float lr = (float) r.lr;
                float mu = (float) spec.momentum();
                for (int i = from; i < to; i++) {
                    int base = ids[i] * dim;
                    for (int j = 0; j < dim; j++) {
                        int at = base + j;
                        float u = g[i * dim + j];
                        if (mu > 0) {
                            u += mu * mb.get(at);
                            mb.put(at, u);
                        }
                        p.put(at, p.get(at) - lr * u);
                    }
                }
            }
            case "adagrad" -> {
                float lr = (float) r.lr;
                float eps = (float) spec.epsilon();
                for (int i = from; i < to; i++) {
                    int base = ids[i] * dim;
                    for (int j = 0; j < dim; j++) {
                        int at = base + j;
                        float gi = g[i * dim + j];
                        float s = mb.get(at) + gi * gi;
                        mb.put(at, s);
                        p.put(at, p.get(at) - lr * gi / ((float) Math.sqrt(s) + eps));
                    }
                }
            }
            default -> throw new IllegalStateException("unknown optimizer " + spec.name());
        }
    }

    /** First and second moment buffers (same layout as the parameter store) and the step count, for continual training. */
    INDArray firstMoments() {
        return m;
    }

    INDArray secondMoments() {
        return v;
    }

    void steps(long steps) {
        this.t = steps;
    }

    void write(DataOutputStream out) throws IOException {
        out.writeLong(t);
        writeArray(out, m);
        writeArray(out, v);
    }

    void read(DataInputStream in) throws IOException {
        t = in.readLong();
        readArray(in, m);
        readArray(in, v);
    }

    /**
     * Floats per chunk when streaming an array (4 MiB of heap): a table of 10M rows is never copied to the
     * heap at once, so a model saves, loads and snapshots through {@code Dl4jModel.writeState/readState}
     * with a heap far smaller than its state.
     */
    private static final int CHUNK = 1 << 20;

    static void writeArray(DataOutputStream out, INDArray a) throws IOException {
        long n = a.length();
        if (n > Integer.MAX_VALUE) {
            throw new IOException("an array of " + n + " floats is too long for the state format");
        }
        out.writeInt((int) n);
        if (n == 0) {
            return;
        }
        FloatBuffer src = Mat.of(a).buffer();
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocate((int) Math.min(n, CHUNK) * 4);
        for (int from = 0; from < n; from += CHUNK) {
            int len = (int) Math.min(CHUNK, n - from);
            bb.clear();
            // one bulk copy of the chunk from ND4J memory (native order) into the big-endian staging buffer
            bb.asFloatBuffer().put(src.duplicate().position(from).limit(from + len));
            out.write(bb.array(), 0, len * 4);
        }
    }

    static void readArray(DataInputStream in, INDArray a) throws IOException {
        int n = in.readInt();
        if (n != a.length()) {
            throw new IOException("state holds " + n + " values where the model has " + a.length());
        }
        if (n == 0) {
            return;
        }
        FloatBuffer dst = Mat.of(a).buffer();
        byte[] b = new byte[Math.min(n, CHUNK) * 4];
        for (int from = 0; from < n; from += CHUNK) {
            int len = Math.min(CHUNK, n - from);
            in.readFully(b, 0, len * 4);
            dst.duplicate().position(from).put(java.nio.ByteBuffer.wrap(b, 0, len * 4).asFloatBuffer());
        }
    }
}
