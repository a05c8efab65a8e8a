package org.mtl4j.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.data.BatchStream;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.data.Vocabulary;
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
public final class CsvDataset implements Dataset {
    private final RowDataset rows;

    private CsvDataset(RowDataset rows) {
        this.rows = rows;
    }

    public static Builder builder(Path file, ModelSpec spec) {
        return new Builder(file, spec);
    }

    @Override
    public String description() {
        return rows.description();
    }

    @Override
    public Map<String, Vocabulary> vocabularies() {
        return rows.vocabularies();
    }

    @Override
    public Map<String, DenseStats> denseStats() {
        return rows.denseStats();
    }

    @Override
    public BatchStream batches(int batchSize, boolean shuffle, long seed) {
        return rows.batches(batchSize, shuffle, seed);
    }

    /**
     * Batches in file order (no shuffle) that also hand out, per row, the raw cells of {@code columns}
     * (e.g. {@code user_id}, {@code item_id}) to write next to predictions. The columns need not be
     * inputs of the spec; one that is not in the header fails with a {@link DataException} naming it.
     */
    public KeyedBatchStream batchesKeeping(int batchSize, List<String> columns) {
        return rows.batchesKeeping(batchSize, columns);
    }

    /** Number of good rows (known after the validating pass of {@code build()}). */
    @Override
    public long size() {
        return rows.size();
    }

    /**
     * Rows skipped under {@link BadRowPolicy#SKIP_AND_COUNT} in the last complete pass, per
     * {@link DataException.Reason#id()} (empty under {@code FAIL} or when every row was good).
     */
    public Map<String, Long> skippedRows() {
        return rows.skippedRows();
    }

    public ModelSpec spec() {
        return rows.spec();
    }

    @Override
    public String toString() {
        return "CsvDataset[" + description() + "]";
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
