package org.mtl4j.api.backend;

import java.util.Arrays;

/** A {@link GradientVector} over a plain {@code double[]}: the reference implementation, used by tests and small backends. */
public final class ArrayGradientVector implements GradientVector {
    private final double[] v;

    public ArrayGradientVector(double... values) {
        this.v = values;
    }

    public static ArrayGradientVector zeros(int n) {
        return new ArrayGradientVector(new double[n]);
    }

    /** The backing array (not a copy). */
    public double[] values() {
        return v;
    }

    @Override
    public int length() {
        return v.length;
    }

    private double[] other(GradientVector o) {
        if (o.length() != v.length) {
            throw new IllegalArgumentException("gradient lengths differ: " + v.length + " vs " + o.length());
        }
        return o instanceof ArrayGradientVector a ? a.v : o.toArray();
    }

    @Override
    public double dot(GradientVector other) {
        double[] o = other(other);
        double s = 0;
        for (int i = 0; i < v.length; i++) {
            s += v[i] * o[i];
        }
        return s;
    }

    @Override
    public void scale(double alpha) {
        for (int i = 0; i < v.length; i++) {
            v[i] *= alpha;
        }
    }

    @Override
    public void axpy(double alpha, GradientVector x) {
        double[] o = other(x);
        for (int i = 0; i < v.length; i++) {
            v[i] += alpha * o[i];
        }
    }

    @Override
    public void assign(GradientVector other) {
        System.arraycopy(other(other), 0, v, 0, v.length);
    }

    @Override
    public void zero() {
        Arrays.fill(v, 0);
    }

    @Override
    public long clampValues(double limit) {
        long n = 0;
        for (int i = 0; i < v.length; i++) {
            if (v[i] > limit) {
                v[i] = limit;
                n++;
            } else if (v[i] < -limit) {
                v[i] = -limit;
                n++;
            }
        }
        return n;
    }

    @Override
    public boolean isFinite() {
        for (double x : v) {
            if (!Double.isFinite(x)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public GradientVector copy() {
        return new ArrayGradientVector(v.clone());
    }

    @Override
    public double[] toArray() {
        return v.clone();
    }

    @Override
    public void set(double[] values) {
        if (values.length != v.length) {
            throw new IllegalArgumentException("gradient lengths differ: " + v.length + " vs " + values.length);
        }
        System.arraycopy(values, 0, v, 0, v.length);
    }

    @Override
    public double[] unitNorms(int units) {
        int per = unitLength(units);
        double[] norms = new double[units];
        for (int u = 0; u < units; u++) {
            double s = 0;
            for (int i = u * per, end = i + per; i < end; i++) {
                s += v[i] * v[i];
            }
            norms[u] = Math.sqrt(s);
        }
        return norms;
    }

    @Override
    public void scaleUnits(double[] factors) {
        int per = unitLength(factors.length);
        for (int u = 0; u < factors.length; u++) {
            double f = factors[u];
            for (int i = u * per, end = i + per; i < end; i++) {
                v[i] *= f;
            }
        }
    }

    private int unitLength(int units) {
        if (units <= 0 || v.length % units != 0) {
            throw new IllegalArgumentException("units must be positive and divide the gradient length " + v.length
                    + ", found " + units);
        }
        return v.length / units;
    }

    @Override
    public String toString() {
        return Arrays.toString(v);
    }
}
