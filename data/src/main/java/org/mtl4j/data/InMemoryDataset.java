package org.mtl4j.data;

import java.util.List;
import java.util.Map;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.data.internal.ListRowSource;
import org.mtl4j.data.internal.RowDataset;

/**
 * Rows given as maps (column name to cell text), for small tests and examples. Parsed by the same
 * code as {@link CsvDataset}, so a cell means exactly what it would mean in a file; errors name the
 * source {@code in-memory rows} and the 1-based row number as the line. A key absent from a row is
 * an empty cell.
 */
public final class InMemoryDataset extends BoundDataset {
    /** Source name used in messages. */
    public static final String SOURCE = "in-memory rows";

    private InMemoryDataset(RowDataset rows) {
        super(rows);
    }

    /** Rows bound to {@code spec}; vocabularies and dense statistics are built from the rows. */
    public static InMemoryDataset fromRows(ModelSpec spec, List<Map<String, String>> rows, String... extras) {
        return builder(spec, rows).extras(extras).build();
    }

    /** Rows bound to {@code spec} with given vocabularies (e.g. a training set's). */
    public static InMemoryDataset fromRows(ModelSpec spec, List<Map<String, String>> rows,
            Map<String, Vocabulary> vocabularies, String... extras) {
        return builder(spec, rows).vocabularies(vocabularies).extras(extras).build();
    }

    public static Builder builder(ModelSpec spec, List<Map<String, String>> rows) {
        return new Builder(spec, rows);
    }

    /** Options of an {@link InMemoryDataset}; the same as {@link CsvDataset.Builder}'s, less the file ones. */
    public static final class Builder extends DatasetBuilder<Builder> {
        private final ModelSpec spec;
        private final List<Map<String, String>> rows;

        private Builder(ModelSpec spec, List<Map<String, String>> rows) {
            super(spec);
            this.spec = spec;
            this.rows = rows;
        }

        public InMemoryDataset build() {
            ListRowSource src = new ListRowSource(SOURCE, rows);
            return new InMemoryDataset(new RowDataset(src, spec, options(','), SOURCE + " (" + src.size() + ")"));
        }
    }
}
