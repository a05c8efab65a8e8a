package org.mtl4j.balancers;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import org.mtl4j.spi.MtlPlugin;
import org.mtl4j.spi.PluginBindings;

/**
 * The built-in balancers as a plugin, found through {@code META-INF/services/org.mtl4j.spi.MtlPlugin}:
 * every loss weighting, gradient aggregator and clipper of {@link Balancers}, under its catalogue name.
 */
public final class BalancersPlugin implements MtlPlugin {
    public static final String NAME = "balancers";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Module module() {
        return new AbstractModule() {
            @Override
            protected void configure() {
                Balancers.lossWeightings().forEach((n, f) -> PluginBindings.lossWeightings(binder()).addBinding(n).toInstance(f));
                Balancers.gradientAggregators()
                        .forEach((n, f) -> PluginBindings.gradientAggregators(binder()).addBinding(n).toInstance(f));
                Balancers.clippers().forEach((n, f) -> PluginBindings.clippers(binder()).addBinding(n).toInstance(f));
            }
        };
    }

    @Override
    public String toString() {
        return "plugin '" + NAME + "' (" + getClass().getName() + ")";
    }
}
