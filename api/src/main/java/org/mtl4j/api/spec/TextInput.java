package org.mtl4j.api.spec;

import org.mtl4j.api.Checks;

/**
 * Free text, tokenised on non-letters and lower-cased, encoded either as a bag of words (mean of
 * token embeddings) or as a token sequence through a Transformer encoder; or, with
 * {@code pretrained}, embedded by a pretrained sentence encoder (a {@link org.mtl4j.api.data.TextEmbedder}
 * found by that name), whose frozen vectors feed a trainable adapter ({@link VectorInput.Adapter}).
 *
 * @param pretrained the name of a pretrained text embedder (e.g. {@code all-minilm-l6-v2}), or null
 * @param adapter the trainable adapter over the pretrained vectors (pretrained text only; null takes
 *     {@link VectorInput.Adapter#DEFAULT})
 */
public record TextInput(String name, String column, Encoding encoding, int maxTokens, int embeddingDim,
        VocabularySpec vocabulary, TransformerSpec encoder, String pretrained, VectorInput.Adapter adapter)
        implements InputSpec {

    /** A text input trained from scratch (bag of words or token sequence). */
    public TextInput(String name, String column, Encoding encoding, int maxTokens, int embeddingDim,
            VocabularySpec vocabulary, TransformerSpec encoder) {
        this(name, column, encoding, maxTokens, embeddingDim, vocabulary, encoder, null, null);
    }

    public TextInput {
        Checks.name("input name", name);
        Checks.notNull("text input '" + name + "' column", column);
        if (pretrained != null) {
            if (pretrained.isBlank()) {
                throw new IllegalArgumentException("text input '" + name + "': pretrained must name an embedder, found \"\"");
            }
            if (encoding != null && encoding != Encoding.PRETRAINED) {
                throw new IllegalArgumentException("text input '" + name + "': pretrained \"" + pretrained
                        + "\" cannot be combined with encoding " + encoding.name().toLowerCase(java.util.Locale.ROOT)
                        + " (the pretrained encoder replaces the token encoders)");
            }
            encoding = Encoding.PRETRAINED;
            adapter = adapter == null ? VectorInput.Adapter.DEFAULT : adapter;
        } else if (encoding == Encoding.PRETRAINED) {
            throw new IllegalArgumentException("text input '" + name + "': encoding pretrained needs the name of the "
                    + "pretrained embedder in 'pretrained'");
        } else if (adapter != null) {
            throw new IllegalArgumentException("text input '" + name + "': an adapter applies only to pretrained text");
        }
        encoding = encoding == null ? Encoding.BAG_OF_WORDS : encoding;
        Checks.positive("text input '" + name + "' maxTokens", maxTokens);
        Checks.positive("text input '" + name + "' embeddingDim", embeddingDim);
        vocabulary = vocabulary == null ? VocabularySpec.DEFAULT : vocabulary;
        if (encoding == Encoding.SEQUENCE && encoder == null) {
            encoder = TransformerSpec.of(1, 2, embeddingDim);
        }
    }

    @Override
    public String kind() {
        return "text";
    }

    /** How tokens become one vector. */
    public enum Encoding {
        BAG_OF_WORDS,
        SEQUENCE,
        /** A pretrained sentence encoder embeds the whole text; no vocabulary, no token embeddings. */
        PRETRAINED
    }

    /** Whether a pretrained embedder encodes this text (then it has no vocabulary or token table). */
    public boolean isPretrained() {
        return pretrained != null;
    }

    @Override
    public java.util.List<String> sourceColumns() {
        return java.util.List.of(column);
    }
}
