package org.mtl4j.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server on loopback (ephemeral port) under a bounded load: several client threads, a few
 * thousand requests, a different model dropped in place (atomic rename) in the middle. Zero failed
 * requests, and every score equals {@code TrainedModel.predict} of the model version the response
 * names. Then the bad requests, each answered 400/413 naming the field and the value.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ScoringServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CLIENTS = 4;
    private static final int REQUESTS = 2400;

    @TempDir
    static Path dir;
    static Path modelA;
    static Path modelB;
    /** request i: the context user, the candidates' own cells, and per model version its reference scores. */
    static final List<Map<String, String>> CONTEXTS = new ArrayList<>();
    static final List<List<Map<String, String>>> CANDIDATES = new ArrayList<>();
    static final Map<String, List<Map<String, float[]>>> REFERENCE = new HashMap<>();

    @BeforeAll
    static void setUp() throws Exception {
        modelA = ServingFixtures.train(ServingFixtures.mmoe("dl4j", 5), 4000, 1, dir.resolve("a.mtl"));
        modelB = ServingFixtures.train(ServingFixtures.mmoe("dl4j", 6), 4000, 2, dir.resolve("b.mtl"));
        List<Map<String, String>> rows = ServingFixtures.scoringRows(600, 91);
        SplittableRandom rnd = new SplittableRandom(3);
        for (int r = 0; r < 40; r++) {
            int n = r % 10 == 0 ? 1 : 1 + rnd.nextInt(120);
            int from = rnd.nextInt(rows.size() - n);
            Map<String, String> ctx = Map.of("user_id", rows.get(from).get("user_id"));
            List<Map<String, String>> cands = new ArrayList<>();
            for (Map<String, String> row : rows.subList(from, from + n)) {
                cands.add(ServingFixtures.candidate(row));
            }
            CONTEXTS.add(ctx);
            CANDIDATES.add(cands);
        }
        for (Path m : List.of(modelA, modelB)) {
            List<Map<String, float[]>> refs = new ArrayList<>();
            for (int r = 0; r < CONTEXTS.size(); r++) {
                List<Map<String, String>> full = new ArrayList<>();
                for (Map<String, String> c : CANDIDATES.get(r)) {
                    Map<String, String> row = new LinkedHashMap<>(c);
                    row.putAll(CONTEXTS.get(r));
                    full.add(row);
                }
                refs.add(ServingFixtures.reference(m, full));
            }
            REFERENCE.put(Predictor.fingerprint(m), refs);
        }
        assertThat(REFERENCE).hasSize(2);
    }

    /** The request body: dense cells as JSON numbers (exact decimals), ids as strings. */
    static String body(int r) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode ctx = root.putObject("context");
        CONTEXTS.get(r).forEach(ctx::put);
        ArrayNode cands = root.putArray("candidates");
        for (Map<String, String> c : CANDIDATES.get(r)) {
            ObjectNode o = cands.addObject();
            c.forEach((k, v) -> {
                if (k.startsWith("d")) {
                    o.put(k, new BigDecimal(v));
                } else {
                    o.put(k, v);
                }
            });
        }
        return root.toString();
    }

    @Test
    void boundedLoadWithAHotReloadInTheMiddleFailsNothingAndEveryScoreEqualsPredict() throws Exception {
        Path served = dir.resolve("served/model.mtl");
        Files.createDirectories(served.getParent());
        Files.copy(modelA, served);
        String versionA = Predictor.fingerprint(modelA);
        String versionB = Predictor.fingerprint(modelB);
        ScoringServer.Config config = ScoringServer.Config.of(served).withThreads(3).withMaxCandidates(200)
                .withWatchInterval(Duration.ofMillis(50));
        try (ScoringServer server = ScoringServer.start(config)) {
            assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
            URI score = URI.create("http://127.0.0.1:" + server.port() + "/score");
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            String[] bodies = new String[CONTEXTS.size()];
            for (int r = 0; r < bodies.length; r++) {
                bodies[r] = body(r);
            }
            AtomicInteger sent = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            AtomicLong compared = new AtomicLong();
            Map<String, AtomicInteger> byVersion = new ConcurrentHashMap<>();
            List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    final int seed = c;
                    done.add(clients.submit(() -> {
                        SplittableRandom rnd = new SplittableRandom(100 + seed);
                        while (sent.getAndIncrement() < REQUESTS && System.nanoTime() < deadline) {
                            int r = rnd.nextInt(bodies.length);
                            try {
                                HttpResponse<String> resp = client.send(HttpRequest.newBuilder(score)
                                        .timeout(Duration.ofSeconds(30))
                                        .POST(HttpRequest.BodyPublishers.ofString(bodies[r])).build(),
                                        HttpResponse.BodyHandlers.ofString());
                                if (resp.statusCode() != 200) {
                                    failed.incrementAndGet();
                                    problems.add(resp.statusCode() + " " + resp.body());
                                    continue;
                                }
                                JsonNode a = JSON.readTree(resp.body());
                                String v = a.get("model").get("version").asText();
                                byVersion.computeIfAbsent(v, k -> new AtomicInteger()).incrementAndGet();
                                Map<String, float[]> ref = REFERENCE.get(v).get(r);
                                JsonNode scores = a.get("scores");
                                if (scores.size() != CANDIDATES.get(r).size()) {
                                    problems.add("request " + r + ": " + scores.size() + " scores for " + CANDIDATES.get(r).size());
                                }
                                for (int i = 0; i < scores.size(); i++) {
                                    for (String out : List.of("ctr", "ctcvr", "ctcvr.conditional")) {
                                        float got = scores.get(i).get(out).floatValue();
                                        if (Math.abs(got - ref.get(out)[i]) > 1e-6) {
                                            problems.add("request " + r + " candidate " + i + " " + out + " of " + v + ": " + got
                                                    + " vs predict " + ref.get(out)[i]);
                                        }
                                        compared.incrementAndGet();
                                    }
                                }
                            } catch (Exception e) {
                                failed.incrementAndGet();
                                problems.add(e.toString());
                            }
                        }
                        return null;
                    }));
                }
                // the reload: a different model written next to the served file, then renamed over it
                while (sent.get() < REQUESTS / 2 && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                Path tmp = served.resolveSibling("model.mtl.tmp");
                Files.copy(modelB, tmp);
                Files.move(tmp, served, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                for (Future<?> f : done) {
                    f.get(150, TimeUnit.SECONDS);
                }
            } finally {
                clients.shutdownNow();
            }
            assertThat(problems).isEmpty();
            assertThat(failed.get()).isZero();
            int answered = byVersion.values().stream().mapToInt(AtomicInteger::get).sum();
            assertThat(answered).isEqualTo(REQUESTS);
            assertThat(byVersion.keySet()).containsExactlyInAnyOrder(versionA, versionB);
            assertThat(server.reloads()).isEqualTo(1);
            assertThat(server.predictor().version()).isEqualTo(versionB);
            assertThat(compared.get()).isGreaterThan(REQUESTS * 3L);

            HttpResponse<String> health = client.send(HttpRequest.newBuilder(score.resolve("/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(health.body()).get("model").get("version").asText()).isEqualTo(versionB);
            String metrics = client.send(HttpRequest.newBuilder(score.resolve("/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("mtl4j_requests_total{endpoint=\"score\",code=\"200\"} " + REQUESTS + "\n")
                    .contains("mtl4j_score_latency_seconds_count " + REQUESTS + "\n")
                    .contains("mtl4j_score_latency_seconds_bucket{le=\"+Inf\"} " + REQUESTS + "\n")
                    .contains("mtl4j_score_latency_seconds_bucket{le=\"0.0005\"} ")
                    .contains("mtl4j_score_latency_seconds_bucket{le=\"10\"} " + REQUESTS + "\n")
                    .contains("mtl4j_model_reloads_total 1\n")
                    .contains("mtl4j_model_info{backend=\"dl4j\",name=\"funnel-demo\",version=\"" + versionB + "\"} 1\n")
                    .doesNotContain("mtl4j_request_errors_total{");
        }
    }

    @Test
    void badRequestsGet400NamingTheFieldAndTheValue() throws Exception {
        Path served = dir.resolve("bad/model.mtl");
        Files.createDirectories(served.getParent());
        Files.copy(modelA, served);
        ScoringServer.Config config = ScoringServer.Config.of(served).withThreads(2).withMaxCandidates(3)
                .withMaxBodyBytes(4096).withWatchInterval(null);
        try (ScoringServer server = ScoringServer.start(config)) {
            HttpClient client = HttpClient.newHttpClient();
            URI base = URI.create("http://127.0.0.1:" + server.port());
            String cand = JSON.writeValueAsString(CANDIDATES.get(1).get(0));
            String good = "{\"context\":{\"user_id\":\"7\"},\"candidates\":[" + cand + "]}";
            assertThat(post(client, base, good).statusCode()).isEqualTo(200);

            expect(client, base, "{\"candidates\": [", 400, "malformed-json", "body", "{\"candidates\": [");
            expect(client, base, "{\"context\":{\"user_id\":\"7\"}}", 400, "missing-field", "candidates", null);
            expect(client, base, good.replace("\"candidates\"", "\"tasks\":[\"cvr\"],\"candidates\""), 400, "unknown-task",
                    "tasks[0]", "cvr");
            expect(client, base, good.replace("\"user_id\":\"7\"", "\"user_id\":true"), 400, "wrong-type", "context.user_id",
                    "true");
            String nan = good.replace("\"user_id\":\"7\"", "\"user_id\":\"7\",\"d3\":\"NaN\"")
                    .replace(",\"d3\":" + JSON.writeValueAsString(CANDIDATES.get(1).get(0).get("d3")), "");
            expect(client, base, nan, 400, "bad-value", "context.d3", "NaN");
            Map<String, String> noItem = new LinkedHashMap<>(CANDIDATES.get(1).get(0));
            noItem.remove("item_id");
            String missing = "{\"context\":{\"user_id\":\"7\"},\"candidates\":[" + cand + "," + JSON.writeValueAsString(noItem) + "]}";
            expect(client, base, missing, 400, "missing-column", "candidates[1].item_id", null);
            expect(client, base, "{\"candidates\":[" + cand + "," + cand + "," + cand + "," + cand + "]}", 400,
                    "too-many-candidates", "candidates", "4 candidates");
            String big = "{\"candidates\":[" + cand + "]," + "\"pad\":\"" + "x".repeat(5000) + "\"}";
            expect(client, base, big, 413, "body-too-large", "body", big.length() + " bytes");
            HttpResponse<String> get = client.send(HttpRequest.newBuilder(base.resolve("/score")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(get.statusCode()).isEqualTo(405);
            HttpResponse<String> nowhere = client.send(HttpRequest.newBuilder(base.resolve("/scores")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(nowhere.statusCode()).isEqualTo(404);
            assertThat(nowhere.body()).contains("\"field\":\"path\",\"value\":\"/scores\"");
            String metrics = client.send(HttpRequest.newBuilder(base.resolve("/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("mtl4j_request_errors_total{endpoint=\"score\",error=\"bad-value\"} 1\n")
                    .contains("mtl4j_requests_total{endpoint=\"score\",code=\"400\"} 7\n")
                    .contains("mtl4j_requests_total{endpoint=\"score\",code=\"413\"} 1\n");
        }
    }

    @Test
    void aNewFileThatDoesNotLoadLeavesTheOldModelServingAndIsCounted() throws Exception {
        Path served = dir.resolve("broken/model.mtl");
        Files.createDirectories(served.getParent());
        Files.copy(modelA, served);
        try (ScoringServer server = ScoringServer.start(ScoringServer.Config.of(served).withThreads(1).withWatchInterval(null))) {
            String before = server.predictor().version();
            assertThat(server.reloadIfChanged()).isFalse(); // unchanged file
            Path tmp = served.resolveSibling("model.mtl.tmp");
            Files.writeString(tmp, "not a model");
            Files.move(tmp, served, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            assertThat(server.reloadIfChanged()).isFalse();
            assertThat(server.predictor().version()).isEqualTo(before);
            HttpClient client = HttpClient.newHttpClient();
            URI base = URI.create("http://127.0.0.1:" + server.port());
            String body = "{\"context\":{\"user_id\":\"7\"},\"candidates\":[" + JSON.writeValueAsString(CANDIDATES.get(1).get(0)) + "]}";
            HttpResponse<String> r = post(client, base, body);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(r.body()).get("model").get("version").asText()).isEqualTo(before);
            String metrics = client.send(HttpRequest.newBuilder(base.resolve("/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("mtl4j_model_reload_failures_total 1\n").contains("mtl4j_model_reloads_total 0\n");
            // the same broken file is not retried; a good one dropped in place is taken
            assertThat(server.reloadIfChanged()).isFalse();
            Files.copy(modelB, tmp);
            Files.move(tmp, served, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            assertThat(server.reloadIfChanged()).isTrue();
            assertThat(server.predictor().version()).isEqualTo(Predictor.fingerprint(modelB));
        }
    }

    private static HttpResponse<String> post(HttpClient client, URI base, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(base.resolve("/score")).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void expect(HttpClient client, URI base, String body, int code, String error, String field, String value)
            throws Exception {
        HttpResponse<String> r = post(client, base, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(code);
        JsonNode j = JSON.readTree(r.body());
        assertThat(j.get("error").asText()).isEqualTo(error);
        assertThat(j.get("field").asText()).isEqualTo(field);
        if (value == null) {
            assertThat(j.has("value")).as(r.body()).isFalse();
        } else {
            assertThat(j.get("value").asText()).isEqualTo(value);
        }
        assertThat(j.get("message").asText()).startsWith(field + ": ");
    }
}
