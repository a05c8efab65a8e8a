package org.mtl4j.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mtl4j.api.backend.TrainedModel;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.dsl.Mtl;
import org.mtl4j.onnx.OnnxExport;
import org.mtl4j.serving.Predictor;
import org.mtl4j.serving.Scores;
import org.mtl4j.serving.TypedRequest;

/**
 * The Predictor and ONNX Runtime on the SAME model (the MMoE ESMM funnel model of
 * {@link ServingLatencyBench}, exported with {@link OnnxExport}), measured <em>interleaved</em> in one
 * JVM: every client thread alternates one request through each side (the order rotates every round),
 * so both sides see the same machine load, JIT state and caches. Per call: wall time and the calling
 * thread's CPU time ({@code ThreadMXBean}), which other processes' load inflates much less than wall
 * time on a shared machine. Sides:
 * <ul>
 *   <li>{@code predictor-typed}: {@link Predictor#score(TypedRequest)}, the request filled each call from
 *       the client's primitive arrays (numeric ids, float features): binding included;</li>
 *   <li>{@code predictor-text}: {@link Predictor#score(Map, List)} on text cells (parsing included);</li>
 *   <li>{@code onnxruntime}: {@code session.run} on tensors built each call from arrays of embedding ROWS
 *       the client mapped before the loop (the vocabulary lookup is free for ONNX Runtime here) and the
 *       two task outputs read back (intra- and inter-op threads 1).</li>
 * </ul>
 * The sides are checked to agree (max |difference| of pCTR and pCTCVR) before timing.
 */
public final class ServingComparison {
    private static final String[] SIDES = {"predictor-typed", "predictor-text", "onnxruntime"};

    private ServingComparison() {
    }

    /** One client's request in each side's form. */
    private static final class Client {
        final int n;
        final Map<String, String> context;
        final List<Map<String, String>> items;
        final long user;
        final long[] item;
        final long[] category;
        final float[][] dense;
        final long[] userRows;
        final long[] itemRows;
        final long[] categoryRows;
        final float[] denseRowMajor;
        final long[] shape;
        final long[] denseShape;
        TypedRequest typed;

        Client(List<Map<String, String>> rows, Map<String, Vocabulary> vocab) {
            n = rows.size();
            String u = rows.get(0).get("user_id");
            context = Map.of("user_id", u);
            items = new ArrayList<>();
            user = Long.parseLong(u);
            item = new long[n];
            category = new long[n];
            dense = new float[8][n];
            userRows = new long[n];
            itemRows = new long[n];
            categoryRows = new long[n];
            denseRowMajor = new float[n * 8];
            for (int i = 0; i < n; i++) {
                Map<String, String> r = rows.get(i);
                Map<String, String> c = new LinkedHashMap<>(r);
                for (String k : List.of("user_id", "click", "conversion", "p_click", "p_cvr", "p_ctcvr")) {
                    c.remove(k);
                }
                items.add(c);
                item[i] = Long.parseLong(r.get("item_id"));
                category[i] = Long.parseLong(r.get("category"));
                userRows[i] = vocab.get("user").index(u);
                itemRows[i] = vocab.get("item").index(r.get("item_id"));
                categoryRows[i] = vocab.get("category").index(r.get("category"));
                for (int j = 0; j < 8; j++) {
                    dense[j][i] = Float.parseFloat(r.get("d" + j));
                    denseRowMajor[i * 8 + j] = dense[j][i];
                }
            }
            shape = new long[] {n};
            denseShape = new long[] {n, 8};
        }

        Scores typed(Predictor p) {
            TypedRequest q = typed;
            q.candidates(n).id("user_id", user).ids("item_id", item).ids("category", category);
            for (int j = 0; j < 8; j++) {
                q.values(DENSE[j], dense[j]);
            }
            return p.score(q);
        }

        float[][] ort(OrtEnvironment env, OrtSession s) throws OrtException {
            try (OnnxTensor u = OnnxTensor.createTensor(env, LongBuffer.wrap(userRows), shape);
                    OnnxTensor i = OnnxTensor.createTensor(env, LongBuffer.wrap(itemRows), shape);
                    OnnxTensor c = OnnxTensor.createTensor(env, LongBuffer.wrap(categoryRows), shape);
                    OnnxTensor d = OnnxTensor.createTensor(env, FloatBuffer.wrap(denseRowMajor), denseShape);
                    OrtSession.Result r = s.run(Map.of("user", u, "item", i, "category", c, "dense", d))) {
                FloatBuffer ctr = ((OnnxTensor) r.get("ctr").orElseThrow()).getFloatBuffer();
                FloatBuffer ctcvr = ((OnnxTensor) r.get("ctcvr").orElseThrow()).getFloatBuffer();
                float[][] out = {new float[ctr.remaining()], new float[ctcvr.remaining()]};
                ctr.get(out[0]);
                ctcvr.get(out[1]);
                return out;
            }
        }
    }

    private static final String[] DENSE = {"d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7"};

