package org.mtl4j.dsl;

/**
 * The optimiser entry points under their old name.
 *
 * @deprecated since 0.1.0, for one release: use {@link Optimizer} (a DSL entry class is named like the
 *     {@link ModelBuilder} method it feeds: {@code .optimizer(Optimizer.adam(1e-3))}).
 */
@Deprecated(since = "0.1.0", forRemoval = true)
public final class Optimizers {
    private Optimizers() {
    }

    /** @deprecated use {@link Optimizer#adam(double)} */
    @Deprecated(since = "0.1.0", forRemoval = true)
    public static Optimizer.Choice adam(double learningRate) {
        return Optimizer.adam(learningRate);
    }

    /** @deprecated use {@link Optimizer#adamw(double, double)} */
    @Deprecated(since = "0.1.0", forRemoval = true)
    public static Optimizer.Choice adamw(double learningRate, double weightDecay) {
        return Optimizer.adamw(learningRate, weightDecay);
    }

    /** @deprecated use {@link Optimizer#sgd(double)} */
    @Deprecated(since = "0.1.0", forRemoval = true)
    public static Optimizer.Choice sgd(double learningRate) {
        return Optimizer.sgd(learningRate);
    }

    /** @deprecated use {@link Optimizer#adagrad(double)} */
    @Deprecated(since = "0.1.0", forRemoval = true)
    public static Optimizer.Choice adagrad(double learningRate) {
        return Optimizer.adagrad(learningRate);
    }
}
