package org.mtl4j.api.backend;

import java.util.List;

/**
 * A flat view of a gradient (or parameter) vector held in a backend's own buffers. Balancers do all
 * their arithmetic through these operations, so they never copy to {@code double[]} on the hot path
 * and work unchanged on every backend. Two vectors taking part in one operation must have the same
 * {@link #length()}.
 */
public interface GradientVector {

    int length();

    double dot(GradientVector other);

    default double norm() {
        return Math.sqrt(dot(this));
    }

    /** this *= alpha. */
    void scale(double alpha);

    /** this += alpha * x. */
    void axpy(double alpha, GradientVector x);

    /** this = other (element-wise copy). */
    void assign(GradientVector other);

    /** this = 0. */
    void zero();

    /** Clamp each element into [-limit, limit]; returns how many elements were changed. */
    long clampValues(double limit);

    /** True if no element is NaN or infinite. */
    boolean isFinite();

    /** A new vector of the same backend and length holding a copy of this one. */
    GradientVector copy();

    /** A new zero vector of the same backend and length. */
    default GradientVector zerosLike() {
        GradientVector z = copy();
        z.zero();
        return z;
    }

    /** Copy out as doubles. For element-wise methods (GradDrop) and tests, not for hot paths. */
    double[] toArray();

    /** Overwrite from doubles (length must match). */
    void set(double[] values);

    /** A function of the values that several vectors hold at one element. */
    @FunctionalInterface
    interface ElementwiseCombiner {
        /** The result at one element from {@code column[k]}, the k-th input's value there; all zeros must give 0. */
        double apply(double[] column);
    }

    /**
     * this[e] = f(inputs[0][e], ..., inputs[T-1][e]) at every element e where some input is non-zero
     * (or NaN), visited in increasing e; this[e] = 0 at every other element. For element-wise
     * aggregators (GradDrop). The default copies through {@link #toArray()} and {@link #set}; a backend
     * whose gradients are sparse (embedding rows) overrides it to visit only the union of their supports.
     */
    default void combine(List<? extends GradientVector> inputs, ElementwiseCombiner f) {
        int t = inputs.size();
        double[][] g = new double[t][];
        for (int k = 0; k < t; k++) {
            if (inputs.get(k).length() != length()) {
                throw new IllegalArgumentException("gradient lengths differ: " + length() + " vs " + inputs.get(k).length());
            }
            g[k] = inputs.get(k).toArray();
        }
        double[] out = new double[length()];
        double[] column = new double[t];
        for (int e = 0; e < out.length; e++) {
            boolean any = false;
            for (int k = 0; k < t; k++) {
                column[k] = g[k][e];
                any |= column[k] != 0 || Double.isNaN(column[k]);
            }
            out[e] = any ? f.apply(column) : 0;
        }
        set(out);
    }

    /**
     * The Euclidean norm of each of {@code units} consecutive, equally long slices (unit-wise
     * clipping, AGC). The default copies through {@link #toArray()}; backends may override it.
     *
     * @throws IllegalArgumentException if {@code units} is not positive or does not divide {@link #length()}
     */
    default double[] unitNorms(int units) {
        int per = unitLength(length(), units);
        double[] a = toArray();
        double[] norms = new double[units];
        for (int u = 0; u < units; u++) {
            double s = 0;
            for (int i = u * per; i < (u + 1) * per; i++) {
                s += a[i] * a[i];
            }
            norms[u] = Math.sqrt(s);
        }
        return norms;
    }

    /**
     * Multiplies slice {@code u} of {@code factors.length} consecutive, equally long slices by
     * {@code factors[u]}. The default copies through {@link #toArray()} and {@link #set}; backends may
     * override it.
     *
     * @throws IllegalArgumentException if {@code factors.length} is 0 or does not divide {@link #length()}
     */
    default void scaleUnits(double[] factors) {
        int per = unitLength(length(), factors.length);
        double[] a = toArray();
        for (int u = 0; u < factors.length; u++) {
            for (int i = u * per; i < (u + 1) * per; i++) {
                a[i] *= factors[u];
            }
        }
        set(a);
    }

    /** Elements per unit; checks that {@code units} divides {@code length}. */
    private static int unitLength(int length, int units) {
        if (units <= 0 || length % units != 0) {
            throw new IllegalArgumentException("units must be positive and divide the gradient length " + length
                    + ", found " + units);
        }
        return length / units;
    }
}
