package org.mtl4j.api.data;

import java.util.List;

/**
 * A pretrained text encoder: turns texts into fixed-length vectors (a sentence embedding). Found by
 * {@link #name()} through {@link java.util.ServiceLoader} (register the implementation in
 * {@code META-INF/services/org.mtl4j.api.data.TextEmbedder}); a text input with
 * {@code pretrained: <name>} uses it. The vectors are frozen: the model trains an adapter over them.
 *
 * <p>Implementations must be deterministic (the same text gives the same vector, so cached vectors
 * and fresh ones agree) and safe to call from several threads.
 */
public interface TextEmbedder {

    /** The name a spec uses, e.g. {@code all-minilm-l6-v2}. */
    String name();

    /** The vector length. */
    int dimension();

    /**
     * Names the vectors this embedder makes, for caches of them (e.g. the text-vector file kept per
     * machine): change it whenever the same text would get a different vector (a new model, a new
     * pooling), so that vectors cached by an older version are never reused. Defaults to {@link #name()}.
     */
    default String cacheKey() {
        return name();
    }

    /** One vector per text, in order; an empty text gets a vector too. */
    List<float[]> embed(List<String> texts);
}
