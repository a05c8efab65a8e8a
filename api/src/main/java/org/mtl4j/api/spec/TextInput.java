package org.mtl4j.api.spec;

import org.mtl4j.api.Checks;

/**
 * Free text, tokenised on non-letters and lower-cased, encoded either as a bag of words (mean of
 * token embeddings) or as a token sequence through a Transformer encoder.
 */
public record TextInput(String name, String column, Encoding encoding, int maxTokens, int embeddingDim,
        VocabularySpec vocabulary, TransformerSpec encoder) implements InputSpec {
    public TextInput {
        Checks.name("input name", name);
        Checks.notNull("text input '" + name + "' column", column);
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
        SEQUENCE
    }

    @Override
    public java.util.List<String> sourceColumns() {
        return java.util.List.of(column);
    }
}
