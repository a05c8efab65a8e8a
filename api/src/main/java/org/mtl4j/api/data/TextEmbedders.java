package org.mtl4j.api.data;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.mtl4j.api.MtlException;

/**
 * The pretrained text embedders on the class path, found by name with {@link ServiceLoader}
 * ({@code META-INF/services/org.mtl4j.api.data.TextEmbedder}). Built in: {@code char-ngrams}
 * (org.mtl4j.data.CharNgramEmbedder); the {@code mtl4j-text-minilm} module adds {@code all-minilm-l6-v2}.
 * One instance per name per JVM, so a model loaded once is shared by every dataset.
 */
public final class TextEmbedders {
    private static final Map<String, TextEmbedder> LOADED = new ConcurrentHashMap<>();

    private TextEmbedders() {
    }

    /** The names of every embedder on the class path, sorted. */
    public static List<String> names() {
        return List.copyOf(discover().keySet());
    }

    /**
     * The embedder called {@code name}.
     *
     * @throws MtlException naming the known embedders when none is called {@code name}
     */
    public static TextEmbedder named(String name) {
        TextEmbedder e = LOADED.get(name);
        if (e != null) {
            return e;
        }
        Map<String, TextEmbedder> all = discover();
        e = all.get(name);
        if (e == null) {
            throw new MtlException("unknown pretrained text embedder \"" + name + "\" (known: "
                    + String.join(", ", all.keySet()) + "; all-minilm-l6-v2 needs the mtl4j-text-minilm jar on the class path)");
        }
        TextEmbedder prev = LOADED.putIfAbsent(name, e);
        return prev == null ? e : prev;
    }

    private static Map<String, TextEmbedder> discover() {
        Map<String, TextEmbedder> all = new TreeMap<>(LOADED);
        for (TextEmbedder e : ServiceLoader.load(TextEmbedder.class, TextEmbedders.class.getClassLoader())) {
            all.putIfAbsent(e.name(), e);
        }
        return all;
    }
}
