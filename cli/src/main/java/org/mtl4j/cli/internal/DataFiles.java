package org.mtl4j.cli.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.CategoricalInput;
import org.mtl4j.api.spec.InputSpec;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.cli.ExitCodes;
import org.mtl4j.data.BadRowPolicy;
import org.mtl4j.data.CsvDataset;

/** Opens CSV/TSV files bound to a spec, with the options the commands share. */
public final class DataFiles {
    private DataFiles() {
    }

    /** Bad-row policy as the {@code --bad-rows} option spells it. */
    public enum BadRows {
        fail(BadRowPolicy.FAIL), skip(BadRowPolicy.SKIP_AND_COUNT);

        final BadRowPolicy policy;

        BadRows(BadRowPolicy p) {
            this.policy = p;
        }
    }

    /**
     * A dataset over {@code file}; {@code vocabularies} null builds them from the file (training),
     * otherwise the model's are used (unknown values map to the out-of-vocabulary row).
     */
    public static CsvDataset open(String what, Path file, ModelSpec spec, Map<String, Vocabulary> vocabularies,
            Map<String, Dataset.DenseStats> denseStats, BadRows badRows) {
        if (Files.isDirectory(file)) {
            throw new CliException(ExitCodes.DATA, what + " " + file + " is a directory, not a CSV/TSV file");
        }
        if (!Files.isRegularFile(file)) {
            throw new CliException(ExitCodes.DATA, what + " file not found: " + file);
        }
        CsvDataset.Builder b = CsvDataset.builder(file, spec).badRows(badRows.policy);
        if (vocabularies != null) {
            b.vocabularies(vocabularies);
        }
        if (denseStats != null) {
            b.denseStats(denseStats);
        }
        String group = groupColumn(spec);
        if (group != null) {
            b.groupBy(group);
        }
        return b.build();
    }

    /**
     * The column of the user id when a task reports a per-user metric (gauc, ndcg@k, recall@k): the
     * categorical input named {@code user}, or else the first one whose column names a user.
     */
    static String groupColumn(ModelSpec spec) {
        boolean needed = false;
        for (TaskSpec t : spec.tasks()) {
            for (String m : t.metrics()) {
                String base = m.contains("@") ? m.substring(0, m.indexOf('@')) : m;
                needed |= base.equals("gauc") || base.equals("ndcg") || base.equals("recall");
            }
        }
        if (!needed) {
            return null;
        }
        String fallback = null;
        for (InputSpec in : spec.inputs()) {
            if (in instanceof CategoricalInput c) {
                if (c.name().equals("user")) {
                    return c.column();
                }
                if (fallback == null && c.column().toLowerCase(Locale.ROOT).contains("user")) {
                    fallback = c.column();
                }
            }
        }
        return fallback;
    }
}
