package org.mtl4j.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.data.Dataset.DenseStats;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.data.internal.RowDataset;

/**
 * The binding options every row-source builder shares ({@link CsvDataset.Builder},
 * {@link InMemoryDataset.Builder}): vocabularies and dense statistics to reuse, the bad-row policy,
 * pass-through columns, the group column and the shuffle buffer.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class DatasetBuilder<B extends DatasetBuilder<B>> {
    private Map<String, Vocabulary> vocabularies;
    private Map<String, DenseStats> denseStats;
    private BadRowPolicy policy = BadRowPolicy.FAIL;
    private final List<String> extras = new ArrayList<>();
    private String groupBy;
    private int shuffleBuffer;

    DatasetBuilder(ModelSpec spec) {
        this.shuffleBuffer = spec.training().shuffleBuffer();
    }

    private B self() {
        @SuppressWarnings("unchecked")
        B b = (B) this;
        return b;
    }

    /** Use these vocabularies (keyed by input name, e.g. the training set's) instead of building them. */
    public B vocabularies(Map<String, Vocabulary> v) {
        this.vocabularies = v;
        return self();
    }

    /** Use these dense statistics (e.g. the training set's) instead of computing them. */
    public B denseStats(Map<String, DenseStats> s) {
        this.denseStats = s;
        return self();
    }

    /** What a malformed row does: {@link BadRowPolicy#FAIL} (default) or skip and count it. */
    public B badRows(BadRowPolicy p) {
        this.policy = p;
        return self();
    }

    /** Pass-through columns copied into {@code Batch.extras()} under their column name (never fed to a model). */
    public B extras(String... columns) {
        extras.addAll(Arrays.asList(columns));
        return self();
    }

    /** A column (e.g. {@code user_id}) whose stable int id fills {@code Batch.extras().get("user")} for GAUC. */
    public B groupBy(String column) {
        this.groupBy = column;
        return self();
    }

    /** Rows held by the streaming shuffle buffer; defaults to the spec's {@code training.shuffleBuffer}. */
    public B shuffleBuffer(int rows) {
        this.shuffleBuffer = rows;
        return self();
    }

    RowDataset.Options options(char delimiter) {
        return new RowDataset.Options(vocabularies, denseStats, policy, extras, groupBy, shuffleBuffer, delimiter);
    }
}
