package org.mtl4j.api.balance;

import java.util.Map;

/**
 * Makes a balancing plugin ({@link LossWeighting}, {@link GradientAggregator}, {@link Clipper}) from
 * its spec parameters; bound by name in the plugin registry. The nested {@code Factory} types of the
 * three SPIs extend it with their {@code T}, so a factory written against either compiles.
 *
 * @param <T> what it makes
 */
@FunctionalInterface
public interface PluginFactory<T> {
    /** A fresh instance for one training run, reading its parameters from {@code ctx.ref()}. */
    T create(BalancerContext ctx);

    /** One line for {@code mtl4j plugins} and the README table. */
    default String description() {
        return "";
    }

    /** The parameters it reads, with defaults. */
    default Map<String, Double> defaults() {
        return Map.of();
    }
}
