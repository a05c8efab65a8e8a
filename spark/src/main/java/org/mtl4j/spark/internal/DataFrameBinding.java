package org.mtl4j.spark.internal;

import static org.apache.spark.sql.functions.col;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.Dataset.DenseStats;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.TaskKind;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.data.BadRowPolicy;
import org.mtl4j.data.DataException;
import org.mtl4j.data.internal.ParsedRow;
import org.mtl4j.data.internal.RowBinder;
import org.mtl4j.tasks.LabelScaling;
import scala.Tuple2;

/**
 * A {@code Dataset<Row>} bound to a spec by column names: the rows numbered in the DataFrame's order
 * and spread over P partitions (row i to partition i mod P, in order within each), cached; the
 * vocabularies from a Spark aggregation (tokens per table counted with {@code groupBy().count()}, kept
 * by count at least {@code minCount}, the {@code maxSize} most frequent, ties by token; hashing tables
 * count nothing); dense and label statistics from one {@code treeAggregate} of {@link Moments}. Only the
 * kept tokens and the statistics reach the driver. Bad rows follow the CSV reader's policy and error form.
 */
public final class DataFrameBinding {
    private final RunSetup setup;
    private final JavaPairRDD<Long, String[]> rows;
    private final Map<String, Vocabulary> vocabularies;
    private final Map<String, DenseStats> denseStats;
    private final long[] partitionRows;
    private final long skipped;

    private DataFrameBinding(RunSetup setup, JavaPairRDD<Long, String[]> rows, Map<String, Vocabulary> vocabularies,
            Map<String, DenseStats> denseStats, long[] partitionRows, long skipped) {
        this.setup = setup;
        this.rows = rows;
        this.vocabularies = vocabularies;
        this.denseStats = denseStats;
        this.partitionRows = partitionRows;
        this.skipped = skipped;
    }

    /** Row i of the DataFrame to partition i mod P: a fixed, data-independent layout (retries see the same rows). */
    static final class ModPartitioner extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final int partitions;

        ModPartitioner(int partitions) {
            this.partitions = partitions;
        }

        @Override
        public int numPartitions() {
            return partitions;
        }

        @Override
        public int getPartition(Object key) {
            return (int) Math.floorMod((Long) key, (long) partitions);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ModPartitioner m && m.partitions == partitions;
        }

