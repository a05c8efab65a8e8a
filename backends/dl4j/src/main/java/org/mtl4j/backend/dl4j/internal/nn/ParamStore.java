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
 * All parameters of a model in one flat float buffer and their gradients in a second one of the
 * same layout. Layers {@link #declare} their tensors while the model is built; {@link #allocate}
 * then lays them out shared-first (so {@code [0, sharedLength)} is the shared slice and the last
 * shared layer is contiguous at its end), creates views and initialises values with the seed.
 */
public final class ParamStore {
    private final List<Param> params = new ArrayList<>();
    private INDArray values;
    private INDArray grads;
    private long sharedLength;
    private long lastSharedOffset;

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
        sharedLength = 0;
        lastSharedOffset = -1;
        for (Param p : order) {
            p.offset = total;
            if (p.lastShared() && lastSharedOffset < 0) {
                lastSharedOffset = total;
            }
            total += p.length();
            if (p.shared()) {
                sharedLength = total;
            }
        }
        if (lastSharedOffset < 0) {
            lastSharedOffset = sharedLength;
        }
        values = Nd4j.create(DataType.FLOAT, Math.max(total, 1));
        grads = Nd4j.create(DataType.FLOAT, Math.max(total, 1));
        Random rng = new Random(seed);
        for (Param p : order) {
            p.value = view(values, p);
            p.grad = view(grads, p);
            initialise(p, rng);
        }
        params.clear();
        params.addAll(order);
    }

    private static INDArray view(INDArray flat, Param p) {
        INDArray slice = flat.get(NDArrayIndex.interval(p.offset, p.offset + p.length()));
        return slice.reshape('c', p.shape());
    }

    private static void initialise(Param p, Random rng) {
        long[] s = p.shape();
        long fanOut = s.length > 0 ? s[0] : 1;
        long fanIn = s.length > 1 ? p.length() / fanOut : 1;
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

    /** Flat gradient buffer (after allocate). */
    public INDArray grads() {
        return grads;
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

    public void zeroGrads() {
        Mat.of(grads).zero();
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
