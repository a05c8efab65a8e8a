package org.mtl4j.training.testmodel;

import java.util.Arrays;
import org.mtl4j.api.backend.GradientVector;

/** A {@link GradientVector} viewing {@code length} values of a {@code double[]} from {@code offset} (writes go through). */
public final class SliceVector implements GradientVector {
    private final double[] data;
    private final int offset;
    private final int length;

    public SliceVector(double[] data, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > data.length) {
            throw new IllegalArgumentException("slice [" + offset + ", " + (offset + length) + ") outside an array of " + data.length);
        }
        this.data = data;
        this.offset = offset;
        this.length = length;
    }

    /** A view of {@code len} values of this slice from {@code from} (writes go through). */
    public SliceVector slice(int from, int len) {
        if (from < 0 || len < 0 || from + len > length) {
            throw new IllegalArgumentException("slice [" + from + ", " + (from + len) + ") outside a vector of " + length);
        }
        return new SliceVector(data, offset + from, len);
    }

    @Override
    public int length() {
        return length;
    }

    private double[] values(GradientVector o) {
        if (o.length() != length) {
            throw new IllegalArgumentException("gradient lengths differ: " + length + " vs " + o.length());
        }
        if (o instanceof SliceVector v && v.offset == 0 && v.data.length == length) {
            return v.data;
        }
        return o.toArray();
    }

    @Override
    public double dot(GradientVector other) {
        double[] o = values(other);
        double s = 0;
        for (int i = 0; i < length; i++) {
            s += data[offset + i] * o[i];
        }
        return s;
    }

    @Override
    public void scale(double alpha) {
        for (int i = 0; i < length; i++) {
            data[offset + i] *= alpha;
        }
    }

    @Override
    public void axpy(double alpha, GradientVector x) {
        double[] o = values(x);
        for (int i = 0; i < length; i++) {
            data[offset + i] += alpha * o[i];
        }
    }

    @Override
    public void assign(GradientVector other) {
        System.arraycopy(values(other), 0, data, offset, length);
    }

    @Override
    public void zero() {
        Arrays.fill(data, offset, offset + length, 0);
    }

    @Override
    public long clampValues(double limit) {
        long n = 0;
        for (int i = offset; i < offset + length; i++) {
            if (data[i] > limit) {
                data[i] = limit;
                n++;
            } else if (data[i] < -limit) {
                data[i] = -limit;
                n++;
            }
        }
        return n;
    }

    @Override
    public boolean isFinite() {
        for (int i = offset; i < offset + length; i++) {
            if (!Double.isFinite(data[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public GradientVector copy() {
        return new SliceVector(toArray(), 0, length);
    }

    @Override
    public double[] toArray() {
        return Arrays.copyOfRange(data, offset, offset + length);
    }

    @Override
    public void set(double[] values) {
        if (values.length != length) {
            throw new IllegalArgumentException("gradient lengths differ: " + length + " vs " + values.length);
        }
        System.arraycopy(values, 0, data, offset, length);
    }
}