        @Override
        public int hashCode() {
            return partitions;
        }
    }

    /**
     * Binds {@code df} to {@code spec}: a column the spec needs and the DataFrame lacks fails at once,
     * naming it and the columns there are.
     *
     * @param givenVocabularies vocabularies to use instead of building them (continual training, validation), or null
     * @param givenStats statistics to use instead of computing them, or null
     * @param labelStats whether regression labels get their statistics (standardised training)
     */
    public static DataFrameBinding bind(SparkSession spark, String runId, ModelSpec spec, Dataset<Row> df, String source,
            BadRowPolicy policy, int partitions, Map<String, Vocabulary> givenVocabularies, Map<String, DenseStats> givenStats,
            boolean labelStats) {
        List<String> header = Arrays.asList(df.columns());
        RunSetup base = RunSetup.of(runId, spec, source, header, policy);
        RowBinder binder = new RowBinder(spec, header, source, ',', List.of(), null); // missing columns fail here
        JavaPairRDD<Long, String[]> rows = df.javaRDD().map(Rows::cells).zipWithIndex()
                .mapToPair(t -> new Tuple2<>(t._2(), t._1()))
                .repartitionAndSortWithinPartitions(new ModPartitioner(partitions))
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            Map<String, Vocabulary> vocabs = givenVocabularies != null ? givenVocabularies
                    : vocabularies(spark, base, binder, rows);
            Stats s = rows.mapPartitionsWithIndex(new StatsPass(base, spec, labelStats && givenStats == null), true)
                    .treeAggregate(new Stats(), DataFrameBinding::mergeStats, DataFrameBinding::mergeStats, 2);
            if (s.dense == null || s.rows == 0) {
                String why = s.skipped > 0 ? " (all " + s.skipped + " rows were skipped as bad)" : "";
                throw new DataException(DataException.Reason.EMPTY_FILE, source, 0, null, null, source + " has no rows" + why);
            }
            Map<String, DenseStats> stats = givenStats != null ? new LinkedHashMap<>(givenStats) : s.denseStats(binder, spec);
            long[] sizes = new long[partitions];
            s.partitionRows.forEach((p, n) -> sizes[p] = n);
            return new DataFrameBinding(base.bound(vocabs, stats), rows, vocabs, stats, sizes, s.skipped);
        } catch (Exception e) { // Spark's SparkException is checked in Java terms, and thrown undeclared
            rows.unpersist(false);
            throw unwrap(e);
        }
    }

    /** Tokens per (table, token) counted by Spark; each table's kept tokens in order: count desc, token asc. */
    private static Map<String, Vocabulary> vocabularies(SparkSession spark, RunSetup base, RowBinder binder,
            JavaPairRDD<Long, String[]> rows) {
        List<RowBinder.IdInput> inputs = binder.idInputs();
        if (inputs.isEmpty()) {
            return Map.of();
        }
        JavaRDD<Row> tokens = rows.mapPartitions(new TokenPass(base));
        StructType schema = new StructType().add("table", DataTypes.StringType, false).add("token", DataTypes.StringType, false);
        Dataset<Row> counts = spark.createDataFrame(tokens, schema).groupBy("table", "token").count().cache();
        try {
            Map<String, Vocabulary> byTable = new HashMap<>();
            Map<String, Vocabulary> out = new LinkedHashMap<>();
            for (RowBinder.IdInput in : inputs) {
                Vocabulary v = byTable.get(in.table());
                if (v == null) {
                    if (in.vocabulary().hashing()) {
                        v = Vocabulary.hashed(in.table(), in.vocabulary().hashBuckets());
                    } else {
                        List<String> kept = new ArrayList<>();
                        for (Row r : counts.filter(col("table").equalTo(in.table()).and(col("count").geq(in.vocabulary().minCount())))
                                .orderBy(col("count").desc(), col("token").asc()).limit(in.vocabulary().maxSize())
                                .select("token").collectAsList()) {
                            kept.add(r.getString(0));
                        }
                        v = Vocabulary.of(in.table(), kept);
                    }
                    byTable.put(in.table(), v);
                }
                out.put(in.input(), v);
            }
            return out;
        } finally {
            counts.unpersist();
        }
    }

    /** Emits (table, token) for every token of every id input of every good row (hashing tables: none). */
    static final class TokenPass implements org.apache.spark.api.java.function.FlatMapFunction<Iterator<Tuple2<Long, String[]>>, Row> {
        private static final long serialVersionUID = 1L;
        private final RunSetup setup;

        TokenPass(RunSetup setup) {
            this.setup = setup;
        }

        @Override
        public Iterator<Row> call(Iterator<Tuple2<Long, String[]>> it) {
            ModelSpec spec = setup.spec();
            RowBinder binder = new RowBinder(spec, setup.header(), setup.source(), ',', List.of(), null);
            List<RowBinder.IdInput> inputs = binder.idInputs();
            List<Row> out = new ArrayList<>();
            while (it.hasNext()) {
                Tuple2<Long, String[]> r = it.next();
                List<Row> mine = new ArrayList<>();
                try {
                    Rows.parse(binder, r._2(), r._1() + 1, (i, token) -> {
                        RowBinder.IdInput in = inputs.get(i);
                        if (!token.isEmpty() && !in.vocabulary().hashing()) {
                            mine.add(RowFactory.create(in.table(), token));
                        }
                        return 0;
                    }, setup.source());
                    out.addAll(mine);
                } catch (DataException e) {
                    if (setup.policy() != BadRowPolicy.SKIP_AND_COUNT || !e.reason().rowLevel()) {
                        throw e;
                    }
                }
            }
            return out.iterator();
        }
    }

    /** One partition's statistics: good and skipped rows, dense columns and regression labels. */
    static final class Stats implements Serializable {
        private static final long serialVersionUID = 1L;
        long rows;
        long skipped;
        Moments dense;
        Moments labels;
        List<String> labelTasks;
        Map<Integer, Long> partitionRows = new TreeMap<>();

        Map<String, DenseStats> denseStats(RowBinder binder, ModelSpec spec) {
            Map<String, DenseStats> out = new LinkedHashMap<>();
            int c = 0;
            for (Object[] d : binder.denseInputs()) {
                int w = (int) d[2];
                double[] mean = new double[w];
                double[] std = new double[w];
                for (int j = 0; j < w; j++, c++) {
                    mean[j] = dense.mean(c);
                    std[j] = dense.std(c, 1e-24, 1.0);
                }
                out.put((String) d[0], new DenseStats(mean, std));
            }
            for (int i = 0; i < labelTasks.size(); i++) {
                if (labels.count(i) > 0) {
                    double sd = labels.std(i, 0, 1.0);
                    out.put(LabelScaling.PREFIX + labelTasks.get(i), new DenseStats(new double[] {labels.mean(i)},
                            new double[] {sd > 1e-12 ? sd : 1.0}));
                }
            }
            return out;
        }
    }

    /** Merges b into a; the aggregation's zero is an empty {@code Stats} (no moments yet). */
    private static Stats mergeStats(Stats a, Stats b) {
        if (a.dense == null) {
            return b;
        }
        if (b.dense == null) {
            return a;
        }
        a.rows += b.rows;
        a.skipped += b.skipped;
        a.dense.merge(b.dense);
        a.labels.merge(b.labels);
        b.partitionRows.forEach((p, n) -> a.partitionRows.merge(p, n, Long::sum));
        return a;
    }

    static final class StatsPass implements org.apache.spark.api.java.function.Function2<Integer, Iterator<Tuple2<Long, String[]>>,
            Iterator<Stats>> {
        private static final long serialVersionUID = 1L;
        private final RunSetup setup;
        private final boolean labelStats;
        private final List<String> labelTasks;

        StatsPass(RunSetup setup, ModelSpec spec, boolean labelStats) {
            this.setup = setup;
            this.labelStats = labelStats;
            this.labelTasks = labelStats ? spec.tasks().stream().filter(t -> t.kind() == TaskKind.REGRESSION || t.kind() == TaskKind.BINARY)
                    .map(TaskSpec::name).toList() : List.of();
        }

        @Override
        public Iterator<Stats> call(Integer partition, Iterator<Tuple2<Long, String[]>> it) {
            ModelSpec spec = setup.spec();
            RowBinder binder = new RowBinder(spec, setup.header(), setup.source(), ',', List.of(), null);
            List<Object[]> dense = binder.denseInputs();
            int width = dense.stream().mapToInt(d -> (int) d[2]).sum();
            Stats s = new Stats();
            s.dense = new Moments(width);
            s.labels = new Moments(labelTasks.size());
            s.labelTasks = new ArrayList<>(labelTasks);
            List<ParsedRow> chunk = new ArrayList<>();
            while (it.hasNext()) {
                Tuple2<Long, String[]> r = it.next();
                ParsedRow row;
                try {
                    row = Rows.parse(binder, r._2(), r._1() + 1, (i, token) -> 0, setup.source());
                } catch (DataException e) {
                    if (setup.policy() != BadRowPolicy.SKIP_AND_COUNT || !e.reason().rowLevel()) {
                        throw e;
                    }
                    s.skipped++;
                    continue;
                }
                s.rows++;
                int c = 0;
                for (Object[] d : dense) {
                    int off = (int) d[1];
                    for (int j = 0; j < (int) d[2]; j++) {
                        s.dense.add(c++, row.f()[off + j]);
                    }
                }
                if (labelStats && !labelTasks.isEmpty()) {
                    chunk.add(row);
                    if (chunk.size() == 1024 || !it.hasNext()) {
                        labels(binder.assemble(chunk), s);
                        chunk.clear();
                    }
                }
            }
            if (!chunk.isEmpty()) {
                labels(binder.assemble(chunk), s);
            }
            s.partitionRows.put(partition, s.rows);
            return List.of(s).iterator();
        }

        private void labels(Batch b, Stats s) {
            for (int i = 0; i < labelTasks.size(); i++) {
                String task = labelTasks.get(i);
                if (!b.hasLabels(task)) {
                    continue;
                }
                float[] y = b.labels(task);
                float[] m = b.mask(task);
                for (int r = 0; r < b.size(); r++) {
                    if (m[r] != 0f && Float.isFinite(y[r])) {
                        s.labels.add(i, y[r]);
                    }
                }
            }
        }
    }

    /**
     * The mtl4j error inside a failed Spark job (a bad row an executor found, a divergence), so the
     * caller sees the named error, not Spark's wrapper; anything else as it is.
     */
    public static RuntimeException unwrap(Throwable e) {
        Throwable t = e;
        while (t != null) {
            if (t instanceof MtlException m) {
                return m;
            }
            t = t.getCause();
        }
        if (e instanceof RuntimeException r) {
            return r;
        }
        if (e instanceof Error err) {
            throw err;
        }
        return new MtlException("the Spark job failed: " + e.getMessage(), e);
    }

    public RunSetup setup() {
        return setup;
    }

    public JavaPairRDD<Long, String[]> rows() {
        return rows;
    }

    public Map<String, Vocabulary> vocabularies() {
        return vocabularies;
    }

    public Map<String, DenseStats> denseStats() {
        return denseStats;
    }

    /** Good rows per partition. */
    public long[] partitionRows() {
        return partitionRows.clone();
    }

    public long rowCount() {
        return Arrays.stream(partitionRows).sum();
    }

    public long skipped() {
        return skipped;
    }

    /** Frees the cached rows. */
    public void release() {
        rows.unpersist(false);
    }
}
