package org.mtl4j.tasks;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import org.mtl4j.spi.MtlPlugin;
import org.mtl4j.spi.PluginBindings;

/**
 * The built-in metrics as a plugin, found through {@code META-INF/services/org.mtl4j.spi.MtlPlugin}:
 * every metric of {@link Metrics#builtIn()}. (Task kinds are a closed enum, not a plugin kind.)
 */
public final class TasksPlugin implements MtlPlugin {
    public static final String NAME = "tasks";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Module module() {
        return new AbstractModule() {
            @Override
            protected void configure() {
                Metrics.builtIn().forEach((n, m) -> PluginBindings.metrics(binder()).addBinding(n).toInstance(m));
            }
        };
    }

    @Override
    public String toString() {
        return "plugin '" + NAME + "' (" + getClass().getName() + ")";
    }
}
