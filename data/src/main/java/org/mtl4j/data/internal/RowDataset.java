package org.mtl4j.data.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.BatchStream;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.data.BadRowPolicy;
import org.mtl4j.data.DataException;
import org.mtl4j.data.DataException.Reason;
import org.mtl4j.data.KeyedBatchStream;

/**
 * The streaming engine behind every dataset of this module: a {@link RowSource} bound by a
 * {@link RowBinder}. Building it runs one pass (when vocabularies or dense statistics are not given)
 * that validates every row, counts tokens, accumulates dense statistics and counts rows; each epoch
 * is then a fresh pass, shuffled within a bounded buffer. Memory is O(shuffle buffer + vocabularies),
 * never O(rows).
 */
public final class RowDataset implements Dataset {

    /** Everything a dataset builder collects. */
    public record Options(Map<String, Vocabulary> vocabularies, Map<String, DenseStats> denseStats, BadRowPolicy policy,
            List<String> extras, String groupBy, int shuffleBuffer, char delimiter) {
        public Options {
            policy = policy == null ? BadRowPolicy.FAIL : policy;
            extras = List.copyOf(extras == null ? List.of() : extras);
            if (shuffleBuffer < 1) {
                throw new IllegalArgumentException("shuffle buffer must be >= 1 row, found " + shuffleBuffer);
            }
        }
    }

    private final RowSource source;
    private final ModelSpec spec;
    private final Options options;
    private final String description;
    private final RowBinder binder;
    private final Map<String, Vocabulary> vocabularies;
    private final Vocabulary[] vocabByIdInput;
    private final Map<String, DenseStats> denseStats;
    private final long size;
    private final Map<String, Long> labelledRows;
    private volatile Map<String, Long> lastSkipped = Map.of();

