package org.mtl4j.backend.dl4j;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import org.mtl4j.spi.MtlPlugin;
import org.mtl4j.spi.PluginBindings;

/** Contributes the {@code dl4j} backend to the plugin registry. */
public final class Dl4jPlugin implements MtlPlugin {

    @Override
    public String name() {
        return "dl4j";
    }

    @Override
    public int rank() {
        return 100;
    }

    @Override
    public Module module() {
        return new AbstractModule() {
            @Override
            protected void configure() {
                PluginBindings.backends(binder()).addBinding(Dl4jBackend.NAME).toInstance(new Dl4jBackend());
            }
        };
    }
}
