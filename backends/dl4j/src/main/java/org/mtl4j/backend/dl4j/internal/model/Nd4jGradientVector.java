package org.mtl4j.backend.dl4j.internal.model;

import java.nio.FloatBuffer;
import org.mtl4j.api.backend.GradientVector;
import org.mtl4j.backend.dl4j.internal.nn.Blas;
import org.mtl4j.backend.dl4j.internal.nn.Mat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A {@link GradientVector} over a contiguous float range of ND4J memory (a view of the flat
 * gradient or parameter buffer, or a buffer owned by one training step). Arithmetic is BLAS level 1
 * (dot accumulated in double, scal, axpy, copy) and ND4J ops; nothing is copied to the Java heap.
 */
public final class Nd4jGradientVector implements GradientVector {
    private final INDArray array;
    private final Mat mat;

    public Nd4jGradientVector(INDArray flat) {
        if (flat.rank() != 1 && !(flat.rank() == 2 && flat.size(0) == 1)) {
            throw new IllegalArgumentException("gradient vector needs a flat array, found shape " + java.util.Arrays.toString(flat.shape()));
        }
        this.array = flat;
        this.mat = flat.length() == 0 ? null : Mat.of(flat);
    }

    /** The backing ND4J array (a view, not a copy). */
    public INDArray array() {
        return array;
    }

    @Override
    public int length() {
        return (int) array.length();
    }

    private Mat other(GradientVector o) {
        if (o.length() != length()) {
            throw new IllegalArgumentException("gradient lengths differ: " + length() + " vs " + o.length());
        }
        if (o instanceof Nd4jGradientVector n) {
            return n.mat;
        }
        float[] f = new float[o.length()];
        double[] d = o.toArray();
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) d[i];
        }
        return Mat.of(Nd4j.createFromArray(f));
    }

    @Override
    public double dot(GradientVector other) {
        if (length() == 0) {
            return 0;
        }
        return Blas.dot(mat, other(other));
    }

    @Override
    public void scale(double alpha) {
        if (length() > 0) {
            Blas.scal((float) alpha, mat);
        }
    }

    @Override
    public void axpy(double alpha, GradientVector x) {
        if (length() > 0) {
            Blas.axpy((float) alpha, other(x), mat);
        }
    }

    @Override
    public void assign(GradientVector other) {
        if (length() > 0) {
            Blas.copy(other(other), mat);
        }
    }

    @Override
    public void zero() {
        if (length() > 0) {
            mat.zero();
        }
    }

    @Override
    public long clampValues(double limit) {
        if (length() == 0) {
            return 0;
        }
        long n = array.scan(Conditions.absGreaterThan(limit)).longValue();
        if (n > 0) {
            Transforms.min(array, limit, false);
            Transforms.max(array, -limit, false);
        }
        return n;
    }

    @Override
    public boolean isFinite() {
        if (length() == 0) {
            return true;
        }
        if (!mat.contiguous()) {
            return !(BooleanIndexing.or(array, Conditions.isNan()) || BooleanIndexing.or(array, Conditions.isInfinite()));
        }
        // a plain loop over the memory: the training step checks the whole gradient every step, and two ND4J
        // reductions cost about 0.1 ms of set-up each (a fifth of the serial part of a 2-worker MMoE step, issue 15)
        FloatBuffer b = buffer == null ? (buffer = mat.buffer()) : buffer;
        for (int i = 0, n = length(); i < n; i++) {
            if (!Float.isFinite(b.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** A direct buffer over the memory, made on the first finiteness check. */
    private FloatBuffer buffer;

    @Override
    public GradientVector copy() {
        INDArray c = Nd4j.create(DataType.FLOAT, Math.max(length(), 1));
        if (length() == 0) {
            return new Nd4jGradientVector(Nd4j.create(DataType.FLOAT, 0));
        }
        Nd4jGradientVector v = new Nd4jGradientVector(c);
        v.assign(this);
        return v;
    }

    @Override
    public double[] toArray() {
        if (length() == 0) {
            return new double[0];
        }
        float[] f = mat.get(new float[length()]);
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    @Override
    public void set(double[] values) {
        if (values.length != length()) {
            throw new IllegalArgumentException("gradient lengths differ: " + length() + " vs " + values.length);
        }
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        if (mat != null) {
            mat.put(f);
        }
    }

    @Override
    public String toString() {
        return "Nd4jGradientVector[" + length() + "]";
    }
}
