package org.mtl4j.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.mtl4j.api.backend.ArrayGradientVector;
import org.mtl4j.api.backend.GradientVector;

/** Seeded gradient fixtures for the balancer contracts. */
public final class Gradients {
    private Gradients() {
    }

    /** {@code tasks} random Gaussian gradients of length {@code n}. */
    public static List<GradientVector> random(int tasks, int n, long seed) {
        Random rng = new Random(seed);
        List<GradientVector> out = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = rng.nextGaussian();
            }
            out.add(new ArrayGradientVector(v));
        }
        return out;
    }

    public static List<GradientVector> copies(List<GradientVector> grads) {
        return grads.stream().map(GradientVector::copy).toList();
    }

    public static double[] values(GradientVector g) {
        return g.toArray();
    }

    public static double cosine(GradientVector a, GradientVector b) {
        double na = a.norm();
        double nb = b.norm();
        return na == 0 || nb == 0 ? 0 : a.dot(b) / (na * nb);
    }
}
