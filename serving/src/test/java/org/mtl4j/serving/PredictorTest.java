package org.mtl4j.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The predictor scores what {@code TrainedModel.predict} scores on the same rows, on both backends,
 * every output of an ESMM model (pCTR, pCTCVR and the child's own pCVR), for requests of every size
 * (padded to a power of two), with unknown ids on the OOV row, from several threads at once.
 */
class PredictorTest {
    @TempDir
    static Path dir;
    static Path dl4j;
    static Path tribuo;
    static final List<Map<String, String>> ROWS = ServingFixtures.scoringRows(300, 77);

    @BeforeAll
    static void train() throws Exception {
        dl4j = ServingFixtures.train(ServingFixtures.mmoe("dl4j", 5), 4000, 1, dir.resolve("dl4j.mtl"));
        tribuo = ServingFixtures.train(ServingFixtures.esmmSpec("tribuo", new org.mtl4j.api.spec.Topology.SharedBottom(List.of(16)), 5),
                4000, 1, dir.resolve("tribuo.mtl"));
    }

    private static Path model(String backend) {
        return backend.equals("dl4j") ? dl4j : tribuo;
    }

    @ParameterizedTest
    @ValueSource(strings = {"dl4j", "tribuo"})
    void scoresEqualPredictOnEveryOutputForEveryRequestSize(String backend) throws Exception {
        Path file = model(backend);
        Map<String, float[]> ref = ServingFixtures.reference(file, ROWS);
        assertThat(ref).containsKeys("ctr", "ctcvr", "ctcvr.conditional");
        try (Predictor p = Predictor.load(file, Predictor.Options.defaults().withConcurrency(2).withMaxCandidates(300))) {
            assertThat(p.outputs()).extracting(Predictor.Output::name).containsExactly("ctr", "ctcvr", "ctcvr.conditional");
            int at = 0;
            int compared = 0;
            for (int size : new int[] {1, 2, 3, 7, 64, 100, 123}) {
                // one request per user-looking chunk: the user given once in the context
                List<Map<String, String>> chunk = ROWS.subList(at, at + size);
                Map<String, String> ctx = Map.of("user_id", chunk.get(0).get("user_id"));
                List<Map<String, String>> cands = new ArrayList<>();
                for (Map<String, String> r : chunk) {
                    cands.add(ServingFixtures.candidate(r));
                }
                Scores s = p.score(ctx, cands);
                // the reference for these rows: the same cells with the context's user on every row
                List<Map<String, String>> full = new ArrayList<>();
                for (Map<String, String> c : cands) {
                    Map<String, String> m = new LinkedHashMap<>(c);
                    m.putAll(ctx);
                    full.add(m);
                }
                Map<String, float[]> expect = ServingFixtures.reference(file, full);
                assertThat(s.size()).isEqualTo(size);
                assertThat(s.modelVersion()).isEqualTo(p.version());
                for (String out : List.of("ctr", "ctcvr", "ctcvr.conditional")) {
                    for (int i = 0; i < size; i++) {
                        assertThat(s.score(i, out)).as("%s %s candidate %d of %d", backend, out, i, size)
                                .isCloseTo(expect.get(out)[i], within(1e-6f));
                        compared++;
                    }
                }
                at += size;
            }
            assertThat(compared).isEqualTo(3 * 300);
            // the ESMM identity holds on served scores: pCTCVR = pCTR x pCVR
            Scores s = p.score(Map.of(), ROWS.subList(0, 50));
            for (int i = 0; i < 50; i++) {
                assertThat(s.score(i, "ctcvr")).isCloseTo(s.score(i, "ctr") * s.score(i, "ctcvr.conditional"), within(1e-6f));
                assertThat(s.score(i, "ctr")).isCloseTo(ref.get("ctr")[i], within(1e-6f));
            }
        }
    }

    /**
     * A typed request (ids as longs where the cell is numeric, else as text; dense features as the
     * floats the cells parse to; the user once, or once per candidate) scores what {@code predict}
     * scores on the text rows, on both backends, for every request size; and reusing one request object
     * across sizes changes nothing.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dl4j", "tribuo"})
    void typedRequestsScoreWhatPredictScores(String backend) throws Exception {
        Path file = model(backend);
        try (Predictor p = Predictor.load(file, Predictor.Options.defaults().withConcurrency(2).withMaxCandidates(300))) {
            assertThat(p.typedUnsupported()).isNull();
            TypedRequest q = p.newRequest();
            int at = 0;
            int compared = 0;
            for (int size : new int[] {123, 1, 3, 64, 100, 7, 2}) {
                List<Map<String, String>> chunk = ROWS.subList(at, at + size);
                boolean userOnce = size % 2 == 1;
                List<Map<String, String>> full = new ArrayList<>();
                q.candidates(size);
                if (userOnce) {
                    String u = chunk.get(0).get("user_id");
                    if (u.matches("-?[0-9]+")) {
                        q.id("user_id", Long.parseLong(u));
                    } else {
                        q.id("user_id", u);
                    }
                }
                for (String col : List.of("user_id", "item_id", "category")) {
                    if (col.equals("user_id") && userOnce) {
                        continue;
                    }
                    long[] longs = new long[size];
                    String[] text = new String[size];
                    boolean numeric = true;
                    for (int i = 0; i < size; i++) {
                        text[i] = chunk.get(i).get(col);
                        numeric &= text[i].matches("-?[0-9]+");
                        longs[i] = numeric ? Long.parseLong(text[i]) : 0;
                    }
                    if (numeric) {
                        q.ids(col, longs);
                    } else {
                        q.ids(col, text);
                    }
                }
                for (int j = 0; j < 8; j++) {
                    float[] v = new float[size];
                    for (int i = 0; i < size; i++) {
                        v[i] = Float.parseFloat(chunk.get(i).get("d" + j));
                    }
                    q.values("d" + j, v);
                }
                for (Map<String, String> r : chunk) {
                    Map<String, String> m = new LinkedHashMap<>(r);
                    if (userOnce) {
                        m.put("user_id", chunk.get(0).get("user_id"));
                    }
                    full.add(m);
                }
                Scores s = p.score(q);
                Map<String, float[]> expect = ServingFixtures.reference(file, full);
                assertThat(s.size()).isEqualTo(size);
                for (String out : List.of("ctr", "ctcvr", "ctcvr.conditional")) {
                    assertThat(s.values(out)).hasSize(size);
                    for (int i = 0; i < size; i++) {
                        assertThat(s.score(i, out)).as("%s typed %s candidate %d of %d", backend, out, i, size)
                                .isCloseTo(expect.get(out)[i], within(1e-6f));
                        compared++;
                    }
                }
                at += size;
            }
            assertThat(compared).isEqualTo(3 * 300);
        }
    }

    @Test
    void typedRequestErrorsNameTheField() throws Exception {
        try (Predictor p = Predictor.load(dl4j, Predictor.Options.defaults().withConcurrency(1).withMaxCandidates(4))) {
            TypedRequest q = p.newRequest();
            assertThatThrownBy(() -> q.candidates(5)).isInstanceOf(RequestException.class)
                    .hasMessage("candidates: at most 4 candidates per request, found \"5 candidates\"");
            q.candidates(2).id("user_id", 3L).ids("item_id", new long[] {1, 2}).id("category", "1");
            assertThatThrownBy(() -> q.values("d1", new float[] {0f, Float.NaN})).isInstanceOf(RequestException.class)
                    .hasMessage("candidates[1].d1: dense input 'dense' needs a finite number, found \"NaN\"");
            assertThatThrownBy(() -> q.ids("d1", new long[] {1, 2})).isInstanceOf(RequestException.class)
                    .hasMessage("candidates.d1: column 'd1' is dense: give it with value/values, found \"an id\"");
            assertThatThrownBy(() -> q.values("d2", new float[] {1f})).isInstanceOf(RequestException.class)
                    .hasMessage("candidates.d2: one value per candidate (2) is needed, found \"1 values\"");
            for (int j = 0; j < 7; j++) {
                q.value("d" + j, 0.5f);
            }
            assertThatThrownBy(() -> p.score(q)).isInstanceOf(RequestException.class)
                    .hasMessage("candidates[0].d7: the model needs column 'd7' in the context or in every candidate, found nothing");
            q.value("d7", 1f).value("not_read", 3f);
            assertThat(p.score(q).size()).isEqualTo(2);
            try (Predictor other = Predictor.load(dl4j, Predictor.Options.defaults().withConcurrency(1).withMaxCandidates(4))) {
                assertThatThrownBy(() -> other.score(q)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("made by another predictor");
            }
        }
    }

    @Test
    void multiclassAndRegressionOutputsEqualPredictForEveryClass() throws Exception {
        org.mtl4j.api.spec.ModelSpec demo = org.mtl4j.data.FunnelGenerator.demoSpec();
        // category becomes a label, so it is no input here (the rows' category cells are then ignored as input)
        org.mtl4j.api.spec.ModelSpec noCategory = new org.mtl4j.api.spec.ModelSpec(demo.name(),
                demo.inputs().stream().filter(i -> !i.name().equals("category")).toList(), demo.tasks(), demo.topology(),
                demo.lossWeighting(), demo.gradientAggregation(), demo.clipping(), demo.optimizer(), demo.training(), demo.backend());
        org.mtl4j.api.spec.ModelSpec spec = noCategory.withTasks(List.of(org.mtl4j.api.spec.TaskSpec.binary("ctr", "click"),
                org.mtl4j.api.spec.TaskSpec.multiclass("segment", "category", 20),
                org.mtl4j.api.spec.TaskSpec.regression("p", "p_click")))
                .withTopology(new org.mtl4j.api.spec.Topology.Mmoe(3, List.of(16), List.of()))
                .withTraining(new org.mtl4j.api.spec.TrainingSpec(1, 256, 3L, 0.0, null, 0, 100_000));
        Path file = ServingFixtures.train(spec, 3000, 4, dir.resolve("mixed.mtl"));
        List<Map<String, String>> rows = ROWS.subList(0, 70);
        Map<String, float[]> ref = ServingFixtures.reference(file, rows);
        try (Predictor p = Predictor.load(file, Predictor.Options.defaults().withConcurrency(1).withMaxCandidates(100))) {
            assertThat(p.outputs()).extracting(Predictor.Output::name, Predictor.Output::width)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("ctr", 1), org.assertj.core.groups.Tuple.tuple("segment", 20),
                            org.assertj.core.groups.Tuple.tuple("p", 1));
            Scores s = p.score(Map.of(), rows);
            for (String out : List.of("ctr", "segment", "p")) {
                float[] got = s.values(out);
                assertThat(got).hasSize(ref.get(out).length);
                for (int i = 0; i < got.length; i++) {
                    assertThat(got[i]).as("%s value %d", out, i).isCloseTo(ref.get(out)[i], within(1e-6f));
                }
            }
        }
    }

    @Test
    void warmingUpMakesOneReplicaPerPaddedSizeAndChangesNoScore() throws Exception {
        try (Predictor p = Predictor.load(dl4j, Predictor.Options.defaults().withConcurrency(2).withMaxCandidates(300))) {
            Scores before = p.score(Map.of(), ROWS.subList(0, 37));
            // sizes 1, 2, 4, ..., 256 and 300 (padded to 512): ten buckets, one replica each
            assertThat(p.warmUp()).isEqualTo(10);
            assertThat(p.score(Map.of(), ROWS.subList(0, 37)).values("ctcvr")).containsExactly(before.values("ctcvr"));
            assertThat(p.replicas()).isEqualTo(10);
        }
    }

    @Test
    void unknownIdsScoreAsTheOovRowAndEmptyCategoryAsPadding() throws Exception {
        try (Predictor p = Predictor.load(dl4j, Predictor.Options.defaults().withConcurrency(1))) {
            Map<String, String> row = ServingFixtures.candidate(ROWS.get(5));
            Scores a = p.score(Map.of("user_id", "never-seen-1"), List.of(row));
            Scores b = p.score(Map.of("user_id", "never-seen-2"), List.of(row));
            Scores known = p.score(Map.of("user_id", ROWS.get(5).get("user_id")), List.of(row));
            assertThat(a.score(0, "ctr")).isEqualTo(b.score(0, "ctr"));
            assertThat(known.score(0, "ctr")).isNotEqualTo(a.score(0, "ctr"));
        }
    }

    @Test
    void manyThreadsGetTheSingleThreadedScores() throws Exception {
        Map<String, float[]> ref = ServingFixtures.reference(dl4j, ROWS);
        try (Predictor p = Predictor.load(dl4j, Predictor.Options.defaults().withConcurrency(3).withMaxCandidates(300))) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<Integer>> futures = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    final int seed = t;
                    futures.add(pool.submit(() -> {
                        java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
                        int checked = 0;
                        for (int r = 0; r < 60; r++) {
                            int from = rnd.nextInt(ROWS.size() - 1);
                            int n = 1 + rnd.nextInt(Math.min(200, ROWS.size() - from));
                            Scores s = p.score(Map.of(), ROWS.subList(from, from + n), List.of("ctcvr"));
                            assertThat(s.values().keySet()).containsExactlyInAnyOrder("ctcvr", "ctcvr.conditional");
                            for (int i = 0; i < n; i++) {
                                assertThat(s.score(i, "ctcvr")).isCloseTo(ref.get("ctcvr")[from + i], within(1e-6f));
                                checked++;
                            }
                        }
                        return checked;
                    }));
                }
                int total = 0;
                for (Future<Integer> f : futures) {
                    total += f.get(120, TimeUnit.SECONDS);
                }
                assertThat(total).isGreaterThan(1000);
            } finally {
                pool.shutdownNow();
            }
            // replicas: bounded by concurrency x buckets
            assertThat(p.replicas()).isBetween(1, 3 * 10);
        }
    }

    @Test
    void badRequestsNameTheFieldAndTheValue() throws Exception {
        try (Predictor p = Predictor.load(dl4j, Predictor.Options.defaults().withConcurrency(1).withMaxCandidates(4))) {
            Map<String, String> good = ServingFixtures.candidate(ROWS.get(3));
            Map<String, String> nan = new LinkedHashMap<>(good);
            nan.put("d2", "NaN");
            assertThatThrownBy(() -> p.score(Map.of("user_id", "1"), List.of(good, nan)))
                    .isInstanceOf(RequestException.class)
                    .hasMessage("candidates[1].d2: dense input 'dense' needs a finite number, found \"NaN\"");
            Map<String, String> word = new LinkedHashMap<>(good);
            word.put("d0", "abc");
            assertThatThrownBy(() -> p.score(Map.of("user_id", "1"), List.of(word)))
                    .hasMessage("candidates[0].d0: dense input 'dense' needs a number, found \"abc\"");
            Map<String, String> missing = new LinkedHashMap<>(good);
            missing.remove("item_id");
            assertThatThrownBy(() -> p.score(Map.of("user_id", "1"), List.of(good, missing)))
                    .hasMessage("candidates[1].item_id: the model needs column 'item_id' in the context or in every candidate,"
                            + " found nothing");
            // a column the model does not read is ignored, as extra CSV columns are
            assertThat(p.score(Map.of("user_id", "1", "colour", "red"), List.of(good)).score(0, "ctr"))
                    .isEqualTo(p.score(Map.of("user_id", "1"), List.of(good)).score(0, "ctr"));
            assertThatThrownBy(() -> p.score(Map.of("user_id", "1", "d0", "0.5"), List.of(good)))
                    .hasMessageStartingWith("candidates[0].d0: column is given in the context too (\"0.5\")");
            assertThatThrownBy(() -> p.score(Map.of("user_id", "1"), List.of(good), List.of("ctr", "cvr")))
                    .hasMessage("tasks[1]: model 'funnel-demo' has no such task (tasks: ctr, ctcvr), found \"cvr\"");
            assertThatThrownBy(() -> p.score(Map.of("user_id", "1"), List.of(good, good, good, good, good)))
                    .hasMessage("candidates: at most 4 candidates per request, found \"5 candidates\"");
            assertThatThrownBy(() -> p.score(Map.of("user_id", "1"), List.of()))
                    .hasMessage("candidates: a request needs at least one candidate, found \"[]\"");
            Map<String, String> ctxNan = Map.of("user_id", "1", "d2", "Infinity");
            Map<String, String> rest = new LinkedHashMap<>(good);
            rest.remove("d2");
            assertThatThrownBy(() -> p.score(ctxNan, List.of(rest)))
                    .hasMessage("context.d2: dense input 'dense' needs a finite number, found \"Infinity\"");
        }
    }

    @Test
    void closingWaitsForRunningRequestsAndLaterOnesFailAsClosed() throws Exception {
        Predictor p = Predictor.load(dl4j, Predictor.Options.defaults().withConcurrency(1).withMaxCandidates(300));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(2);
            List<Future<Integer>> clients = new ArrayList<>();
            for (int c = 0; c < 2; c++) {
                clients.add(pool.submit(() -> {
                    int answered = 0;
                    running.countDown();
                    while (true) {
                        try {
                            assertThat(p.score(Map.of(), ROWS).size()).isEqualTo(ROWS.size());
                            answered++;
                        } catch (Predictor.ClosedException e) {
                            return answered;
                        }
                    }
                }));
            }
            running.await();
            Thread.sleep(200);
            p.close();
            for (Future<Integer> f : clients) {
                assertThat(f.get(60, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(0);
            }
            assertThatThrownBy(() -> p.score(Map.of(), ROWS.subList(0, 1))).isInstanceOf(Predictor.ClosedException.class);
        } finally {
            pool.shutdownNow();
        }
    }
}
