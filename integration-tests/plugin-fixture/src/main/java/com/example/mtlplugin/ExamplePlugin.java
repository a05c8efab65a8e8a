package com.example.mtlplugin;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import org.mtl4j.spi.MtlPlugin;
import org.mtl4j.spi.PluginBindings;

/** Registers {@link InverseLossWeighting} and {@link BrierScore} by name. */
public final class ExamplePlugin implements MtlPlugin {
    @Override
    public String name() {
        return "example-plugin";
    }

    @Override
    public Module module() {
        return new AbstractModule() {
            @Override
            protected void configure() {
                PluginBindings.lossWeightings(binder()).addBinding(InverseLossWeighting.NAME).toInstance(new InverseLossWeighting.Factory());
                PluginBindings.metrics(binder()).addBinding(BrierScore.NAME).toInstance(new BrierScore());
            }
        };
    }
}
