package org.mtl4j.balancers.internal;

/**
 * Adam (Kingma &amp; Ba, ICLR 2015, Alg. 1) on a handful of scalars, each with its own step count so that a
 * scalar skipped in a step (a task without labels) keeps its moments untouched. With {@code adam = false}
 * it is plain SGD.
 */
public final class ScalarAdam implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPS = 1e-8;
    private final double lr;
    private final boolean adam;
    private final double[] m;
    private final double[] v;
    private final long[] steps;

    public ScalarAdam(int size, double lr, boolean adam) {
        this.lr = lr;
        this.adam = adam;
        this.m = new double[size];
        this.v = new double[size];
        this.steps = new long[size];
    }

    /** The update to add to parameter {@code i} for gradient {@code grad} (a descent step). */
    public double step(int i, double grad) {
        if (!adam) {
            return -lr * grad;
        }
        steps[i]++;
        m[i] = BETA1 * m[i] + (1 - BETA1) * grad;
        v[i] = BETA2 * v[i] + (1 - BETA2) * grad * grad;
        double mHat = m[i] / (1 - Math.pow(BETA1, steps[i]));
        double vHat = v[i] / (1 - Math.pow(BETA2, steps[i]));
        return -lr * mHat / (Math.sqrt(vHat) + EPS);
    }
}
