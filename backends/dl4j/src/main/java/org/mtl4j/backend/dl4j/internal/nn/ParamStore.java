package org.mtl4j.backend.dl4j.internal.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * All parameters of a model in one flat float buffer, and the gradients of the dense ones in a second
 * flat buffer of the same layout less the embedding tables. Layers {@link #declare} their tensors while
 * the model is built; {@link #allocate} then lays them out shared-first (so {@code [0, sharedLength)}
 * is the shared slice and the last shared layer is contiguous at its end), creates views and
 * initialises values with the seed.
 *
 * <p>Embedding tables ({@link #declareTable}) have no place in the gradient buffer: their gradient is a
 * {@link RowBlock} of the rows a batch touched, so neither zeroing nor any other per-step work on
 * gradients is sized by a vocabulary. In the gradient buffer, {@code [0, sharedGradLength)} is the
 * shared slice and {@code [lastSharedGradOffset, sharedGradLength)} the last shared layer.
 */
public final class ParamStore {
    private final List<Param> params = new ArrayList<>();
    private final List<Param> tables = new ArrayList<>();
    private final List<java.util.function.Consumer<Boolean>> onAllocate = new ArrayList<>();
    private INDArray values;
    private INDArray grads;
    private long sharedLength;
    private long lastSharedOffset;
    private long gradLength;
    private long sharedGradLength;
    private long lastSharedGradOffset;

    public Param declare(String name, long[] shape, String owner, Param.Init init, int units) {
        return declare(name, shape, owner, init, units, false);
    }

    public Param declare(String name, long[] shape, String owner, Param.Init init, int units, boolean lastShared) {
        if (values != null) {
            throw new IllegalStateException("ParamStore already allocated; cannot declare " + name);
        }
        for (Param p : params) {
            if (p.name().equals(name)) {
                throw new IllegalArgumentException("parameter declared twice: " + name);
            }
        }
        Param p = new Param(name, shape, owner, init, units, lastShared && Param.isShared(owner));
        params.add(p);
        return p;
    }

    /**
     * Declares an embedding table of shape [rows, dim]: its values live in the flat buffer like every
     * parameter's, its gradient is sparse ({@link Param#rowGradient()}).
     */
    public Param declareTable(String name, int rows, int dim, String owner) {
        if (values != null) {
            throw new IllegalStateException("ParamStore already allocated; cannot declare " + name);
        }
        for (Param p : params) {
            if (p.name().equals(name)) {
                throw new IllegalArgumentException("parameter declared twice: " + name);
            }
        }
        Param p = new Param(name, new long[] {rows, dim}, owner, Param.Init.EMBEDDING, rows, false, true);
        params.add(p);
        return p;
    }

    /**
     * Lays out every declared parameter exactly as {@link #allocate} does, over {@code source}'s
     * parameter buffer instead of a new one: the values are shared (read-only here), nothing is
     * initialised, and there is no gradient buffer and no table row block (a prediction replica: its
     * layers bind gradients only in a backward pass, which a replica never runs).
     *
     * @throws IllegalArgumentException when the declarations do not lay out like {@code source}'s
     */
    public void share(ParamStore source) {
        bindShared(source, false);
    }

    /**
     * A data-parallel worker's store (issue 15): laid out as {@link #share}, over {@code master}'s
     * parameter buffer (no copy: every worker reads the parameters the optimiser updates), while the
     * dense gradient buffer and the tables' row blocks are this store's own, so workers write gradients
     * without touching each other's.
     *
     * @throws IllegalArgumentException when the declarations do not lay out like the master's
     */
    public void allocateSharing(ParamStore master) {
        bindShared(master, true);
    }

    private void bindShared(ParamStore source, boolean gradients) {
        if (values != null) {
            throw new IllegalStateException("ParamStore already allocated");
        }
        List<Param> order = layout();
        List<Param> theirs = source.params();
        if (theirs.size() != order.size() || source.values == null || source.length() != Math.max(1, length(order))) {
            throw new IllegalArgumentException("cannot share parameters: " + order.size() + " parameters here, " + theirs.size() + " in the source");
        }
        for (int i = 0; i < order.size(); i++) {
            Param p = order.get(i);
            Param q = theirs.get(i);
            if (!p.name().equals(q.name()) || p.offset != q.offset || !java.util.Arrays.equals(p.shape(), q.shape())) {
                throw new IllegalArgumentException("cannot share parameters: " + p.name() + " " + java.util.Arrays.toString(p.shape())
                        + " at " + p.offset + " here, " + q.name() + " " + java.util.Arrays.toString(q.shape()) + " at " + q.offset
                        + " in the source");
            }
        }
        values = source.values;
        bind(order, gradients, null);
    }

    /** Lays out and initialises every declared parameter. */
    public void allocate(long seed) {
        List<Param> order = layout();
        values = Nd4j.create(DataType.FLOAT, Math.max(length(order), 1));
        bind(order, true, new Random(seed));
    }

    /** Views every parameter over {@code values}; with {@code gradients} a gradient buffer and row blocks; with {@code rng} initialises. */
    private void bind(List<Param> order, boolean gradients, Random rng) {
        if (gradients) {
            grads = Nd4j.create(DataType.FLOAT, Math.max(gradLength, 1));
        }
        tables.clear();
        for (Param p : order) {
            p.value = view(values, p.offset, p);
            if (p.table()) {
                if (gradients) {
                    p.rowGradient = RowBlock.accumulator((int) p.shape()[0], (int) p.shape()[1]);
                }
                tables.add(p);
            } else if (gradients) {
                p.grad = view(grads, p.gradOffset, p);
            }
            if (rng != null) {
                initialise(p, values, p.offset, rng);
            }
        }
        params.clear();
        params.addAll(order);
        for (java.util.function.Consumer<Boolean> r : onAllocate) {
            r.accept(rng != null);
        }
    }

    private static long length(List<Param> order) {
        long n = 0;
        for (Param p : order) {
            n += p.length();
        }
        return n;
    }

    /** Orders the declared parameters and sets their offsets and the shared/gradient lengths. */
    private List<Param> layout() {
        List<Param> order = new ArrayList<>(params);
        // shared (not last) < shared last-layer < task-specific grouped by task (first declaration
        // order), stable within each group: every task's parameters form one contiguous range
        java.util.Map<String, Integer> ownerRank = new java.util.HashMap<>();
        for (Param p : params) {
            ownerRank.putIfAbsent(p.owner(), ownerRank.size());
        }
        order.sort(Comparator.<Param>comparingInt(p -> p.shared() ? (p.lastShared() ? 1 : 0) : 2)
                .thenComparingInt(p -> p.shared() ? 0 : ownerRank.get(p.owner())));
        long total = 0;
        long gradTotal = 0;
        sharedLength = 0;
        lastSharedOffset = -1;
        sharedGradLength = 0;
        lastSharedGradOffset = -1;
        for (Param p : order) {
            p.offset = total;
            if (p.lastShared() && lastSharedOffset < 0) {
                lastSharedOffset = total;
                lastSharedGradOffset = gradTotal;
            }
            total += p.length();
            if (!p.table()) {
                p.gradOffset = gradTotal;
                gradTotal += p.length();
            }
            if (p.shared()) {
                sharedLength = total;
                sharedGradLength = gradTotal;
            }
        }
        if (lastSharedOffset < 0) {
            lastSharedOffset = sharedLength;
            lastSharedGradOffset = sharedGradLength;
        }
        gradLength = gradTotal;
        return order;
    }

    /**
     * Runs {@code r} at the end of {@link #allocate} (with {@code true}: the values are initialised, a
     * layer may start them from values of its own, e.g. a pretrained network) and at the end of
     * {@link #share}/{@link #allocateSharing} (with {@code false}: the values are another store's, only
     * bind to the views; {@link #grads()} is null for a prediction replica).
     */
    public void afterAllocate(java.util.function.Consumer<Boolean> r) {
        if (values != null) {
            throw new IllegalStateException("ParamStore already allocated");
        }
        onAllocate.add(r);
    }

    private static INDArray view(INDArray flat, long offset, Param p) {
        INDArray slice = flat.get(NDArrayIndex.interval(offset, offset + p.length()));
        return slice.reshape('c', p.shape());
    }

    /**
     * Initialises {@code p} (at {@code offset} of the flat {@code values}) chunk by chunk (1M floats of
     * heap at a time, the same random sequence as one pass): a 10M-row embedding table is never one
     * Java array, so a model compiles in a heap smaller than its parameters.
     */
    private static void initialise(Param p, INDArray values, long offset, Random rng) {
        long[] s = p.shape();
        long fanOut = s.length > 0 ? s[0] : 1;
        long fanIn = s.length > 1 ? p.length() / fanOut : 1;
        if (p.length() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("parameter " + p.name() + " has " + p.length() + " values, more than "
                    + Integer.MAX_VALUE);
        }
        long n = p.length();
        if (n == 0) {
            return;
        }
        float[] data = new float[(int) Math.min(n, INIT_CHUNK)];
        for (long from = 0; from < n; from += data.length) {
            int len = (int) Math.min(data.length, n - from);
            switch (p.init()) {
                case ZERO -> java.util.Arrays.fill(data, 0f);
                case ONE -> java.util.Arrays.fill(data, 1f);
                case XAVIER -> {
                    double lim = Math.sqrt(6.0 / (fanIn + fanOut));
                    for (int i = 0; i < len; i++) {
                        data[i] = (float) ((rng.nextDouble() * 2 - 1) * lim);
                    }
                }
                case FAN_IN_UNIFORM -> {
                    double lim = 1 / Math.sqrt(fanIn);
                    for (int i = 0; i < len; i++) {
                        data[i] = (float) ((rng.nextDouble() * 2 - 1) * lim);
                    }
                }
                case HE -> {
                    double sd = Math.sqrt(2.0 / fanIn);
                    for (int i = 0; i < len; i++) {
                        data[i] = (float) (rng.nextGaussian() * sd);
                    }
                }
                case EMBEDDING -> {
                    for (int i = 0; i < len; i++) {
                        data[i] = (float) (rng.nextGaussian() * 0.05);
                    }
                }
            }
            INDArray chunk = Nd4j.createFromArray(len == data.length ? data : java.util.Arrays.copyOf(data, len));
            values.get(NDArrayIndex.interval(offset + from, offset + from + len)).assign(chunk);
        }
    }

    private static final int INIT_CHUNK = 1 << 20;

    public List<Param> params() {
        return Collections.unmodifiableList(params);
    }

    /** Flat parameter buffer (after allocate). */
    public INDArray values() {
        return values;
    }

    /** Flat gradient buffer of the dense parameters (after allocate; embedding tables are not in it). */
    public INDArray grads() {
        return grads;
    }

    /** The embedding tables, in layout order (after allocate). */
    public List<Param> tables() {
        return Collections.unmodifiableList(tables);
    }

    /** Length of the dense gradient buffer. */
    public long gradLength() {
        return gradLength;
    }

    /** Length of the shared prefix [0, sharedGradLength) of the gradient buffer. */
    public long sharedGradLength() {
        return sharedGradLength;
    }

    /** Start of the last shared layer inside the shared prefix of the gradient buffer. */
    public long lastSharedGradOffset() {
        return lastSharedGradOffset;
    }

    /**
     * The whole gradient in the layout of {@link #values()} (tables written densely): for tests and
     * diagnostics, never on the training path.
     */
    public float[] gradientArray() {
        float[] out = new float[(int) length()];
        float[] dense = gradLength == 0 ? new float[0] : Mat.of(grads).get(new float[(int) gradLength]);
        for (Param p : params) {
            if (p.table()) {
                RowBlock rb = p.rowGradient();
                int dim = rb.dim();
                for (int i = 0; i < rb.count(); i++) {
                    int base = (int) p.offset() + rb.ids()[i] * dim;
                    for (int k = 0; k < dim; k++) {
                        out[base + k] += rb.values()[i * dim + k];
                    }
                }
            } else {
                System.arraycopy(dense, (int) p.gradOffset(), out, (int) p.offset(), (int) p.length());
            }
        }
        return out;
    }

    public long length() {
        return values == null ? 0 : values.length();
    }

    /** Length of the shared prefix [0, sharedLength). */
    public long sharedLength() {
        return sharedLength;
    }

    /** Start of the last shared layer inside the shared prefix. */
    public long lastSharedOffset() {
        return lastSharedOffset;
    }

    /** Zeroes the dense gradients and forgets the touched rows of every table: O(dense + touched). */
    public void zeroGrads() {
        if (gradLength > 0) {
            Mat.of(grads).zero();
        }
        for (Param t : tables) {
            t.rowGradient().clear();
        }
    }

    /** The contiguous range [from, to) of the parameters owned by {@code owner}, or null if none. */
    public long[] range(String owner) {
        long from = -1;
        long to = -1;
        for (Param p : params) {
            if (p.owner().equals(owner)) {
                from = from < 0 ? p.offset() : Math.min(from, p.offset());
                to = Math.max(to, p.offset() + p.length());
            }
        }
        return from < 0 ? null : new long[] {from, to};
    }
}
