package org.mtl4j.spi;

import com.google.inject.Module;

/**
 * A plugin: a name, a rank (higher wins when a default must be picked, as DJL's engines) and a Guice
 * module that adds named bindings through {@link PluginBindings}. Plugins are found with
 * {@link java.util.ServiceLoader} ({@code META-INF/services/org.mtl4j.spi.MtlPlugin}) or
 * installed explicitly. Two plugins binding the same name of the same kind is an error naming both.
 */
public interface MtlPlugin {

    String name();

    /**
     * Higher wins when a default must be picked, as DJL ranks its engines: a spec that names no
     * backend gets the backend of the highest-ranked plugin, unless the system property
     * {@code mtl4j.backend} or the environment variable {@code MTL4J_BACKEND} names one
     * ({@code MtlRuntime.defaultBackend()}). The dl4j backend ranks 100, tribuo 0.
     */
    default int rank() {
        return 0;
    }

    Module module();
}
