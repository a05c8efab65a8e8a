package org.mtl4j.backend.tribuo;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import org.mtl4j.spi.MtlPlugin;
import org.mtl4j.spi.PluginBindings;

/** Registers the {@link TribuoBackend} under the name {@code "tribuo"}. */
public final class TribuoPlugin implements MtlPlugin {

    @Override
    public String name() {
        return TribuoBackend.NAME;
    }

    @Override
    public Module module() {
        return new AbstractModule() {
            @Override
            protected void configure() {
                PluginBindings.backends(binder()).addBinding(TribuoBackend.NAME).toInstance(new TribuoBackend());
            }
        };
    }
}
