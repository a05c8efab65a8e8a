package org.mtl4j.balancers.internal;

import org.mtl4j.api.balance.PlainState;

/**
 * Adam (Kingma &amp; Ba, ICLR 2015, Alg. 1) on a handful of scalars, each with its own step count so that a
 * scalar skipped in a step (a task without labels) keeps its moments untouched. With {@code adam = false}
 * it is plain SGD.
 */
public final class ScalarAdam {
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

    /** The moments and step counts. */
    public PlainState saveState() {
        return PlainState.builder().put("m", m).put("v", v).put("steps", steps).build();
    }

    /** Restores a {@link #saveState()} of an optimiser of the same size. */
    public void restoreState(PlainState s) {
        double[] nm = s.getDoubles("m", m.length);
        double[] nv = s.getDoubles("v", v.length);
        long[] ns = s.getLongs("steps");
        if (ns.length != steps.length) {
            throw new IllegalArgumentException("saved optimiser has " + ns.length + " step counts, expected " + steps.length);
        }
        System.arraycopy(nm, 0, m, 0, m.length);
        System.arraycopy(nv, 0, v, 0, v.length);
        System.arraycopy(ns, 0, steps, 0, steps.length);
    }
}
