package org.mtl4j.dsl;

import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.Defaults;

/**
 * Static entry points for the optimiser:
 * <pre>{@code
 * Optimizer.adam(1e-3)
 * Optimizer.adam(1e-3).betas(0.9, 0.98).epsilon(1e-6)
 * Optimizer.adamw(1e-3, 0.01)          // decoupled weight decay (Loshchilov & Hutter 2019)
 * Optimizer.sgd(0.1).momentum(0.9)
 * Optimizer.adagrad(0.05)
 * }</pre>
 */
public final class Optimizer {
    private Optimizer() {
    }

    public static Choice adam(double learningRate) {
        return new Choice("adam", learningRate);
    }

    public static Choice adamw(double learningRate, double weightDecay) {
        return new Choice("adamw", learningRate).weightDecay(weightDecay);
    }

    public static Choice sgd(double learningRate) {
        return new Choice("sgd", learningRate);
    }

    public static Choice adagrad(double learningRate) {
        return new Choice("adagrad", learningRate);
    }

    /** Builder of an {@link OptimizerSpec}; values are checked when the model is built. */
    public static final class Choice {
        private final String name;
        private final double learningRate;
        private double beta1 = Defaults.BETA1;
        private double beta2 = Defaults.BETA2;
        private double epsilon = Defaults.EPSILON;
        private double momentum;
        private double weightDecay;

        Choice(String name, double learningRate) {
            this.name = name;
            this.learningRate = learningRate;
        }

        public String name() {
            return name;
        }

        public Choice betas(double b1, double b2) {
            this.beta1 = b1;
            this.beta2 = b2;
            return this;
        }

        public Choice epsilon(double e) {
            this.epsilon = e;
            return this;
        }

        public Choice momentum(double m) {
            this.momentum = m;
            return this;
        }

        public Choice weightDecay(double wd) {
            this.weightDecay = wd;
            return this;
        }

        /** The record; throws the record's {@link IllegalArgumentException} on a bad value. */
        public OptimizerSpec toSpec() {
            return new OptimizerSpec(name, learningRate, beta1, beta2, epsilon, momentum, weightDecay);
        }
    }
}
