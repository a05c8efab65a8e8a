package org.mtl4j.balancers.aggregation;

import org.mtl4j.api.balance.PlainState;
import java.util.List;
import org.mtl4j.api.backend.GradientVector;
import org.mtl4j.api.balance.AggregationContext;
import org.mtl4j.api.balance.GradientAggregator;
import org.mtl4j.balancers.internal.Grams;

/**
 * An aggregator whose result is a linear combination {@code out = sum_k c_k g_k} with coefficients
 * computed from the Gram matrix {@code M[i][j] = g_i . g_j} alone. The inputs are not modified;
 * {@code out} must not be one of them. If the Gram matrix is not finite (a diverging step) the
 * coefficients fall back to all ones (the plain sum), so the non-finite values reach {@code out} and the
 * training loop reports the divergence instead of a solver hiding it.
 *
 * <p>A task whose gradient is exactly zero (it had no labelled rows in the batch) takes no part: the
 * method runs on the other tasks as if it were absent (T counts only them), its coefficient is 0 and its
 * per-task state is left alone. Otherwise a zero gradient would, e.g., make MGDA's min-norm point 0 and
 * stop every task for that step.
 */
public abstract class CoefficientAggregator implements GradientAggregator {
    private final String name;
    private final int tasks;
    private double[] last = new double[0];

    /**
     * @param name the registry name, for error messages
     * @param tasks the number of tasks the instance serves (0: any)
     */
    protected CoefficientAggregator(String name, int tasks) {
        this.name = name;
        this.tasks = tasks;
    }

    /**
     * The coefficients c_k for this Gram matrix.
     *
     * @param gram the Gram matrix of the tasks taking part (n x n, symmetric, finite, positive diagonal)
     * @param tasks the original task index of each row of {@code gram} (for per-task state)
     */
    protected abstract double[] coefficients(double[][] gram, int[] tasks, AggregationContext ctx);

    @Override
    public final void aggregate(List<GradientVector> taskGradients, GradientVector out, AggregationContext ctx) {
        Grams.checkInputs(name, tasks, taskGradients, out);
        double[][] gram = Grams.of(taskGradients);
        int t = gram.length;
        double[] c = new double[t];
        if (!finite(gram)) {
            java.util.Arrays.fill(c, 1.0);
        } else {
            int[] active = java.util.stream.IntStream.range(0, t).filter(k -> gram[k][k] > 0).toArray();
            if (active.length == t) {
                c = coefficients(gram, active, ctx);
            } else if (active.length > 0) {
                double[][] sub = new double[active.length][active.length];
                for (int i = 0; i < active.length; i++) {
                    for (int j = 0; j < active.length; j++) {
                        sub[i][j] = gram[active[i]][active[j]];
                    }
                }
                double[] s = coefficients(sub, active, ctx);
                for (int i = 0; i < active.length; i++) {
                    c[active[i]] = s[i];
                }
            }
        }
        last = c.clone();
        Grams.combine(c, taskGradients, out);
    }

    /** The coefficients c_k of the last combination, {@code out = sum_k c_k g_k} (empty before the first). */
    @Override
    public double[] lastCoefficients() {
        return last.clone();
    }

    public String name() {
        return name;
    }

    private static boolean finite(double[][] m) {
        for (double[] row : m) {
            for (double x : row) {
                if (!Double.isFinite(x)) {
                    return false;
                }
            }
        }
        return true;
    }

    static double[] ones(int n) {
        double[] c = new double[n];
        java.util.Arrays.fill(c, 1.0);
        return c;
    }

    /** Fisher-Yates shuffle of {@code 0..n-1} without {@code skip}. */
    static int[] shuffledOthers(int n, int skip, java.util.Random rng) {
        int[] order = new int[n - 1];
        for (int i = 0, k = 0; i < n; i++) {
            if (i != skip) {
                order[k++] = i;
            }
        }
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** The last coefficients and what {@link #saveMore} adds. */
    @Override
    public final PlainState saveState() {
        PlainState.Builder b = PlainState.builder().put("last", last);
        saveMore(b);
        return b.build();
    }

    @Override
    public final void restoreState(PlainState s) {
        double[] l = s.getDoubles("last");
        restoreMore(s);
        last = l;
    }

    /** A subclass's own state (random generator, targets ...); the default keeps none. */
    protected void saveMore(PlainState.Builder b) {
    }

    /** Restores what {@link #saveMore} wrote. */
    protected void restoreMore(PlainState s) {
    }
}
