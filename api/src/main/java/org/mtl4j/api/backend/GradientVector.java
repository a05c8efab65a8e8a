package org.mtl4j.api.backend;

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
}
