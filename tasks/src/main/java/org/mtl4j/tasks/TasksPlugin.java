package org.mtl4j.tasks;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import org.mtl4j.api.spec.TaskKind;
import org.mtl4j.spi.MtlPlugin;
import org.mtl4j.spi.PluginBindings;

/**
 * The built-in metrics and task kinds as a plugin, found through
 * {@code META-INF/services/org.mtl4j.spi.MtlPlugin}: every metric of {@link Metrics#builtIn()} and the
 * three task kinds of {@link TaskKind}.
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
