package org.mtl4j.api.spec;

import org.mtl4j.api.Checks;

/**
 * A categorical id (user, item, category ...) looked up in an embedding table shared by all tasks.
 *
 * @param name input name
 * @param column source column
 * @param embeddingDim embedding width
 * @param vocabulary how values become ids
 * @param table name of the embedding table; inputs naming the same table share it (e.g. an item id
 *     and the user's item history). Defaults to the input name.
 */
public record CategoricalInput(String name, String column, int embeddingDim, VocabularySpec vocabulary, String table)
        implements InputSpec {
    public CategoricalInput {
        Checks.name("input name", name);
        Checks.notNull("categorical input '" + name + "' column", column);
        Checks.positive("categorical input '" + name + "' embeddingDim", embeddingDim);
        vocabulary = vocabulary == null ? VocabularySpec.DEFAULT : vocabulary;
        table = table == null || table.isBlank() ? name : table;
    }

    @Override
    public String kind() {
        return "categorical";
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
