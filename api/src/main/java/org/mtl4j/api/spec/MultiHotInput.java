package org.mtl4j.api.spec;

import org.mtl4j.api.Checks;

/**
 * A bag of categorical values in one cell ({@code Drama|Comedy}), embedded and pooled.
 *
 * @param separator the separator inside a cell, a literal string (not a regex)
 */
public record MultiHotInput(String name, String column, String separator, int embeddingDim, Pooling pooling,
        VocabularySpec vocabulary, String table) implements InputSpec {
    public MultiHotInput {
        Checks.name("input name", name);
        Checks.notNull("multi-hot input '" + name + "' column", column);
        separator = separator == null || separator.isEmpty() ? "|" : separator;
        Checks.positive("multi-hot input '" + name + "' embeddingDim", embeddingDim);
        pooling = pooling == null ? Pooling.MEAN : pooling;
        vocabulary = vocabulary == null ? VocabularySpec.DEFAULT : vocabulary;
        table = table == null || table.isBlank() ? name : table;
    }

    @Override
    public String kind() {
        return "multi-hot";
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