    public RowDataset(RowSource source, ModelSpec spec, Options options, String description) {
        this.source = source;
        this.spec = spec;
        this.options = options;
        this.description = description;
        try (RowCursor c = source.open()) {
            this.binder = new RowBinder(spec, c.header(), source.name(), options.delimiter(), options.extras(),
                    options.groupBy());
        }
        encodePretrainedTexts(source, binder);
        List<RowBinder.IdInput> idInputs = binder.idInputs();
        boolean needVocab = options.vocabularies() == null && !idInputs.isEmpty();
        boolean needStats = options.denseStats() == null && !binder.denseInputs().isEmpty();
        long rows = -1;
        Map<String, Vocabulary> vocabs = options.vocabularies();
        Map<String, DenseStats> stats = options.denseStats() == null ? Map.of() : Map.copyOf(options.denseStats());
        {
            // always one validating pass: a bad row fails at build(), and size() is known
            VocabularyBuilder vb = new VocabularyBuilder(idInputs);
            List<Object[]> dense = binder.denseInputs();
            double[][] sum = new double[dense.size()][];
            double[][] sumSq = new double[dense.size()][];
            for (int d = 0; d < dense.size(); d++) {
                sum[d] = new double[(int) dense.get(d)[2]];
                sumSq[d] = new double[(int) dense.get(d)[2]];
            }
            BadRowCounts counts = new BadRowCounts();
            int tasks = spec.tasks().size();
            long[] labelled = new long[tasks];
            rows = 0;
            try (RowReader r = new RowReader(source.open(), binder, vb, options.policy(), counts)) {
                ParsedRow row;
                while ((row = r.next()) != null) {
                    rows++;
                    for (int t = 0; t < tasks; t++) {
                        if (binder.labelled(row, t)) {
                            labelled[t]++;
                        }
                    }
                    if (needStats) {
                        float[] f = row.f();
                        for (int d = 0; d < dense.size(); d++) {
                            int off = (int) dense.get(d)[1];
                            for (int j = 0; j < sum[d].length; j++) {
                                // Welford: sum holds the running mean, sumSq the sum of squared deviations
                                double v = f[off + j];
                                double delta = v - sum[d][j];
                                sum[d][j] += delta / rows;
                                sumSq[d][j] += delta * (v - sum[d][j]);
                            }
                        }
                    }
                }
            }
            counts.log(source.name(), "first pass");
            Map<String, Long> byTask = new LinkedHashMap<>();
            for (int t = 0; t < tasks; t++) {
                byTask.put(spec.tasks().get(t).name(), labelled[t]);
            }
            this.labelledRows = java.util.Collections.unmodifiableMap(byTask);
            lastSkipped = counts.snapshot();
            if (rows == 0) {
                String why = counts.total() > 0 ? " (all " + counts.total() + " rows were skipped as bad: "
                        + counts.snapshot() + ")" : "";
                throw new DataException(Reason.EMPTY_FILE, source.name(), 0, null, null,
                        source.name() + ": file has a header but no data rows" + why);
            }
            if (needVocab) {
                vocabs = vb.build();
            }
            if (needStats) {
                Map<String, DenseStats> s = new LinkedHashMap<>();
                for (int d = 0; d < dense.size(); d++) {
                    int w = sum[d].length;
                    double[] mean = new double[w];
                    double[] std = new double[w];
                    for (int j = 0; j < w; j++) {
                        mean[j] = sum[d][j];
                        double var = Math.max(0, sumSq[d][j] / rows);
                        std[j] = var > 1e-24 ? Math.sqrt(var) : 1.0;
                    }
                    s.put((String) dense.get(d)[0], new DenseStats(mean, std));
                }
                stats = s;
            }
        }
        this.size = rows;
        this.vocabularies = vocabs == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(vocabs));
        this.denseStats = stats;
        this.vocabByIdInput = new Vocabulary[idInputs.size()];
        for (int i = 0; i < idInputs.size(); i++) {
            Vocabulary v = this.vocabularies.get(idInputs.get(i).input());
            if (v == null) {
                throw new IllegalArgumentException("the vocabularies given for " + source.name() + " lack input '"
                        + idInputs.get(i).input() + "' (given: " + this.vocabularies.keySet() + ")");
            }
            vocabByIdInput[i] = v;
        }
    }

    /**
     * Encodes, in bulk and over all cores, every distinct text of the pretrained text inputs that their
     * embedder's cache does not hold yet, so that parsing rows only looks vectors up. Rows that cannot
     * be read are left to the validating pass (and its bad-row policy).
     */
    private static void encodePretrainedTexts(RowSource source, RowBinder binder) {
        List<RowBinder.PretrainedColumn> cols = binder.pretrainedColumns();
        if (cols.isEmpty()) {
            return;
        }
        List<java.util.LinkedHashSet<String>> texts = new ArrayList<>();
        for (int i = 0; i < cols.size(); i++) {
            texts.add(new java.util.LinkedHashSet<>());
        }
        try (RowCursor c = source.open()) {
            int width = c.header().size();
            while (true) {
                String[] cells;
                try {
                    cells = c.next();
                } catch (DataException e) {
                    if (e.reason().rowLevel()) {
                        continue;
                    }
                    throw e;
                }
                if (cells == null) {
                    break;
                }
                if (cells.length != width) {
                    continue;
                }
                for (int i = 0; i < cols.size(); i++) {
                    texts.get(i).add(cells[cols.get(i).column()]);
                }
            }
        }
        for (int i = 0; i < cols.size(); i++) {
            RowBinder.PretrainedColumn pc = cols.get(i);
            pc.cache().encodeMissing(texts.get(i), source.name() + " input '" + pc.input() + "'");
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public Map<String, Vocabulary> vocabularies() {
        return vocabularies;
    }

    @Override
    public Map<String, DenseStats> denseStats() {
        return denseStats;
    }

    @Override
    public long size() {
        return size;
    }

    /** Rows with a label, per task (spec order), counted by the validating pass. */
    public Map<String, Long> labelledRows() {
        return labelledRows;
    }

    /**
     * Fails when a task has no labelled row in this data (its label column empty on every row): such
     * a task would train nothing. Names the file, the column, the task and the number of rows.
     */
    public void requireLabels() {
        for (int t = 0; t < spec.tasks().size(); t++) {
            String task = spec.tasks().get(t).name();
            if (labelledRows.get(task) == 0L) {
                String col = binder.labelColumn(t);
                throw new DataException(Reason.NO_LABELS, source.name(), 0, col, null, source.name() + ": column '" + col
                        + "': task '" + task + "' has no labelled row in " + size + " rows (the label is empty on every"
                        + " row, so the task would train nothing): fill the column, or remove the task from the spec");
            }
        }
    }

    public ModelSpec spec() {
        return spec;
    }

    public RowBinder binder() {
        return binder;
    }

    /** Rows skipped per reason ({@link DataException.Reason#id()}) in the last complete pass. */
    public Map<String, Long> skippedRows() {
        return lastSkipped;
    }

    @Override
    public BatchStream batches(int batchSize, boolean shuffle, long seed) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, found " + batchSize);
        }
        return new Stream(batchSize, shuffle, seed);
    }

    /**
     * Batches in file order (no shuffle) with the raw cells of {@code columns} per row; rows skipped as
     * bad are skipped for the keys too.
     */
    public KeyedBatchStream batchesKeeping(int batchSize, List<String> columns) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, found " + batchSize);
        }
        List<String> cols = List.copyOf(columns);
        return new Stream(batchSize, false, 0L, cols, binder.keptColumns(cols));
    }

    private final class Stream implements KeyedBatchStream {
        private final int batchSize;
        private final boolean shuffle;
        private final SplittableRandom rng;
        private final BadRowCounts counts = new BadRowCounts();
        private final RowReader reader;
        private final ParsedRow[] buffer;
        private int fill;
        private boolean sourceDone;
        private boolean closed;
        private Batch next;
        private final List<String> keyColumns;
        private final int[] kept;
        private List<String[]> nextKeys;
        private List<String[]> keys = List.of();

        Stream(int batchSize, boolean shuffle, long seed) {
            this(batchSize, shuffle, seed, List.of(), new int[0]);
        }

        Stream(int batchSize, boolean shuffle, long seed, List<String> keyColumns, int[] kept) {
            this.keyColumns = keyColumns;
            this.kept = kept;
            this.batchSize = batchSize;
            this.shuffle = shuffle;
            this.rng = new SplittableRandom(seed);
            this.reader = new RowReader(source.open(), binder, (i, token) -> vocabByIdInput[i].index(token),
                    options.policy(), counts);
            this.buffer = shuffle ? new ParsedRow[options.shuffleBuffer()] : null;
        }

        private ParsedRow pull() {
            if (!shuffle) {
                return read();
            }
            while (fill < buffer.length && !sourceDone) {
                ParsedRow r = read();
                if (r != null) {
                    buffer[fill++] = r;
                }
            }
            if (fill == 0) {
                return null;
            }
            int i = rng.nextInt(fill);
            ParsedRow out = buffer[i];
            ParsedRow r = sourceDone ? null : read();
            if (r == null) {
                buffer[i] = buffer[--fill];
                buffer[fill] = null;
            } else {
                buffer[i] = r;
            }
            return out;
        }

        private ParsedRow read() {
            if (sourceDone) {
                return null;
            }
            ParsedRow r = reader.next();
            if (r == null) {
                sourceDone = true;
                counts.log(source.name(), "epoch pass");
                lastSkipped = counts.snapshot();
                reader.close();
            }
            return r;
        }

        @Override
        public boolean hasNext() {
            if (next != null) {
                return true;
            }
            if (closed) {
                return false;
            }
            List<ParsedRow> rows = new ArrayList<>(batchSize);
            List<String[]> rowKeys = kept.length == 0 ? List.of() : new ArrayList<>(batchSize);
            ParsedRow r;
            while (rows.size() < batchSize && (r = pull()) != null) {
                rows.add(r);
                if (kept.length > 0) {
                    // keys are only asked for in file order (no shuffle): the row just pulled is the one read last
                    String[] cells = reader.lastCells();
                    String[] k = new String[kept.length];
                    for (int i = 0; i < kept.length; i++) {
                        k[i] = cells[kept[i]];
                    }
                    rowKeys.add(k);
                }
            }
            if (rows.isEmpty()) {
                close();
                return false;
            }
            next = binder.assemble(rows);
            nextKeys = rowKeys;
            return true;
        }

        @Override
        public Batch next() {
            if (!hasNext()) {
                throw new NoSuchElementException("no more batches in " + source.name());
            }
            Batch b = next;
            next = null;
            keys = nextKeys;
            nextKeys = null;
            return b;
        }

        @Override
        public List<String> keyColumns() {
            return keyColumns;
        }

        @Override
        public List<String> keys(int row) {
            if (kept.length == 0) {
                throw new IllegalStateException("this stream keeps no columns: open it with batchesKeeping");
            }
            if (row < 0 || row >= keys.size()) {
                throw new IndexOutOfBoundsException("row " + row + " of a batch of " + keys.size() + " rows");
            }
            return List.of(keys.get(row));
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                reader.close();
            }
        }
    }
}
