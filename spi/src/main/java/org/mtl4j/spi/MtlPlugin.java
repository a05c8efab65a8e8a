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

    default int rank() {
        return 0;
    }

    Module module();
}
