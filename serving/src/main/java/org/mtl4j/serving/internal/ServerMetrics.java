package org.mtl4j.serving.internal;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's counters and its request-latency histogram, rendered in the Prometheus text
 * exposition format (version 0.0.4): cumulative {@code _bucket{le=...}} counts, {@code _sum}, {@code _count}.
 */
public final class ServerMetrics {
    /** Upper bounds of the latency buckets, seconds. */
    static final double[] BOUNDS = {0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10};

    private final LongAdder[] buckets = new LongAdder[BOUNDS.length + 1];
    private final LongAdder latencyNanos = new LongAdder();
    private final LongAdder scored = new LongAdder();
    private final LongAdder candidates = new LongAdder();
    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final LongAdder reloads = new LongAdder();
    private final LongAdder reloadFailures = new LongAdder();

    public ServerMetrics() {
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    /** A request to {@code endpoint} answered with {@code status}. */
    public void request(String endpoint, int status) {
        requests.computeIfAbsent(endpoint + "\u0000" + status, k -> new LongAdder()).increment();
    }

    /** A failed request: {@code kind} is the error id (e.g. {@code bad-value}, {@code internal}). */
    public void error(String endpoint, String kind) {
        errors.computeIfAbsent(endpoint + "\u0000" + kind, k -> new LongAdder()).increment();
    }

    /** A scored request: its latency (nanoseconds, whole exchange) and its candidates. */
    public void scored(long nanos, int n) {
        double s = nanos / 1e9;
        int i = 0;
        while (i < BOUNDS.length && s > BOUNDS[i]) {
            i++;
        }
        buckets[i].increment();
        latencyNanos.add(nanos);
        scored.increment();
        candidates.add(n);
    }

    public void reloaded() {
        reloads.increment();
    }

    public void reloadFailed() {
        reloadFailures.increment();
    }

    public long reloads() {
        return reloads.sum();
    }

    public long reloadFailures() {
        return reloadFailures.sum();
    }

    /** The exposition text; {@code model} labels the {@code mtl4j_model_info} gauge. */
    public String render(Map<String, String> model, int replicas) {
        StringBuilder b = new StringBuilder(2048);
        b.append("# HELP mtl4j_requests_total HTTP requests answered, by endpoint and status code.\n");
        b.append("# TYPE mtl4j_requests_total counter\n");
        for (Map.Entry<String, LongAdder> e : new TreeMap<>(requests).entrySet()) {
            String[] k = e.getKey().split("\u0000");
            b.append("mtl4j_requests_total{endpoint=\"").append(k[0]).append("\",code=\"").append(k[1]).append("\"} ")
                    .append(e.getValue().sum()).append('\n');
        }
        b.append("# HELP mtl4j_request_errors_total Requests refused or failed, by endpoint and error kind.\n");
        b.append("# TYPE mtl4j_request_errors_total counter\n");
        for (Map.Entry<String, LongAdder> e : new TreeMap<>(errors).entrySet()) {
            String[] k = e.getKey().split("\u0000");
            b.append("mtl4j_request_errors_total{endpoint=\"").append(k[0]).append("\",error=\"").append(k[1]).append("\"} ")
                    .append(e.getValue().sum()).append('\n');
        }
        b.append("# HELP mtl4j_score_latency_seconds Latency of successful /score requests (body read to answer written).\n");
        b.append("# TYPE mtl4j_score_latency_seconds histogram\n");
        long cum = 0;
        for (int i = 0; i < BOUNDS.length; i++) {
            cum += buckets[i].sum();
            b.append("mtl4j_score_latency_seconds_bucket{le=\"").append(format(BOUNDS[i])).append("\"} ").append(cum).append('\n');
        }
        cum += buckets[BOUNDS.length].sum();
        b.append("mtl4j_score_latency_seconds_bucket{le=\"+Inf\"} ").append(cum).append('\n');
        b.append("mtl4j_score_latency_seconds_sum ").append(format(latencyNanos.sum() / 1e9)).append('\n');
        b.append("mtl4j_score_latency_seconds_count ").append(scored.sum()).append('\n');
        b.append("# HELP mtl4j_scored_candidates_total Candidates scored.\n");
        b.append("# TYPE mtl4j_scored_candidates_total counter\n");
        b.append("mtl4j_scored_candidates_total ").append(candidates.sum()).append('\n');
        b.append("# HELP mtl4j_model_reloads_total Models loaded after the file changed.\n");
        b.append("# TYPE mtl4j_model_reloads_total counter\n");
        b.append("mtl4j_model_reloads_total ").append(reloads.sum()).append('\n');
        b.append("# HELP mtl4j_model_reload_failures_total New model files that failed to load (the old model kept serving).\n");
        b.append("# TYPE mtl4j_model_reload_failures_total counter\n");
        b.append("mtl4j_model_reload_failures_total ").append(reloadFailures.sum()).append('\n');
        b.append("# HELP mtl4j_model_info The model being served (value 1), its version is the file's SHA-256 prefix.\n");
        b.append("# TYPE mtl4j_model_info gauge\n");
        b.append("mtl4j_model_info{");
        boolean first = true;
        for (Map.Entry<String, String> e : new TreeMap<>(model).entrySet()) {
            if (!first) {
                b.append(',');
            }
            first = false;
            b.append(e.getKey()).append("=\"").append(escape(e.getValue())).append('"');
        }
        b.append("} 1\n");
        b.append("# HELP mtl4j_model_replicas Model replicas of the current model (one per concurrent request and batch-size bucket).\n");
        b.append("# TYPE mtl4j_model_replicas gauge\n");
        b.append("mtl4j_model_replicas ").append(replicas).append('\n');
        return b.toString();
    }

    /** Plain decimal text ({@code 0.0005}, {@code 1}, {@code 0.553078251}), never an exponent. */
    private static String format(double v) {
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    private static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