    /**
     * Runs the comparison for each candidate count and thread count; returns TSV lines: candidates,
     * threads, side, mean wall us, p50 wall us, p99 wall us, mean CPU us, calls, max |diff| vs ONNX Runtime.
     */
    public static List<String> run(int[] candidates, int[] threads, double seconds) throws Exception {
        Path dir = Files.createTempDirectory("mtl4j-serving-vs-ort");
        List<String> out = new ArrayList<>();
        try {
            Path model = ServingLatencyBench.trainModel(dir);
            Path onnx = dir.resolve("model.onnx");
            Map<String, Vocabulary> vocab;
            try (TrainedModel m = Mtl.runtime().load(model)) {
                OnnxExport.export(m, onnx);
                vocab = m.vocabularies();
            }
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
            opts.setIntraOpNumThreads(1);
            opts.setInterOpNumThreads(1);
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            try (OrtSession session = env.createSession(onnx.toString(), opts)) {
                for (int th : threads) {
                    try (Predictor p = Predictor.load(model, Predictor.Options.defaults().withConcurrency(th).withMaxCandidates(512))) {
                        p.warmUp();
                        for (int n : candidates) {
                            out.addAll(measure(p, env, session, vocab, n, th, seconds));
                        }
                    }
                }
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
        return out;
    }

    private static List<String> measure(Predictor p, OrtEnvironment env, OrtSession session, Map<String, Vocabulary> vocab, int n,
            int threads, double seconds) throws Exception {
        Client[] clients = new Client[threads];
        for (int t = 0; t < threads; t++) {
            clients[t] = new Client(ServingLatencyBench.rows(n, 2 + t), vocab);
            clients[t].typed = p.newRequest();
        }
        // the sides agree on the same request
        double diff = 0;
        Scores typed = clients[0].typed(p);
        Scores text = p.score(clients[0].context, clients[0].items);
        float[][] ort = clients[0].ort(env, session);
        for (int i = 0; i < n; i++) {
            diff = Math.max(diff, Math.abs(typed.score(i, "ctr") - ort[0][i]));
            diff = Math.max(diff, Math.abs(typed.score(i, "ctcvr") - ort[1][i]));
            if (typed.score(i, "ctr") != text.score(i, "ctr") || typed.score(i, "ctcvr") != text.score(i, "ctcvr")) {
                throw new IllegalStateException("typed and text requests disagree at candidate " + i);
            }
        }
        // warm-up, then measure; each thread keeps its own arrays
        long[][][] wall = new long[threads][SIDES.length][];
        long[][][] cpu = new long[threads][SIDES.length][];
        int[] calls = new int[threads];
        Thread[] ts = new Thread[threads];
        Throwable[] failed = new Throwable[1];
        for (int t = 0; t < threads; t++) {
            int id = t;
            ts[t] = new Thread(() -> {
                try {
                    Client c = clients[id];
                    loop(p, env, session, c, seconds / 3, null, null, 0);
                    int max = (int) Math.max(100, seconds * 1e6 / (3 * Math.max(20, n)));
                    long[][] w = new long[SIDES.length][max];
                    long[][] u = new long[SIDES.length][max];
                    calls[id] = loop(p, env, session, c, seconds, w, u, max);
                    wall[id] = w;
                    cpu[id] = u;
                } catch (Throwable e) {
                    failed[0] = e;
                }
            }, "serving-vs-ort-" + t);
            ts[t].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        if (failed[0] != null) {
            throw new IllegalStateException("comparison failed: " + failed[0], failed[0]);
        }
        List<String> lines = new ArrayList<>();
        for (int s = 0; s < SIDES.length; s++) {
            int total = 0;
            for (int t = 0; t < threads; t++) {
                total += calls[t];
            }
            long[] w = new long[total];
            long[] u = new long[total];
            int at = 0;
            for (int t = 0; t < threads; t++) {
                System.arraycopy(wall[t][s], 0, w, at, calls[t]);
                System.arraycopy(cpu[t][s], 0, u, at, calls[t]);
                at += calls[t];
            }
            Arrays.sort(w);
            lines.add(String.format(Locale.ROOT, "%d\t%d\t%s\t%.1f\t%.1f\t%.1f\t%.1f\t%d\t%.2e", n, threads, SIDES[s], mean(w) / 1e3,
                    w[(int) (0.50 * (total - 1))] / 1e3, w[(int) Math.ceil(0.99 * (total - 1))] / 1e3, mean(u) / 1e3, total, diff));
        }
        lines.forEach(System.out::println);
        return lines;
    }

    /** Rounds of one call per side, rotating the order; records up to {@code max} calls (none when w is null). */
    private static int loop(Predictor p, OrtEnvironment env, OrtSession session, Client c, double seconds, long[][] w, long[][] u,
            int max) throws OrtException {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        int round = 0;
        long sink = 0;
        while (System.nanoTime() < end && (w == null || round < max)) {
            for (int k = 0; k < SIDES.length; k++) {
                int s = (round + k) % SIDES.length;
                long c0 = mx.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                switch (s) {
                    case 0 -> sink += Float.floatToRawIntBits(c.typed(p).score(c.n - 1, "ctcvr"));
                    case 1 -> sink += Float.floatToRawIntBits(p.score(c.context, c.items).score(c.n - 1, "ctcvr"));
                    default -> sink += Float.floatToRawIntBits(c.ort(env, session)[1][c.n - 1]);
                }
                long t1 = System.nanoTime();
                long c1 = mx.getCurrentThreadCpuTime();
                if (w != null) {
                    w[s][round] = t1 - t0;
                    u[s][round] = c1 - c0;
                }
            }
            round++;
        }
        if (sink == 42) {
            System.out.print("");
        }
        return round;
    }

    private static double mean(long[] a) {
        double s = 0;
        for (long x : a) {
            s += x;
        }
        return a.length == 0 ? Double.NaN : s / a.length;
    }
}
