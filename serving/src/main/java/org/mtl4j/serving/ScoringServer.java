package org.mtl4j.serving;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.mtl4j.dsl.MtlRuntime;
import org.mtl4j.serving.RequestException.Kind;
import org.mtl4j.serving.internal.JsonRequest;
import org.mtl4j.serving.internal.ServerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP/JSON scoring of a saved model on the JDK's {@code com.sun.net.httpserver}:
 * <ul>
 * <li>{@code POST /score} {@code {"context": {...}, "candidates": [{...}, ...], "tasks": [...]}} answers
 * {@code {"model": {"name", "version", "backend"}, "outputs": [...], "scores": [{"ctr": 0.12, ...}, ...]}};
 * a bad request gets 400 with {@code {"error", "field", "value", "message"}}, a body over the cap 413;</li>
 * <li>{@code GET /health}: the model served and its version;</li>
 * <li>{@code GET /metrics}: Prometheus text (requests, errors, latency histogram, model info).</li>
 * </ul>
 * A bounded pool of {@link Config#threads()} handler threads (its queue bounded too; when full the
 * accepting thread runs the request itself, which slows accepting: back-pressure rather than drops).
 * Hot reload: the model file is polled; a new file dropped in place (write elsewhere, then rename) is
 * loaded beside the old model and warmed up ({@link Predictor#warmUp()}), swapped in atomically, and the old one is closed once its in-flight
 * requests are done; a request that meets the closed model retries on the new one, so none fails. A
 * file that does not load is logged and counted; the old model keeps serving.
 */
public final class ScoringServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ScoringServer.class);
    private static final JsonFactory JSON = new JsonFactory();

    /**
     * @param model the model file to serve and watch
     * @param host the address to bind (loopback by default)
     * @param port the port, 0 for an ephemeral one
     * @param threads request threads (and concurrent predictions)
     * @param maxCandidates candidates per request at most
     * @param maxBodyBytes request body size at most
     * @param watchInterval how often the model file is checked (null or zero: never)
     * @param runtime the runtime that loads models (null: discovered)
     */
    public record Config(Path model, String host, int port, int threads, int maxCandidates, int maxBodyBytes,
            Duration watchInterval, MtlRuntime runtime) {
        public Config {
            Objects.requireNonNull(model, "model");
            host = host == null || host.isBlank() ? "127.0.0.1" : host;
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be in [0, 65535], found " + port);
            }
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be >= 1, found " + threads);
            }
            if (maxCandidates < 1) {
                throw new IllegalArgumentException("max candidates must be >= 1, found " + maxCandidates);
            }
            if (maxBodyBytes < 1024) {
                throw new IllegalArgumentException("max body size must be >= 1024 bytes, found " + maxBodyBytes);
            }
        }

        /** Loopback, an ephemeral port, 4 threads, 1000 candidates, 4 MiB bodies, the file checked every second. */
        public static Config of(Path model) {
            return new Config(model, "127.0.0.1", 0, 4, 1000, 4 << 20, Duration.ofSeconds(1), null);
        }

        public Config withPort(int p) {
            return new Config(model, host, p, threads, maxCandidates, maxBodyBytes, watchInterval, runtime);
        }

        public Config withHost(String h) {
            return new Config(model, h, port, threads, maxCandidates, maxBodyBytes, watchInterval, runtime);
        }

        public Config withThreads(int t) {
            return new Config(model, host, port, t, maxCandidates, maxBodyBytes, watchInterval, runtime);
        }

        public Config withMaxCandidates(int n) {
            return new Config(model, host, port, threads, n, maxBodyBytes, watchInterval, runtime);
        }

        public Config withMaxBodyBytes(int n) {
            return new Config(model, host, port, threads, maxCandidates, n, watchInterval, runtime);
        }

        public Config withWatchInterval(Duration d) {
            return new Config(model, host, port, threads, maxCandidates, maxBodyBytes, d, runtime);
        }

        public Config withRuntime(MtlRuntime r) {
            return new Config(model, host, port, threads, maxCandidates, maxBodyBytes, watchInterval, r);
        }
    }

    private final Config config;
    private final HttpServer http;
    private final ThreadPoolExecutor handlers;
    private final ScheduledExecutorService watcher;
    private final AtomicReference<Predictor> current = new AtomicReference<>();
    private final ServerMetrics metrics = new ServerMetrics();
    private final Object reloadLock = new Object();
    private Object loadedFileStamp;

    private ScoringServer(Config config, Predictor first, Object stamp) throws IOException {
        this.config = config;
        this.current.set(first);
        this.loadedFileStamp = stamp;
        this.http = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 128);
        AtomicInteger n = new AtomicInteger();
        this.handlers = new ThreadPoolExecutor(config.threads(), config.threads(), 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(Math.max(64, 16 * config.threads())), r -> {
                    Thread t = new Thread(r, "mtl4j-serve-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.CallerRunsPolicy());
        http.setExecutor(handlers);
        http.createContext("/score", ex -> exact(ex, "/score", this::score));
        http.createContext("/health", ex -> exact(ex, "/health", this::health));
        http.createContext("/metrics", ex -> exact(ex, "/metrics", this::metrics));
        http.createContext("/", this::notFound);
        if (config.watchInterval() != null && !config.watchInterval().isZero()) {
            watcher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "mtl4j-serve-watch");
                t.setDaemon(true);
                return t;
            });
            long ms = Math.max(10, config.watchInterval().toMillis());
            watcher.scheduleWithFixedDelay(this::checkFile, ms, ms, TimeUnit.MILLISECONDS);
        } else {
            watcher = null;
        }
    }

    /** Loads the model and starts listening. */
    public static ScoringServer start(Config config) throws IOException {
        Object stamp = stamp(config.model());
        Predictor first = Predictor.load(config.model(), options(config));
        ScoringServer s;
        try {
            first.warmUp();
            s = new ScoringServer(config, first, stamp);
        } catch (IOException | RuntimeException e) {
            first.close();
            throw e;
        }
        s.http.start();
        LOG.info("serving model '{}' version {} ({}) on http://{}:{}", first.spec().name(), first.version(), first.backend(),
                config.host(), s.port());
        return s;
    }

    private static Predictor.Options options(Config c) {
        return Predictor.Options.defaults().withRuntime(c.runtime()).withConcurrency(c.threads())
                .withMaxCandidates(c.maxCandidates());
    }

    /** The bound port (the ephemeral one when configured with 0). */
    public int port() {
        return http.getAddress().getPort();
    }

    public InetSocketAddress address() {
        return http.getAddress();
    }

    /** The predictor answering new requests now. */
    public Predictor predictor() {
        return current.get();
    }

    /** Model files loaded after the first. */
    public long reloads() {
        return metrics.reloads();
    }

    // ------------------------------------------------------------------ hot reload

    /** The file's identity and change marks: an atomic rename changes the file key, a rewrite the time or size. */
    private static Object stamp(Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        return java.util.List.of(String.valueOf(a.fileKey()), a.lastModifiedTime().toMillis(), a.size());
    }

    private void checkFile() {
        try {
            reloadIfChanged();
        } catch (RuntimeException e) {
            LOG.error("model watcher: {}", e.toString(), e);
        }
    }

    /**
     * Loads the model file if it changed since it was last loaded (the watcher calls this; callers
     * may too). Returns whether a new model now serves.
     */
    public boolean reloadIfChanged() {
        synchronized (reloadLock) {
            Object stamp;
            try {
                stamp = stamp(config.model());
            } catch (NoSuchFileException e) {
                return false; // between an unlink and a rename, or removed: keep serving the loaded model
            } catch (IOException e) {
                LOG.warn("cannot read {}: {}", config.model(), e.toString());
                return false;
            }
            if (stamp.equals(loadedFileStamp)) {
                return false;
            }
            loadedFileStamp = stamp;
            Predictor next;
            try {
                next = Predictor.load(config.model(), options(config));
                try {
                    next.warmUp(); // before the swap: the first requests on the new model load no replica
                } catch (RuntimeException e) {
                    next.close();
                    throw e;
                }
            } catch (IOException | RuntimeException e) {
                metrics.reloadFailed();
                LOG.error("model file {} changed but does not load ({}); still serving version {}", config.model(), e.toString(),
                        current.get().version());
                return false;
            }
            Predictor old = current.get();
            if (next.version().equals(old.version())) {
                next.close();
                return false;
            }
            current.set(next);
            metrics.reloaded();
            LOG.info("reloaded {}: version {} -> {}", config.model(), old.version(), next.version());
            // waits for the old model's in-flight requests, off the watcher's thread
            Thread closer = new Thread(old::close, "mtl4j-serve-close-" + old.version());
            closer.setDaemon(true);
            closer.start();
            return true;
        }
    }

    // ------------------------------------------------------------------ endpoints

    /** The JDK matches contexts by prefix: only the exact path goes to the endpoint. */
    private void exact(HttpExchange ex, String path, com.sun.net.httpserver.HttpHandler h) throws IOException {
        if (path.equals(ex.getRequestURI().getPath())) {
            h.handle(ex);
        } else {
            notFound(ex);
        }
    }

    private void notFound(HttpExchange ex) throws IOException {
        try (ex) {
            metrics.request("other", 404);
            sendError(ex, 404, "not-found", "path", ex.getRequestURI().getPath(), "no such endpoint (endpoints: POST /score, "
                    + "GET /health, GET /metrics)");
        }
    }

    private void score(HttpExchange ex) {
        long t0 = System.nanoTime();
        try (ex) {
            if (!"POST".equals(ex.getRequestMethod())) {
                metrics.request("score", 405);
                metrics.error("score", "method-not-allowed");
                ex.getResponseHeaders().add("Allow", "POST");
                sendError(ex, 405, "method-not-allowed", "method", ex.getRequestMethod(), "/score takes POST");
                return;
            }
            try {
                byte[] body = readBody(ex);
                Predictor p = current.get();
                JsonRequest req = JsonRequest.parse(body, p::readsColumn, p::listSeparator, config.maxCandidates());
                Scores s;
                while (true) {
                    try {
                        s = p.score(req.context(), req.candidates(), req.tasks());
                        break;
                    } catch (Predictor.ClosedException e) {
                        Predictor now = current.get();
                        if (now == p) {
                            throw e;
                        }
                        p = now; // replaced while this request waited: answer with the new model
                    }
                }
                send(ex, 200, answer(p, s));
                metrics.request("score", 200);
                metrics.scored(System.nanoTime() - t0, s.size());
            } catch (RequestException e) {
                int code = e.kind() == Kind.BODY_TOO_LARGE ? 413 : 400;
                metrics.request("score", code);
                metrics.error("score", e.kind().id());
                sendError(ex, code, e.kind().id(), e.field(), e.value(), e.getMessage());
            }
        } catch (IOException | RuntimeException e) {
            metrics.request("score", 500);
            metrics.error("score", "internal");
            LOG.error("/score failed: {}", e.toString(), e);
            try {
                sendError(ex, 500, "internal", null, null, e.toString());
            } catch (IOException | RuntimeException ignored) {
                // the client is gone
            }
        }
    }

    private byte[] answer(Predictor p, Scores s) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream(64 + s.size() * 24 * s.outputs().size());
        try (JsonGenerator g = JSON.createGenerator(bo)) {
            g.writeStartObject();
            writeModel(g, p);
            g.writeArrayFieldStart("outputs");
            for (Predictor.Output o : s.outputs()) {
                g.writeString(o.name());
            }
            g.writeEndArray();
            g.writeArrayFieldStart("scores");
            for (int i = 0; i < s.size(); i++) {
                g.writeStartObject();
                for (Predictor.Output o : s.outputs()) {
                    float[] v = s.values(o.name());
                    g.writeFieldName(o.name());
                    if (o.width() == 1) {
                        g.writeNumber(v[i]);
                    } else {
                        g.writeStartArray();
                        for (int k = 0; k < o.width(); k++) {
                            g.writeNumber(v[i * o.width() + k]);
                        }
                        g.writeEndArray();
                    }
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        return bo.toByteArray();
    }

    private static void writeModel(JsonGenerator g, Predictor p) throws IOException {
        g.writeObjectFieldStart("model");
        g.writeStringField("name", p.spec().name());
        g.writeStringField("version", p.version());
        g.writeStringField("backend", p.backend());
        g.writeEndObject();
    }

    private void health(HttpExchange ex) throws IOException {
        try (ex) {
            Predictor p = current.get();
            ByteArrayOutputStream bo = new ByteArrayOutputStream();
            try (JsonGenerator g = JSON.createGenerator(bo)) {
                g.writeStartObject();
                g.writeStringField("status", "ok");
                writeModel(g, p);
                g.writeArrayFieldStart("columns");
                for (String c : p.columns()) {
                    g.writeString(c);
                }
                g.writeEndArray();
                g.writeArrayFieldStart("outputs");
                for (Predictor.Output o : p.outputs()) {
                    g.writeString(o.name());
                }
                g.writeEndArray();
                g.writeNumberField("maxCandidates", p.maxCandidates());
                g.writeNumberField("reloads", metrics.reloads());
                g.writeEndObject();
            }
            metrics.request("health", 200);
            send(ex, 200, bo.toByteArray());
        }
    }

    private void metrics(HttpExchange ex) throws IOException {
        try (ex) {
            Predictor p = current.get();
            Map<String, String> model = new LinkedHashMap<>();
            model.put("name", p.spec().name());
            model.put("version", p.version());
            model.put("backend", p.backend());
            metrics.request("metrics", 200);
            byte[] text = metrics.render(model, p.replicas()).getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            ex.sendResponseHeaders(200, text.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(text);
            }
        }
    }

    // ------------------------------------------------------------------ plumbing

    private byte[] readBody(HttpExchange ex) throws IOException {
        int max = config.maxBodyBytes();
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            long len;
            try {
                len = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                len = -1;
            }
            if (len > max) {
                throw RequestException.of(Kind.BODY_TOO_LARGE, "body", len + " bytes", "the body may hold at most " + max + " bytes");
            }
        }
        try (InputStream in = ex.getRequestBody()) {
            byte[] buf = in.readNBytes(max + 1);
            if (buf.length > max) {
                throw RequestException.of(Kind.BODY_TOO_LARGE, "body", "more than " + max + " bytes",
                        "the body may hold at most " + max + " bytes");
            }
            return buf;
        }
    }

    private static void send(HttpExchange ex, int code, byte[] json) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(code, json.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(json);
        }
    }

    private static void sendError(HttpExchange ex, int code, String error, String field, String value, String message)
            throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(bo)) {
            g.writeStartObject();
            g.writeStringField("error", error);
            if (field != null) {
                g.writeStringField("field", field);
            }
            if (value != null) {
                g.writeStringField("value", value);
            }
            g.writeStringField("message", message);
            g.writeEndObject();
        }
        send(ex, code, bo.toByteArray());
    }

    /** Stops accepting, lets running requests finish (up to 2 s), stops the watcher and closes the model. */
    @Override
    public void close() {
        http.stop(0);
        if (watcher != null) {
            watcher.shutdownNow();
        }
        handlers.shutdown();
        try {
            if (!handlers.awaitTermination(2, TimeUnit.SECONDS)) {
                handlers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            handlers.shutdownNow();
        }
        synchronized (reloadLock) {
            current.get().close();
        }
    }
}
