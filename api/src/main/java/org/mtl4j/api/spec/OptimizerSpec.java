package org.mtl4j.api.spec;

import org.mtl4j.api.Checks;

/**
 * The optimiser: {@code adam}, {@code adamw} (decoupled weight decay, Loshchilov &amp; Hutter 2019),
 * {@code sgd} (with momentum) or {@code adagrad}.
 */
public record OptimizerSpec(String name, double learningRate, double beta1, double beta2, double epsilon,
        double momentum, double weightDecay) {
    public OptimizerSpec {
        Checks.notNull("optimizer name", name);
        if (!java.util.Set.of("adam", "adamw", "sgd", "adagrad").contains(name)) {
            throw new IllegalArgumentException("unknown optimizer \"" + name + "\" (known: adam, adamw, sgd, adagrad)");
        }
        Checks.positive("optimizer learningRate", learningRate);
        Checks.inRange("optimizer beta1", beta1, 0, 0.999999);
        Checks.inRange("optimizer beta2", beta2, 0, 0.99999999);
        Checks.positive("optimizer epsilon", epsilon);
        Checks.inRange("optimizer momentum", momentum, 0, 0.999999);
        Checks.nonNegative("optimizer weightDecay", weightDecay);
    }

    public static OptimizerSpec adam(double lr) {
        return new OptimizerSpec("adam", lr, 0.9, 0.999, 1e-8, 0, 0);
    }

    public static OptimizerSpec adamw(double lr, double weightDecay) {
        return new OptimizerSpec("adamw", lr, 0.9, 0.999, 1e-8, 0, weightDecay);
    }

    public static OptimizerSpec sgd(double lr, double momentum) {
        return new OptimizerSpec("sgd", lr, 0.9, 0.999, 1e-8, momentum, 0);
    }

    public static OptimizerSpec adagrad(double lr) {
        return new OptimizerSpec("adagrad", lr, 0.9, 0.999, 1e-8, 0, 0);
    }
}
