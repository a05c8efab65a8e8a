package org.mtl4j.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.mtl4j.api.backend.TrainedModel;
import org.mtl4j.data.FunnelGenerator;
import org.mtl4j.dsl.Mtl;
import org.mtl4j.onnx.OnnxExport;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Online-ranking latency of ONNX Runtime on the exported MMoE funnel model: one request is one user
 * (user id and the 8 dense context features, repeated per candidate) and N candidate items (item id,
 * category), scored in one {@code session.run}. The operation includes building the input tensors
 * from the request's arrays and reading both task outputs, as a server would. JMH's sample mode gives
 * the latency distribution (p50, p99 in the JMH output); {@code score1Thread} and
 * {@code score2Threads} run 1 and 2 client threads on one shared session (intra-op threads 1, so one
 * request uses one core). The mtl4j predictor's side of the comparison lives in the serving module.
 *
 * <p>The model: {@link ServingLatencyBench#spec()}, the Predictor benchmark's: {@link FunnelGenerator#demoSpec()}
 * inputs (user, item and category embeddings of 8, 8 standardised dense features), MMoE sharing (4
 * experts of 32, one softmax gate per task; Ma et al., KDD 2018), tasks {@code ctr} and {@code ctcvr}
 * chained after it (ESMM), trained for one epoch on {@code rows} generated funnel rows, saved, loaded
 * and exported with {@link OnnxExport}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class OnnxRuntimeLatencyBench {
    /** Candidate items per request. */
    @Param({"1", "100", "500"})
    public int candidates;

    /** Funnel rows generated and trained on before the export. */
    @Param({"20000"})
    public long rows;

    private OrtEnvironment env;
    private OrtSession session;
    private Path dir;
    private int users;
    private int items;
    private int categories;

    @Setup(Level.Trial)
    public void setUp() throws IOException, OrtException {
        dir = Files.createTempDirectory("mtl4j-ort-bench");
        // the Predictor benchmark's model (MMoE, ESMM), trained the same way, so both sides score one model
        Path saved = ServingLatencyBench.trainModel(dir, (int) rows);
        Path onnx = dir.resolve("funnel-mmoe.onnx");
        try (TrainedModel model = Mtl.runtime().load(saved)) {
            OnnxExport.export(model, onnx);
            users = model.vocabularies().get("user").size();
            items = model.vocabularies().get("item").size();
            categories = model.vocabularies().get("category").size();
        }
        env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
        opts.setIntraOpNumThreads(1);
        opts.setInterOpNumThreads(1);
        opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        session = env.createSession(onnx.toString(), opts);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException, IOException {
        session.close();
        try (var s = Files.list(dir)) {
            for (Path p : s.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }

    /** One client's requests: a user, a context and N candidates, drawn once per thread. */
    @State(Scope.Thread)
    public static class Request {
        long[] user;
        float[] dense;
        long[] item;
        long[] category;
        long[] userShape;
        long[] denseShape;

        @Setup(Level.Trial)
        public void draw(OnnxRuntimeLatencyBench b) {
            Random rng = new Random(Thread.currentThread().getId());
            int n = b.candidates;
            long u = 2 + rng.nextInt(b.users - 2);
            user = new long[n];
            java.util.Arrays.fill(user, u);
            float[] ctx = new float[8];
            for (int j = 0; j < ctx.length; j++) {
                ctx[j] = (float) rng.nextGaussian();
            }
            dense = new float[n * 8];
            for (int r = 0; r < n; r++) {
                System.arraycopy(ctx, 0, dense, r * 8, 8);
            }
            item = new long[n];
            category = new long[n];
            for (int r = 0; r < n; r++) {
                item[r] = 2 + rng.nextInt(b.items - 2);
                category[r] = 2 + rng.nextInt(b.categories - 2);
            }
            userShape = new long[] {n};
            denseShape = new long[] {n, 8};
        }
    }

    private void score(Request q, Blackhole bh) throws OrtException {
        try (OnnxTensor u = OnnxTensor.createTensor(env, LongBuffer.wrap(q.user), q.userShape);
                OnnxTensor i = OnnxTensor.createTensor(env, LongBuffer.wrap(q.item), q.userShape);
                OnnxTensor c = OnnxTensor.createTensor(env, LongBuffer.wrap(q.category), q.userShape);
                OnnxTensor d = OnnxTensor.createTensor(env, FloatBuffer.wrap(q.dense), q.denseShape);
                OrtSession.Result r = session.run(Map.of("user", u, "item", i, "category", c, "dense", d))) {
            FloatBuffer ctr = ((OnnxTensor) r.get("ctr").orElseThrow()).getFloatBuffer();
            FloatBuffer ctcvr = ((OnnxTensor) r.get("ctcvr").orElseThrow()).getFloatBuffer();
            bh.consume(ctr.get(0) + ctcvr.get(ctcvr.limit() - 1));
        }
    }

    @Benchmark
    @Threads(1)
    public void score1Thread(Request q, Blackhole bh) throws OrtException {
        score(q, bh);
    }

    @Benchmark
    @Threads(2)
    public void score2Threads(Request q, Blackhole bh) throws OrtException {
        score(q, bh);
    }
}
