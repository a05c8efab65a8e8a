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
    private final List<Runnable> onAllocate = new ArrayList<>();
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

    /** Lays out and initialises every declared parameter. */
    public void allocate(long seed) {
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
        values = Nd4j.create(DataType.FLOAT, Math.max(total, 1));
        grads = Nd4j.create(DataType.FLOAT, Math.max(gradTotal, 1));
        Random rng = new Random(seed);
        tables.clear();
        for (Param p : order) {
            p.value = view(values, p.offset, p);
            if (p.table()) {
                p.rowGradient = RowBlock.accumulator((int) p.shape()[0], (int) p.shape()[1]);
                tables.add(p);
            } else {
                p.grad = view(grads, p.gradOffset, p);
            }
            initialise(p, rng);
        }
        params.clear();
        params.addAll(order);
        for (Runnable r : onAllocate) {
            r.run();
        }
    }

    /**
     * Runs {@code r} at the end of {@link #allocate}, once the values are initialised: for a layer whose
     * parameters must start from values of its own (a pretrained network bound to its views).
     */
    public void afterAllocate(Runnable r) {
        if (values != null) {
            throw new IllegalStateException("ParamStore already allocated");
        }
        onAllocate.add(r);
    }

    private static INDArray view(INDArray flat, long offset, Param p) {
        INDArray slice = flat.get(NDArrayIndex.interval(offset, offset + p.length()));
        return slice.reshape('c', p.shape());
    }

    private static void initialise(Param p, Random rng) {
        long[] s = p.shape();
        long fanOut = s.length > 0 ? s[0] : 1;
        long fanIn = s.length > 1 ? p.length() / fanOut : 1;
        if (p.length() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("parameter " + p.name() + " has " + p.length() + " values, more than "
                    + Integer.MAX_VALUE);
        }
        float[] data = new float[(int) p.length()];
        switch (p.init()) {
            case ZERO -> {
            }
            case ONE -> java.util.Arrays.fill(data, 1f);
            case XAVIER -> {
                double lim = Math.sqrt(6.0 / (fanIn + fanOut));
                for (int i = 0; i < data.length; i++) {
                    data[i] = (float) ((rng.nextDouble() * 2 - 1) * lim);
                }
            }
            case FAN_IN_UNIFORM -> {
                double lim = 1 / Math.sqrt(fanIn);
                for (int i = 0; i < data.length; i++) {
                    data[i] = (float) ((rng.nextDouble() * 2 - 1) * lim);
                }
            }
            case HE -> {
                double sd = Math.sqrt(2.0 / fanIn);
                for (int i = 0; i < data.length; i++) {
                    data[i] = (float) (rng.nextGaussian() * sd);
                }
            }
            case EMBEDDING -> {
                for (int i = 0; i < data.length; i++) {
                    data[i] = (float) (rng.nextGaussian() * 0.05);
                }
            }
        }
        p.value.assign(Nd4j.createFromArray(data).reshape('c', s));
    }

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
