package org.mtl4j.data;

import java.nio.file.Path;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.data.internal.CsvRowSource;
import org.mtl4j.data.internal.RowDataset;

/**
 * A CSV (or TSV) file bound to a {@link ModelSpec} by column name and streamed in batches; the file
 * is never loaded whole (memory is the shuffle buffer plus the vocabularies).
 *
 * <pre>{@code
 * Dataset train = CsvDataset.builder(Path.of("train.csv"), spec).build();
 * Dataset test = CsvDataset.builder(Path.of("test.csv"), spec)
 *         .vocabularies(train.vocabularies()).denseStats(train.denseStats())
 *         .groupBy("user_id").build();
 * }</pre>
 *
 * <p>{@code build()} reads the header (every column named by the spec must be there, no name twice)
 * and runs one pass over the file that validates every row and, unless given, builds the
 * vocabularies (per embedding table: the {@code maxSize} most frequent values seen at least
 * {@code minCount} times, or hashing) and the dense statistics. Cell formats are described in the
 * module README.
 */
public final class CsvDataset extends BoundDataset {

    private CsvDataset(RowDataset rows) {
        super(rows);
    }

    public static Builder builder(Path file, ModelSpec spec) {
        return new Builder(file, spec);
    }

    /** Options of a {@link CsvDataset}. */
    public static final class Builder extends DatasetBuilder<Builder> {
        private final Path file;
        private final ModelSpec spec;
        private char delimiter;

        private Builder(Path file, ModelSpec spec) {
            super(spec);
            this.file = file;
            this.spec = spec;
            String n = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
            this.delimiter = n.endsWith(".tsv") || n.endsWith(".tsv.gz") ? '\t' : ',';
        }

        /** The cell delimiter; defaults to a tab for {@code .tsv} files and a comma otherwise. */
        public Builder delimiter(char d) {
            if (d == '"' || d == '\n' || d == '\r') {
                throw new IllegalArgumentException("delimiter cannot be a quote or a line end, found '" + d + "'");
            }
            this.delimiter = d;
            return this;
        }

        public CsvDataset build() {
            return new CsvDataset(new RowDataset(new CsvRowSource(file, delimiter), spec, options(delimiter), "csv:" + file));
        }
    }
}
