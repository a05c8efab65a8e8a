package org.mtl4j.dsl.internal;

import com.google.inject.Binding;
import com.google.inject.multibindings.MapBinderBinding;
import com.google.inject.multibindings.MultibinderBinding;
import com.google.inject.multibindings.MultibindingsTargetVisitor;
import com.google.inject.multibindings.OptionalBinderBinding;
import com.google.inject.spi.DefaultBindingTargetVisitor;
import com.google.inject.spi.Element;
import com.google.inject.spi.Elements;
import com.google.inject.spi.PrivateElements;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.mtl4j.spi.MtlPlugin;
import org.mtl4j.spi.PluginKind;

/**
 * The names a plugin's Guice module contributes to each {@link PluginKind}'s {@code MapBinder},
 * read from the module's elements ({@link Elements#getElements}) without creating an injector, so
 * that duplicates between plugins can be reported with both plugins' names before Guice's own
 * (anonymous) duplicate-key error.
 */
public final class PluginContributions {
    private PluginContributions() {
    }

    public static Map<PluginKind, Set<String>> of(MtlPlugin plugin) {
        Map<PluginKind, Set<String>> out = new EnumMap<>(PluginKind.class);
        List<Element> elements = Elements.getElements(plugin.module());
        collect(elements, out);
        return out;
    }

    private static void collect(List<Element> elements, Map<PluginKind, Set<String>> out) {
        for (Element e : elements) {
            if (e instanceof PrivateElements) {
                collect(((PrivateElements) e).getElements(), out);
            } else if (e instanceof Binding<?>) {
                MapBinderBinding<?> map = mapBinding((Binding<?>) e);
                if (map == null || map.getMapKey().getAnnotationType() != null) {
                    continue;
                }
                PluginKind kind = PluginKind.forValueType(map.getValueTypeLiteral().getRawType());
                if (kind == null || map.getKeyTypeLiteral().getRawType() != String.class) {
                    continue;
                }
                Set<String> names = out.computeIfAbsent(kind, k -> new TreeSet<>());
                for (Map.Entry<?, Binding<?>> entry : map.getEntries(elements)) {
                    names.add(String.valueOf(entry.getKey()));
                }
            }
        }
    }

    private static <T> MapBinderBinding<?> mapBinding(Binding<T> b) {
        return b.acceptTargetVisitor(new MapFinder<T>());
    }

    /** Returns the map binding a multibinding element stands for, null for anything else. */
    private static final class MapFinder<T> extends DefaultBindingTargetVisitor<T, MapBinderBinding<?>>
            implements MultibindingsTargetVisitor<T, MapBinderBinding<?>> {
        @Override
        public MapBinderBinding<?> visit(MultibinderBinding<? extends T> multibinding) {
            return null;
        }

        @Override
        public MapBinderBinding<?> visit(MapBinderBinding<? extends T> mapbinding) {
            return mapbinding;
        }

        @Override
        public MapBinderBinding<?> visit(OptionalBinderBinding<? extends T> optionalbinding) {
            return null;
        }
    }
}
