package org.mtl4j.dsl.internal;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import org.mtl4j.api.spec.TaskKind;
import org.mtl4j.balancers.Balancers;
import org.mtl4j.dsl.plugin.MtlPlugin;
import org.mtl4j.dsl.plugin.PluginBindings;
import org.mtl4j.tasks.Metrics;

/**
 * The built-in plugin, found through {@code META-INF/services}: every loss weighting, gradient
 * aggregator and clipper of {@link Balancers}, every metric of {@link Metrics#builtIn()} and the
 * three task kinds. Backends come from their own plugins.
 */
public final class CorePlugin implements MtlPlugin {
    public static final String NAME = "core";

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
                Metrics.builtIn().forEach((n, m) -> PluginBindings.metrics(binder()).addBinding(n).toInstance(m));
                for (TaskKind k : TaskKind.values()) {
                    PluginBindings.taskKinds(binder()).addBinding(k.id()).toInstance(k);
                }
            }
        };
    }

    @Override
    public String toString() {
        return "plugin '" + NAME + "' (" + getClass().getName() + ")";
    }
}
