package org.mtl4j.api.spec;

import java.util.Map;
import java.util.TreeMap;
import org.mtl4j.api.Checks;

/**
 * A plugin chosen by name with numeric parameters, e.g. {@code gradnorm {alpha: 1.5}} or
 * {@code fixed {ctr: 1.0, cvr: 0.5}}. Parameters are kept sorted so that the JSON form is stable.
 */
public record PluginRef(String name, Map<String, Double> params) {
    public static final PluginRef NONE = new PluginRef("none", Map.of());

    public PluginRef {
        Checks.name("plugin name", name);
        params = java.util.Collections.unmodifiableMap(new TreeMap<>(params == null ? Map.of() : params));
        params.forEach((k, v) -> {
            if (v == null || v.isNaN()) {
                throw new IllegalArgumentException("plugin '" + name + "' parameter '" + k + "' must be a number, found " + v);
            }
        });
    }

    public static PluginRef of(String name) {
        return new PluginRef(name, Map.of());
    }

    public static PluginRef of(String name, Map<String, Double> params) {
        return new PluginRef(name, params);
    }

    public boolean isNone() {
        return "none".equals(name);
    }

    public double param(String key, double defaultValue) {
        Double v = params.get(key);
        return v == null ? defaultValue : v;
    }

    public int intParam(String key, int defaultValue) {
        Double v = params.get(key);
        return v == null ? defaultValue : (int) Math.round(v);
    }
}
