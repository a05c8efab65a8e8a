package org.mtl4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.backend.dl4j.internal.model.Dl4jModel;
import org.mtl4j.api.backend.TrainableModel;
import org.mtl4j.api.balance.BalancerContext;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.BatchStream;
import org.mtl4j.api.spec.CategoricalInput;
import org.mtl4j.api.spec.DenseInput;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.PluginRef;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.api.spec.TrainingSpec;
import org.mtl4j.api.spec.VocabularySpec;
import org.mtl4j.data.DataException;
import org.mtl4j.data.InMemoryDataset;
import org.mtl4j.dsl.MtlRuntime;
import org.mtl4j.training.Trainer;

/**
 * The Spark trainer on {@code local[2,2]} (two cores, a failed task retried once), bound to loopback with
 * the UI off, against the local {@link Trainer} on the same rows with the same global batch.
 */
class SparkTrainerTest {
    private static final int ROWS = 320;
    private static SparkSession spark;
    private static final MtlRuntime RUNTIME = MtlRuntime.builder().build();
    private static final AtomicInteger FAILED_TASKS = new AtomicInteger();

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2,2]").appName("mtl4j-spark-test")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
                .config("spark.default.parallelism", "2").getOrCreate();
        spark.sparkContext().setLogLevel("ERROR");
        spark.sparkContext().addSparkListener(new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd e) {
                if (e.taskInfo().failed()) {
                    FAILED_TASKS.incrementAndGet();
                }
            }
        });
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    /**
     * Clicks, conversions labelled only on clicked rows (a masked task), a dwell time (standardised
     * regression); a user table with minCount 2 and a hashed item table (embeddings: sparse gradients).
     */
    static ModelSpec spec(String weighting, String aggregation, int epochs) {
        return new ModelSpec("funnel", List.of(
                new CategoricalInput("user", "user", 4, VocabularySpec.built(1000, 2), "user"),
                new CategoricalInput("item", "item", 4, VocabularySpec.hashed(32), "item"),
                new DenseInput("x", List.of("x1", "x2"), true)),
                List.of(TaskSpec.binary("click", "click"), TaskSpec.binary("buy", "buy"), TaskSpec.regression("dwell", "dwell")),
                new Topology.SharedBottom(List.of(12, 6)), PluginRef.of(weighting),
                aggregation == null ? null : PluginRef.of(aggregation), null, OptimizerSpec.adam(0.01),
                new TrainingSpec(epochs, 40, 7L, 0, null, 0, 1), "dl4j");
    }

    static List<Map<String, String>> rows(long seed) {
        Random r = new Random(seed);
        List<Map<String, String>> out = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            int user = (int) Math.floor(Math.abs(r.nextGaussian()) * 20);
            int item = r.nextInt(50);
            double x1 = r.nextGaussian() * 3 + 10;
            double x2 = r.nextDouble();
            double logit = 0.3 * (x1 - 10) + (user % 3 == 0 ? 1 : -0.5) + (item % 2 == 0 ? 0.5 : -0.5);
            boolean click = r.nextDouble() < 1 / (1 + Math.exp(-logit));
            Map<String, String> m = new LinkedHashMap<>();
            m.put("user", "u" + user);
            m.put("item", "i" + item);
            m.put("x1", Double.toString(x1));
            m.put("x2", Double.toString(x2));
            m.put("click", click ? "1" : "0");
            m.put("buy", click ? (r.nextDouble() < 0.3 + 0.4 * x2 ? "1" : "0") : "");
            m.put("dwell", click ? Double.toString(30 + 20 * x2 + r.nextGaussian() * 5) : "");
            out.add(m);
        }
        return out;
    }

    static Dataset<Row> frame(List<Map<String, String>> rows) {
        StructType schema = new StructType();
        for (String c : rows.get(0).keySet()) {
            schema = schema.add(c, DataTypes.StringType, true);
        }
        List<Row> rs = new ArrayList<>();
        for (Map<String, String> m : rows) {
            rs.add(RowFactory.create(m.values().stream().map(v -> v.isEmpty() ? null : v).toArray()));
        }
        return spark.createDataFrame(rs, schema);
    }

    /** The local trainer on the same rows, vocabularies and statistics, in order (the same global batches). */
    static TrainableModel local(ModelSpec spec, List<Map<String, String>> rows, SparkRun ref) {
        InMemoryDataset data = InMemoryDataset.builder(spec, rows).vocabularies(ref.vocabularies())
                .denseStats(ref.denseStats()).build();
        TrainableModel m = RUNTIME.backend("dl4j").compile(spec, ref.vocabularies(), ref.denseStats());
        long seed = spec.training().seed();
        Trainer.Builder b = Trainer.builder().lossWeighting(RUNTIME.lossWeighting(spec.lossWeighting().name())
                .create(new BalancerContext(spec.lossWeighting(), spec.tasks(), seed)));
        if (spec.hasGradientAggregation()) {
            b.gradientAggregator(RUNTIME.gradientAggregator(spec.gradientAggregation().name())
                    .create(new BalancerContext(spec.gradientAggregation(), spec.tasks(), seed)));
        }
        return b.build().fit(m, data, null).model();
    }

    static Batch probe(ModelSpec spec, List<Map<String, String>> rows, SparkRun ref) {
        InMemoryDataset data = InMemoryDataset.builder(spec, rows).vocabularies(ref.vocabularies())
                .denseStats(ref.denseStats()).build();
        try (BatchStream s = data.batches(ROWS, false, 0)) {
            return s.next();
        }
    }

    /**
     * Every parameter (embedding tables whole) equal within {@code tolerance} relative to the vector's norm,
     * each within 10x that of the largest value, and every row's predictions within {@code tolerance}.
     */
    static void assertSameParameters(TrainableModel a, TrainableModel b, Batch probe, double tolerance) {
        double[] x = ((Dl4jModel) a).parameters().toDoubleVector();
        double[] y = ((Dl4jModel) b).parameters().toDoubleVector();
        assertThat(y).hasSameSizeAs(x);
        double diff = 0;
        double norm = 0;
        double maxDiff = 0;
        double max = 0;
        for (int j = 0; j < x.length; j++) {
            diff += (x[j] - y[j]) * (x[j] - y[j]);
            norm += x[j] * x[j];
            maxDiff = Math.max(maxDiff, Math.abs(x[j] - y[j]));
            max = Math.max(max, Math.abs(x[j]));
        }
        assertThat(Math.sqrt(diff)).as("L2 distance of the parameters").isLessThanOrEqualTo(tolerance * Math.sqrt(norm));
        // one parameter may differ more: the shards sum in another order, and Adam turns float noise in a
        // near-zero gradient into a step of up to lr (g / sqrt(v)); 10x the vector's bound, measured 1.5x at 320 rows
        assertThat(maxDiff).as("largest difference of one parameter").isLessThanOrEqualTo(10 * tolerance * max);
        // and the models agree on every row's predictions (every embedding row in use)
        var pa = a.predict(probe).outputs();
        var pb = b.predict(probe).outputs();
        pa.forEach((task, v) -> {
            for (int r = 0; r < v.length; r++) {
                assertThat((double) pb.get(task)[r]).as("%s row %d", task, r)
                        .isCloseTo(v[r], org.assertj.core.data.Offset.offset(tolerance * Math.max(1, Math.abs(v[r])) + 1e-7));
            }
        });
    }

    static SparkRun train(ModelSpec spec, Dataset<Row> df, SparkTrainer.Builder b) {
        return b.runtime(RUNTIME).partitions(2).source("dataframe 'clicks'").build().fit(spark, spec, df);
    }

    @Test
    void synchronousTrainingEqualsOneMachineWithTheSameGlobalBatch() {
        ModelSpec spec = spec("uncertainty", null, 2);
        List<Map<String, String>> rows = rows(1);
        SparkRun run = train(spec, frame(rows), SparkTrainer.builder().stateEvery(7));
        assertThat(run.rows()).isEqualTo(ROWS);
        assertThat(run.result().model().updates()).isEqualTo(2L * ROWS / 40);
        assertThat(run.vocabularies().get("user").size()).isGreaterThan(5);
        assertThat(run.denseStats()).containsKey("label:dwell");
        TrainableModel one = local(spec, rows, run);
        assertThat(one.updates()).isEqualTo(run.result().model().updates());
        assertSameParameters(one, run.result().model(), probe(spec, rows, run), 1e-5);
        // the losses the history reports are the whole batches' too
        assertThat(run.result().history().epochs().get(1).trainLoss().get("click"))
                .isLessThan(run.result().history().epochs().get(0).trainLoss().get("click"));
    }

    @Test
    void gradNormWithPcGradNeedsPerTaskGradientsAndStillEqualsOneMachine() {
        ModelSpec spec = spec("gradnorm", "pcgrad", 1);
        List<Map<String, String>> rows = rows(2);
        SparkRun run = train(spec, frame(rows), SparkTrainer.builder().stateEvery(1));
        assertSameParameters(local(spec, rows, run), run.result().model(), probe(spec, rows, run), 1e-5);
        assertThat(run.result().history().epochs().get(0).weights().get("click")).isNotEqualTo(1.0);
    }

    @Test
    void aKilledTaskIsRetriedAndTheRunEndsWithTheSameParameters() {
        ModelSpec spec = spec("equal", null, 1);
        List<Map<String, String>> rows = rows(3);
        Dataset<Row> df = frame(rows);
        SparkRun clean = train(spec, df, SparkTrainer.builder());
        int before = FAILED_TASKS.get();
        SparkRun faulty = train(spec, df, SparkTrainer.builder().failOnceAtStep(3));
        assertThat(FAILED_TASKS.get()).isGreaterThan(before);
        assertSameParameters(clean.result().model(), faulty.result().model(), probe(spec, rows, clean), 0.0);
    }

    @Test
    void resumingFromTheEpochCheckpointEqualsTheUninterruptedRun(@TempDir Path dir) {
        List<Map<String, String>> rows = rows(4);
        Dataset<Row> df = frame(rows);
        SparkRun straight = train(spec("uncertainty", null, 2), df, SparkTrainer.builder());
        train(spec("uncertainty", null, 1), df, SparkTrainer.builder().checkpoints(dir, 0));
        assertThat(dir.resolve("epoch-1.ckpt")).exists();
        SparkRun resumed = train(spec("uncertainty", null, 2), df, SparkTrainer.builder().checkpoints(dir, 0).resume(true));
        assertThat(resumed.result().history().epochs()).hasSize(2);
        assertSameParameters(straight.result().model(), resumed.result().model(), probe(spec("uncertainty", null, 2), rows, straight),
                0.0);
    }

    @Test
    void averagingModeTrains() {
        ModelSpec spec = spec("equal", null, 3);
        SparkRun run = train(spec, frame(rows(5)), SparkTrainer.builder().averaging(4));
        var epochs = run.result().history().epochs();
        assertThat(epochs).hasSize(3);
        assertThat(epochs.get(2).trainLoss().get("click")).isLessThan(epochs.get(0).trainLoss().get("click"));
    }

    @Test
    void vocabulariesAndStatisticsFromSparkAggregationsEqualTheCsvReadersOnTheSameRows() {
        ModelSpec base = spec("equal", null, 1);
        // a user vocabulary cut at 12 of the ~25 users seen twice: the order (count, then token bytes) decides
        List<org.mtl4j.api.spec.InputSpec> inputs = new ArrayList<>(base.inputs());
        inputs.set(0, new CategoricalInput("user", "user", 4, VocabularySpec.built(12, 2), "user"));
        ModelSpec spec = new ModelSpec(base.name(), inputs, base.tasks(), base.topology(), base.lossWeighting(), null, null,
                base.optimizer(), base.training(), base.backend());
        List<Map<String, String>> rows = rows(9);
        org.mtl4j.spark.internal.DataFrameBinding b = org.mtl4j.spark.internal.DataFrameBinding.bind(spark, "vocab-test", spec,
                frame(rows), "dataframe 'clicks'", org.mtl4j.data.BadRowPolicy.FAIL, 2, null, null, true);
        try {
            InMemoryDataset local = InMemoryDataset.fromRows(spec, rows);
            assertThat(b.vocabularies()).isEqualTo(local.vocabularies());
            assertThat(b.vocabularies().get("user").size()).isEqualTo(12 + 2); // padding and out-of-vocabulary rows
            var expected = org.mtl4j.tasks.LabelScaling.withLabelStats(spec, local, local.denseStats());
            assertThat(b.denseStats().keySet()).isEqualTo(expected.keySet());
            expected.forEach((k, v) -> {
                assertThat(b.denseStats().get(k).mean()).as(k).containsExactly(v.mean(), org.assertj.core.data.Offset.offset(1e-9));
                assertThat(b.denseStats().get(k).std()).as(k).containsExactly(v.std(), org.assertj.core.data.Offset.offset(1e-9));
            });
            assertThat(b.rowCount()).isEqualTo(ROWS);
            assertThat(b.partitionRows()).containsExactly(ROWS / 2, ROWS / 2);
        } finally {
            b.release();
        }
    }

    @Test
    void typedColumnsBindLikeTheirStringForms() {
        ModelSpec spec = spec("equal", null, 1);
        List<Map<String, String>> rows = rows(10);
        Dataset<Row> typed = frame(rows).selectExpr("user", "item", "cast(x1 as double) as x1", "cast(x2 as float) as x2",
                "cast(click as int) = 1 as click", "cast(buy as int) as buy", "cast(dwell as double) as dwell");
        org.mtl4j.spark.internal.DataFrameBinding b = org.mtl4j.spark.internal.DataFrameBinding.bind(spark, "typed-test", spec,
                typed, "dataframe 'typed'", org.mtl4j.data.BadRowPolicy.FAIL, 2, null, null, true);
        try {
            InMemoryDataset local = InMemoryDataset.fromRows(spec, rows);
            assertThat(b.vocabularies()).isEqualTo(local.vocabularies());
            var expected = org.mtl4j.tasks.LabelScaling.withLabelStats(spec, local, local.denseStats());
            assertThat(b.denseStats().get("label:dwell").mean()).containsExactly(expected.get("label:dwell").mean(),
                    org.assertj.core.data.Offset.offset(1e-9));
            assertThat(b.denseStats().get("x").mean()).containsExactly(expected.get("x").mean(), org.assertj.core.data.Offset.offset(1e-6));
        } finally {
            b.release();
        }
    }

    @Test
    void aBadRowFailsNamingTheDataFrameRowColumnAndValue() {
        List<Map<String, String>> rows = rows(6);
        rows.get(16).put("x1", "12,5");
        assertThatThrownBy(() -> train(spec("equal", null, 1), frame(rows), SparkTrainer.builder()))
                .isInstanceOf(DataException.class)
                .hasMessage("dataframe 'clicks', row 17: column 'x1': dense input 'x' needs a number, found \"12,5\"");
    }
}
