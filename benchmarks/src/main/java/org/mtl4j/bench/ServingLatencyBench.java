package org.mtl4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.mtl4j.api.backend.TrainedModel;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.api.spec.TrainingSpec;
import org.mtl4j.data.FunnelGenerator;
import org.mtl4j.data.InMemoryDataset;
import org.mtl4j.dsl.Mtl;
import org.mtl4j.serving.Predictor;
import org.mtl4j.serving.Scores;
import org.mtl4j.serving.TypedRequest;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Latency of one scoring request through {@link Predictor#score}: one user in the context, N
 * candidate items (with their category and the 8 dense features), binding of the text cells
 * included, with the MMoE funnel model (user/item/category embeddings of 8, standardised dense
 * features, MMoE 4 experts of [32], towers [8], ESMM: ctr, ctcvr = ctr x cvr tower) trained in the
 * set-up on 20k generated funnel rows for one epoch (the weights do not change the cost). JMH's
 * sample mode gives the latency distribution (p50, p99); run with 1 and 2 JMH threads (each thread
 * a client; the predictor's concurrency is 2). Goal (issue 16): p99 <= 2 ms for 500 candidates on one core.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@State(Scope.Benchmark)
public class ServingLatencyBench {
    @Param({"1", "100", "500"})
    public int candidates;

    private Path dir;
    private Predictor predictor;
    private Map<String, String> context;
    private List<Map<String, String>> items;

    /** The benchmark's model: the funnel demo's inputs, MMoE, ESMM. */
    public static ModelSpec spec() {
        ModelSpec demo = FunnelGenerator.demoSpec();
        TaskSpec ctr = TaskSpec.binary("ctr", "click");
        TaskSpec ctcvr = new TaskSpec("ctcvr", ctr.kind(), "conversion", 1, null, List.of(), 1.0, false, "ctr", List.of(8), 1.0);
        return demo.withTasks(List.of(ctr, ctcvr)).withTopology(new Topology.Mmoe(4, List.of(32), List.of()))
                .withTraining(new TrainingSpec(1, 256, 7L, 0.0, null, 0, 100_000));
    }

    /** Trains the benchmark's model on 20k generated funnel rows for one epoch and saves it as {@code dir/mmoe-funnel.mtl}. */
    public static Path trainModel(Path dir) throws IOException {
        return trainModel(dir, 20_000);
    }

    /** As {@link #trainModel(Path)} on {@code rows} generated rows. */
    public static Path trainModel(Path dir, int rows) throws IOException {
        ModelSpec spec = spec();
        Path model = dir.resolve("mmoe-funnel.mtl");
        try (TrainedModel m = Mtl.runtime().train(spec, InMemoryDataset.fromRows(spec, new FunnelGenerator().rows(rows, 1)), null)
                .model()) {
            m.save(model);
        }
        return model;
    }

    /** {@code n} generated funnel rows (labels included) drawn with {@code seed}: the candidates of one request. */
    public static List<Map<String, String>> rows(int n, long seed) {
        return new FunnelGenerator().rows(n, seed);
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("mtl4j-serving-bench");
        Path model = trainModel(dir);
        predictor = Predictor.load(model, Predictor.Options.defaults().withConcurrency(2).withMaxCandidates(512));
        List<Map<String, String>> rows = rows(candidates, 2);
        context = Map.of("user_id", rows.get(0).get("user_id"));
        items = new ArrayList<>();
        for (Map<String, String> r : rows) {
            Map<String, String> c = new LinkedHashMap<>(r);
            for (String k : List.of("user_id", "click", "conversion", "p_click", "p_cvr", "p_ctcvr")) {
                c.remove(k);
            }
            items.add(c);
        }
        user = Long.parseLong(context.get("user_id"));
        itemIds = new long[candidates];
        categories = new long[candidates];
        dense = new float[8][candidates];
        for (int i = 0; i < candidates; i++) {
            itemIds[i] = Long.parseLong(rows.get(i).get("item_id"));
            categories[i] = Long.parseLong(rows.get(i).get("category"));
            for (int j = 0; j < 8; j++) {
                dense[j][i] = Float.parseFloat(rows.get(i).get("d" + j));
            }
        }
    }

    /** One client's reusable typed request (filled in every call: binding is part of the measured cost). */
    @State(Scope.Thread)
    public static class Typed {
        TypedRequest request;

        @Setup(Level.Trial)
        public void make(ServingLatencyBench b) {
            request = b.predictor.newRequest();
        }
    }

    /** The text API: one map of text cells per candidate, parsed by the data module's row binder. */
    @Benchmark
    public Scores score() {
        return predictor.score(context, items);
    }

    /** The typed API: numeric ids and float features from the client's arrays, no text. */
    @Benchmark
    public Scores scoreTyped(Typed t) {
        TypedRequest q = t.request;
        q.candidates(candidates).id("user_id", user).ids("item_id", itemIds).ids("category", categories);
        for (int j = 0; j < 8; j++) {
            q.values(DENSE[j], dense[j]);
        }
        return predictor.score(q);
    }

    private static final String[] DENSE = {"d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7"};
    private long user;
    private long[] itemIds;
    private long[] categories;
    private float[][] dense;

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        predictor.close();
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }
}
