package org.mtl4j.data;

import java.util.List;
import java.util.Map;
import org.mtl4j.api.data.BatchStream;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.data.internal.RowDataset;

/**
 * Rows of cells bound to a spec by one shared parser, whatever their origin: a CSV/TSV file
 * ({@link CsvDataset}) or maps in memory ({@link InMemoryDataset}). Everything but the builder is
 * here, so a cell, an error message and a skipped-row count mean the same thing for both.
 */
public abstract sealed class BoundDataset implements Dataset permits CsvDataset, InMemoryDataset {
    private final RowDataset rows;

    BoundDataset(RowDataset rows) {
        this.rows = rows;
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
     * Batches in source order (no shuffle) that also hand out, per row, the raw cells of {@code columns}
     * (e.g. {@code user_id}, {@code item_id}) to write next to predictions. The columns need not be
     * inputs of the spec; one that is not in the header fails with a {@link DataException} naming it.
     */
    public KeyedBatchStream batchesKeeping(int batchSize, List<String> columns) {
        return rows.batchesKeeping(batchSize, columns);
    }

    /** Rows with a label, per task, counted by the validating pass of {@code build()}. */
    public Map<String, Long> labelledRows() {
        return rows.labelledRows();
    }

    /**
     * Fails ({@link DataException}, reason {@code NO_LABELS}) when a task's label column is empty on
     * every row: training data where a task would learn nothing. Costs nothing (counted at build()).
     */
    public void requireLabels() {
        rows.requireLabels();
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
        return getClass().getSimpleName() + "[" + description() + "]";
    }
}
