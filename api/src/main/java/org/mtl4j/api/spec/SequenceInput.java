package org.mtl4j.api.spec;

import org.mtl4j.api.Checks;

/**
 * A sequence of ids in one cell (a user's behaviour history, most recent last), truncated to the
 * last {@code maxLength} ids and encoded by a Transformer encoder shared by all tasks.
 */
public record SequenceInput(String name, String column, String separator, int maxLength, VocabularySpec vocabulary,
        String table, TransformerSpec encoder) implements InputSpec {
    public SequenceInput {
        Checks.name("input name", name);
        Checks.notNull("sequence input '" + name + "' column", column);
        separator = separator == null || separator.isEmpty() ? "|" : separator;
        Checks.positive("sequence input '" + name + "' maxLength", maxLength);
        vocabulary = vocabulary == null ? VocabularySpec.DEFAULT : vocabulary;
        table = table == null || table.isBlank() ? name : table;
        encoder = encoder == null ? TransformerSpec.of(Defaults.TRANSFORMER_LAYERS, Defaults.TRANSFORMER_HEADS,
                Defaults.TRANSFORMER_WIDTH) : encoder;
    }

    @Override
    public String kind() {
        return "sequence";
    }

    @Override
    public java.util.List<String> sourceColumns() {
        return java.util.List.of(column);
    }

    @Override
    public String embeddingTable() {
        return table;
    }
}
