package org.mtl4j.balancers.internal;

import java.util.List;
import org.mtl4j.api.backend.GradientVector;

/** Gram matrices of task gradients and linear combinations written back through {@link GradientVector}. */
public final class Grams {
    private Grams() {
    }

    /** {@code M[i][j] = g_i . g_j}: T(T+1)/2 dot products, the only pass over the gradients most aggregators make. */
    public static double[][] of(List<GradientVector> grads) {
        int t = grads.size();
        double[][] m = new double[t][t];
        for (int i = 0; i < t; i++) {
            for (int j = i; j < t; j++) {
                double d = grads.get(i).dot(grads.get(j));
                m[i][j] = d;
                m[j][i] = d;
            }
        }
        return m;
    }

    /** {@code out = sum_k coefficients[k] g_k} (T axpy passes; zero coefficients are skipped). */
    public static void combine(double[] coefficients, List<GradientVector> grads, GradientVector out) {
        out.zero();
        for (int k = 0; k < coefficients.length; k++) {
            if (coefficients[k] != 0) {
                out.axpy(coefficients[k], grads.get(k));
            }
        }
    }

    /**
     * Checks the aggregator's inputs: at least one task gradient, the expected count when known, and one
     * length for all of them and {@code out}. Messages name the aggregator and the value found.
     */
    public static void checkInputs(String aggregator, int expectedTasks, List<GradientVector> grads,
            GradientVector out) {
        if (grads == null || grads.isEmpty()) {
            throw new IllegalArgumentException("gradient aggregator '" + aggregator + "' needs at least one task gradient, found "
                    + (grads == null ? "null" : "none"));
        }
        if (expectedTasks > 0 && grads.size() != expectedTasks) {
            throw new IllegalArgumentException("gradient aggregator '" + aggregator + "' was created for " + expectedTasks
                    + " tasks, found " + grads.size() + " task gradients");
        }
        int n = out.length();
        for (int k = 0; k < grads.size(); k++) {
            if (grads.get(k).length() != n) {
                throw new IllegalArgumentException("gradient aggregator '" + aggregator + "': task gradient " + k
                        + " has length " + grads.get(k).length() + ", expected " + n + " (the output's length)");
            }
        }
    }
}
