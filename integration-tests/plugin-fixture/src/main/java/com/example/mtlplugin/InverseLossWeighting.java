package com.example.mtlplugin;

import java.util.Map;
import org.mtl4j.api.balance.BalancerContext;
import org.mtl4j.api.balance.LossWeighting;
import org.mtl4j.api.balance.WeightingContext;

/**
 * Weights each task by the inverse of an exponential moving average of its loss, renormalised so the
 * weights sum to the number of tasks: w_k = T * (1/m_k) / sum_j (1/m_j), m_k = (1-beta) m_k + beta L_k.
 * Tasks whose loss is large on an absolute scale (e.g. a regression in large units) stop drowning the
 * others. Tasks without labelled rows keep their average.
 */
public final class InverseLossWeighting implements LossWeighting {
    public static final String NAME = "inverse-loss";

    private final double beta;
    private final double[] average;

    InverseLossWeighting(int tasks, double beta) {
        this.beta = beta;
        this.average = new double[tasks];
    }

    @Override
    public double[] weights(WeightingContext ctx) {
        int t = average.length;
        for (int k = 0; k < t; k++) {
            if (ctx.labelled()[k] > 0 && Double.isFinite(ctx.losses()[k])) {
                average[k] = average[k] == 0 ? ctx.losses()[k] : (1 - beta) * average[k] + beta * ctx.losses()[k];
            }
        }
        double[] w = new double[t];
        double sum = 0;
        for (int k = 0; k < t; k++) {
            w[k] = 1.0 / Math.max(average[k], 1e-6);
            sum += w[k];
        }
        for (int k = 0; k < t; k++) {
            w[k] = t * w[k] / sum;
        }
        return w;
    }

    @Override
    public Map<String, Double> state() {
        Map<String, Double> s = new java.util.TreeMap<>();
        for (int k = 0; k < average.length; k++) {
            s.put("average." + k, average[k]);
        }
        return s;
    }

    /** The factory bound under {@link #NAME}. */
    public static final class Factory implements LossWeighting.Factory {
        @Override
        public LossWeighting create(BalancerContext ctx) {
            double beta = ctx.ref().param("beta", 0.1);
            if (!(beta > 0 && beta <= 1)) {
                throw new IllegalArgumentException("inverse-loss beta must be in (0, 1], found " + beta);
            }
            return new InverseLossWeighting(ctx.taskCount(), beta);
        }

        @Override
        public String description() {
            return "weights tasks by the inverse of their moving-average loss (example third-party plugin)";
        }

        @Override
        public Map<String, Double> defaults() {
            return Map.of("beta", 0.1);
        }
    }
}
