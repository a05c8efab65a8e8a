package org.mtl4j.dsl.internal;

import com.google.inject.AbstractModule;
import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Module;
import com.google.inject.spi.Message;
import com.google.inject.util.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.mtl4j.api.MtlException;
import org.mtl4j.spi.DuplicatePluginException;
import org.mtl4j.spi.MtlPlugin;
import org.mtl4j.spi.PluginBindings;
import org.mtl4j.spi.PluginKind;
import org.mtl4j.spi.UnknownPluginException;

/**
 * Assembles plugins into one Guice injector and holds the resulting name maps, one per
 * {@link PluginKind}. Duplicate names across plugins are found first from each module's elements, so
 * the error names the kind, the name and both plugins.
 */
public final class PluginRegistry {
    private final List<MtlPlugin> plugins;
    private final Injector injector;
    private final Map<PluginKind, Map<String, ?>> maps = new EnumMap<>(PluginKind.class);

    private PluginRegistry(List<MtlPlugin> plugins, Injector injector) {
        this.plugins = List.copyOf(plugins);
        this.injector = injector;
        for (PluginKind kind : PluginKind.values()) {
            Map<String, Object> copy = new LinkedHashMap<>(injector.getInstance(mapKey(kind)));
            maps.put(kind, Collections.unmodifiableMap(copy));
        }
    }

    /**
     * @throws DuplicatePluginException when two plugins bind one name of one kind
     * @throws MtlException when Guice cannot assemble the modules for another reason
     */
    public static PluginRegistry create(List<MtlPlugin> plugins) {
        checkDuplicates(plugins);
        List<Module> modules = new ArrayList<>();
        modules.add(new AbstractModule() {
            @Override
            protected void configure() {
                // every kind's map exists even when no plugin binds into it
                PluginBindings.backends(binder());
                PluginBindings.lossWeightings(binder());
                PluginBindings.gradientAggregators(binder());
                PluginBindings.clippers(binder());
                PluginBindings.metrics(binder());
            }
        });
        for (MtlPlugin p : plugins) {
            modules.add(p.module());
        }
        try {
            return new PluginRegistry(plugins, Guice.createInjector(modules));
        } catch (CreationException e) {
            List<String> msgs = new ArrayList<>();
            for (Message m : e.getErrorMessages()) {
                msgs.add(m.getMessage());
            }
            throw new MtlException("MTL/PluginError: plugins " + names(plugins) + " cannot be assembled: "
                    + String.join("; ", msgs), e);
        }
    }

    private static void checkDuplicates(List<MtlPlugin> plugins) {
        Map<PluginKind, Map<String, MtlPlugin>> owners = new EnumMap<>(PluginKind.class);
        List<String> problems = new ArrayList<>();
        for (MtlPlugin p : plugins) {
            for (Map.Entry<PluginKind, Set<String>> e : PluginContributions.of(p).entrySet()) {
                Map<String, MtlPlugin> byName = owners.computeIfAbsent(e.getKey(), k -> new LinkedHashMap<>());
                for (String name : e.getValue()) {
                    MtlPlugin first = byName.putIfAbsent(name, p);
                    if (first != null) {
                        problems.add(DuplicatePluginException.ID + ": " + e.getKey().id() + " \"" + name
                                + "\" is bound by " + describe(first) + " and by " + describe(p));
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new DuplicatePluginException(String.join("\n", problems));
        }
    }

    /** {@code plugin 'core' (org.mtl4j.dsl.internal.CorePlugin)}. */
    public static String describe(MtlPlugin p) {
        return "plugin '" + p.name() + "' (" + p.getClass().getName() + ")";
    }

    private static List<String> names(List<MtlPlugin> plugins) {
        return plugins.stream().map(MtlPlugin::name).toList();
    }

    @SuppressWarnings("unchecked")
    private static Key<Map<String, Object>> mapKey(PluginKind kind) {
        return (Key<Map<String, Object>>) Key.get(Types.mapOf(String.class, kind.valueType()));
    }

    public List<MtlPlugin> plugins() {
        return plugins;
    }

    public Injector injector() {
        return injector;
    }

    /** The name map of a kind, in binding order. */
    @SuppressWarnings("unchecked")
    public <T> Map<String, T> map(PluginKind kind, Class<T> type) {
        if (!kind.valueType().equals(type)) {
            throw new IllegalArgumentException(kind.id() + " values are " + kind.valueType().getName() + ", not "
                    + type.getName());
        }
        return (Map<String, T>) maps.get(kind);
    }

    /** The plugin bound to {@code name}, or an {@link UnknownPluginException} listing the known names. */
    public <T> T get(PluginKind kind, Class<T> type, String name, String path) {
        T value = map(kind, type).get(name);
        if (value == null) {
            throw new UnknownPluginException(kind, path, name, names(kind));
        }
        return value;
    }

    public SortedSet<String> names(PluginKind kind) {
        return Collections.unmodifiableSortedSet(new TreeSet<>(maps.get(kind).keySet()));
    }

    /** Kind id to sorted names, kinds in {@link PluginKind} order. */
    public Map<String, SortedSet<String>> catalogue() {
        Map<String, SortedSet<String>> out = new LinkedHashMap<>();
        for (PluginKind k : PluginKind.values()) {
            out.put(k.id(), names(k));
        }
        return Collections.unmodifiableMap(out);
    }
}
