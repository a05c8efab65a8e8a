package org.mtl4j.dsl.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.mtl4j.api.MtlException;
import org.mtl4j.spi.MtlPlugin;

/**
 * Finds plugins with {@link ServiceLoader} ({@code META-INF/services/org.mtl4j.spi.MtlPlugin})
 * and merges them with explicitly installed ones. A plugin class found both ways is used once (the
 * explicit instance), so installing a discoverable plugin by hand is harmless.
 */
public final class PluginDiscovery {
    private PluginDiscovery() {
    }

    public static List<MtlPlugin> discover(ClassLoader loader) {
        List<MtlPlugin> out = new ArrayList<>();
        try {
            for (MtlPlugin p : ServiceLoader.load(MtlPlugin.class, loader)) {
                out.add(p);
            }
        } catch (ServiceConfigurationError e) {
            throw new MtlException("MTL/PluginError: a plugin listed in META-INF/services/" + MtlPlugin.class.getName()
                    + " cannot be loaded: " + e.getMessage(), e);
        }
        return out;
    }

    /** Explicit plugins first, then discovered ones whose class is not already there; order otherwise kept. */
    public static List<MtlPlugin> merge(List<MtlPlugin> explicit, List<MtlPlugin> discovered) {
        Map<Class<?>, MtlPlugin> byClass = new LinkedHashMap<>();
        for (MtlPlugin p : explicit) {
            byClass.putIfAbsent(p.getClass(), p);
        }
        for (MtlPlugin p : discovered) {
            byClass.putIfAbsent(p.getClass(), p);
        }
        return List.copyOf(byClass.values());
    }
}
