package org.mtl4j.serving;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.backend.Predictions;
import org.mtl4j.api.backend.TrainedModel;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.TaskKind;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.dsl.Mtl;
import org.mtl4j.dsl.MtlRuntime;
import org.mtl4j.serving.RequestException.Kind;
import org.mtl4j.serving.internal.ReplicaPool;
import org.mtl4j.serving.internal.RequestBinder;
import org.mtl4j.serving.internal.TypedLayout;

/**
 * Scores online requests with a saved model ({@code model.mtl}): one user/context given once and N
 * candidate items, scored in one batched pass; thread-safe; loaded once.
 *
 * <pre>{@code
 * try (Predictor p = Predictor.load(Path.of("runs/funnel/model.mtl"))) {
 *     Scores s = p.score(Map.of("user_id", "42", "d0", "0.3", ...),
 *                        List.of(Map.of("item_id", "7", "category", "3"), Map.of("item_id", "9", "category", "1")));
 *     float pCtr = s.score(0, "ctr"), pCtcvr = s.score(0, "ctcvr"), pCvr = s.score(0, "ctcvr.conditional");
 * }
 * }</pre>
 *
 * <p>Cells are text, as in a CSV file, and are bound by the data module's row binder with the model's
 * vocabularies: an id never seen in training maps to the OOV row, as in training; a bad value fails with
 * a {@link RequestException} naming the field and the value. Scores equal {@code TrainedModel.predict}
 * (and {@code mtl4j predict}) on the same rows.
 *
 * <p>Thread safety and allocation: backend models are not thread-safe and keep activation buffers
 * sized by the batch, so the predictor keeps a pool of model replicas (at most {@link Options#concurrency()}
 * predicting at once), pads a request to the next power of two rows and keeps idle replicas per such
 * size: once warm, the model pass allocates only its outputs. Binding the request's text cells allocates
 * O(N) short-lived arrays (parsed rows and the batch's columns); a {@link TypedRequest} binds into its
 * own buffers and allocates nothing. Memory: replicas share the loaded model's parameters, read-only,
 * where the backend can ({@code TrainedModel.predictionReplica()}: DL4J), so a replica costs only its
 * activation buffers (sized by its padded batch); otherwise (Tribuo) a replica is another copy loaded
 * from the file. At most {@link Options#maxReplicas()} exist.
 *
 * <p>The model file is copied when loaded, so a new file dropped in place later changes nothing here
 * (the {@link ScoringServer} loads it as a new predictor).
 */
public final class Predictor implements AutoCloseable {

    /**
     * How a predictor runs.
     *
     * @param runtime the runtime whose backends load the model (null: {@link Mtl#runtime()})
     * @param concurrency how many requests predict at once (each on its own replica)
     * @param maxCandidates the largest request accepted
     * @param maxReplicas replicas kept at most (>= concurrency; 0: concurrency x the number of batch-size buckets)
     */
    public record Options(MtlRuntime runtime, int concurrency, int maxCandidates, int maxReplicas) {
        public Options {
            if (concurrency < 1) {
                throw new IllegalArgumentException("concurrency must be >= 1, found " + concurrency);
            }
            if (maxCandidates < 1 || maxCandidates > (1 << 20)) {
                throw new IllegalArgumentException("max candidates must be in [1, 2^20], found " + maxCandidates);
            }
            if (maxReplicas != 0 && maxReplicas < concurrency) {
                throw new IllegalArgumentException("max replicas must be 0 (automatic) or >= concurrency (" + concurrency
                        + "), found " + maxReplicas);
            }
        }

        /** Runtime discovered, as many concurrent predictions as processors, 1000 candidates at most. */
        public static Options defaults() {
            return new Options(null, Runtime.getRuntime().availableProcessors(), 1000, 0);
        }

        public Options withConcurrency(int c) {
            return new Options(runtime, c, maxCandidates, maxReplicas == 0 ? 0 : Math.max(maxReplicas, c));
        }

        public Options withMaxCandidates(int n) {
            return new Options(runtime, concurrency, n, maxReplicas);
        }

        public Options withRuntime(MtlRuntime r) {
            return new Options(r, concurrency, maxCandidates, maxReplicas);
        }

        public Options withMaxReplicas(int r) {
            return new Options(runtime, concurrency, maxCandidates, r);
        }
    }

    /**
     * One named output: a task's output ({@code ctr}) or an ESMM child's own tower ({@code ctcvr.conditional},
     * pCVR). {@code width} is the number of classes for a multiclass task, else 1.
     */
    public record Output(String name, String task, int width, boolean auxiliary) {
    }

    private final ModelSpec spec;
    private final String backend;
    private final String version;
    private final Path copy;
    private final RequestBinder binder;
    private final ReplicaPool pool;
    private final int maxCandidates;
    private final List<Output> outputs;
    private final List<Output> defaultOutputs;
    private final TypedLayout typed;
    private final String untyped;

    private Predictor(ModelSpec spec, String backend, String version, Path copy, RequestBinder binder, ReplicaPool pool,
            int maxCandidates, java.util.Map<String, org.mtl4j.api.data.Vocabulary> vocabularies) {
        this.spec = spec;
        String[] why = new String[1];
        this.typed = TypedLayout.of(spec, vocabularies, why);
        this.untyped = why[0];
        this.backend = backend;
        this.version = version;
        this.copy = copy;
        this.binder = binder;
        this.pool = pool;
        this.maxCandidates = maxCandidates;
        List<Output> all = new ArrayList<>();
        for (TaskSpec t : spec.tasks()) {
            all.add(new Output(t.name(), t.name(), t.kind() == TaskKind.MULTICLASS ? t.numClasses() : 1, t.auxiliary()));
            if (t.chained()) {
                all.add(new Output(t.name() + TaskSpec.CONDITIONAL_SUFFIX, t.name(), 1, t.auxiliary()));
            }
        }
        this.outputs = List.copyOf(all);
        this.defaultOutputs = all.stream().filter(o -> !o.auxiliary()).toList();
    }

    /** Loads a model with the discovered runtime and {@link Options#defaults()}. */
    public static Predictor load(Path modelFile) throws IOException {
        return load(modelFile, Options.defaults());
    }

    /** Loads a model: copies the file (its fingerprint is the version), loads one replica, checks the binding. */
    public static Predictor load(Path modelFile, Options options) throws IOException {
        if (!Files.isRegularFile(modelFile)) {
            throw new IOException("model file not found: " + modelFile);
        }
        MtlRuntime rt = options.runtime() != null ? options.runtime() : Mtl.runtime();
        Path copy = Files.createTempFile("mtl4j-serving-", ".mtl");
        copy.toFile().deleteOnExit(); // close() deletes it; this covers a JVM that exits without closing
        try {
            Files.copy(modelFile, copy, StandardCopyOption.REPLACE_EXISTING);
            String version = fingerprint(copy);
            TrainedModel first = rt.load(copy);
            RequestBinder binder = new RequestBinder(first.spec(), first.vocabularies());
            int buckets = ReplicaPool.bucket(options.maxCandidates()) + 1;
            int maxReplicas = options.maxReplicas() != 0 ? options.maxReplicas() : options.concurrency() * buckets;
            ReplicaPool pool = new ReplicaPool(() -> {
                // a replica sharing the first model's parameters (activation buffers only) where the backend can
                TrainedModel shared = first.predictionReplica();
                if (shared != null) {
                    return shared;
                }
                try {
                    return rt.load(copy);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot load another replica of " + modelFile + ": " + e.getMessage(), e);
                }
            }, firstReplica(first), buckets, options.concurrency(), maxReplicas);
            return new Predictor(first.spec(), first.backendName(), version, copy, binder, pool, options.maxCandidates(),
                    first.vocabularies());
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(copy);
            throw e;
        }
    }

    /**
     * The pool's first replica: a prediction replica of the loaded model where the backend makes one
     * (it runs each request on the calling thread: the loaded model keeps its spec's data-parallel
     * {@code training.workers}, which a model trained by {@code mtl4j train} sets to the cores, and would
     * split every request of 64+ rows over that many threads, oversubscribing the cores under
     * concurrency), otherwise the loaded model itself.
     */
    private static TrainedModel firstReplica(TrainedModel first) {
        TrainedModel r = first.predictionReplica();
        return r != null ? r : first;
    }

    /** The first 16 hex digits of the SHA-256 of the file: equal files, equal versions. */
    static String fingerprint(Path file) throws IOException {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            try (var in = Files.newInputStream(file)) {
                byte[] buf = new byte[1 << 16];
                int n;
                while ((n = in.read(buf)) > 0) {
                    d.update(buf, 0, n);
                }
            }
            return HexFormat.of().formatHex(d.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    public ModelSpec spec() {
        return spec;
    }

    /** The backend that made the model. */
    public String backend() {
        return backend;
    }

    /** The model file's fingerprint (16 hex digits of its SHA-256). */
    public String version() {
        return version;
    }

    /** Every output, auxiliary tasks' included. */
    public List<Output> outputs() {
        return outputs;
    }

    /** The columns a request must give, in the context or in every candidate. */
    public List<String> columns() {
        return binder.columns();
    }

    /** Whether requests' column {@code column} is read by the model (others are ignored). */
    public boolean readsColumn(String column) {
        return binder.knows(column);
    }

    /** The separator of a list column (multi-hot, sequence), so callers may send lists; null for other columns. */
    public String listSeparator(String column) {
        return binder.listSeparator(column);
    }

    public int maxCandidates() {
        return maxCandidates;
    }

    /** Model replicas created so far. */
    public int replicas() {
        return pool.replicas();
    }

    /** Scores the candidates on every output of the model's non-auxiliary tasks. */
    public Scores score(Map<String, String> context, List<Map<String, String>> candidates) {
        return score(context, candidates, null);
    }

    /**
     * Scores the candidates on the outputs of the given tasks (an ESMM child brings its conditional output).
     *
     * @param tasks task names, or null for every non-auxiliary task
     * @throws RequestException for a bad request, naming the field and the value
     * @throws ClosedException once this predictor is closed (a server retries on the newer model)
     */
    public Scores score(Map<String, String> context, List<Map<String, String>> candidates, Collection<String> tasks) {
        List<Output> wanted = outputsOf(tasks);
        int n = candidates.size();
        if (n == 0) {
            throw RequestException.of(Kind.NO_CANDIDATES, "candidates", "[]", "a request needs at least one candidate");
        }
        if (n > maxCandidates) {
            throw RequestException.of(Kind.TOO_MANY_CANDIDATES, "candidates", n + " candidates",
                    "at most " + maxCandidates + " candidates per request");
        }
        int bucket = ReplicaPool.bucket(n);
        Batch batch = binder.bind(context == null ? Map.of() : context, candidates, ReplicaPool.rows(bucket));
        return predict(batch, bucket, n, wanted);
    }

    /**
     * Whether this model takes {@link TypedRequest}s: all its inputs are categorical or dense. Null when
     * it does, else why not.
     */
    public String typedUnsupported() {
        return untyped;
    }

    /**
     * A reusable typed request for this predictor (one per thread): ids as numbers, dense features as
     * floats, no text parsing.
     *
     * @throws UnsupportedOperationException when an input is neither categorical nor dense ({@link #typedUnsupported()})
     */
    public TypedRequest newRequest() {
        if (typed == null) {
            throw new UnsupportedOperationException("model '" + spec.name() + "' cannot take typed requests: " + untyped
                    + " (score text cells with score(Map, List))");
        }
        return new TypedRequest(this, typed, maxCandidates);
    }

    /** Scores a typed request on every output of the model's non-auxiliary tasks. */
    public Scores score(TypedRequest request) {
        return score(request, null);
    }

    /**
     * Scores a typed request (made by this predictor's {@link #newRequest()}) on the outputs of the given
     * tasks; equal to {@link #score(Map, List, Collection)} on the same values given as text. Binding
     * writes into the request's own batch buffers: only the result is allocated.
     */
    public Scores score(TypedRequest request, Collection<String> tasks) {
        if (request.predictor() != this) {
            throw new IllegalArgumentException("the request was made by another predictor (model " + request.predictor().version()
                    + "); make one with newRequest() of model " + version);
        }
        List<Output> wanted = outputsOf(tasks);
        int n = request.size();
        int bucket = ReplicaPool.bucket(Math.max(n, 1));
        Batch batch = request.bind(bucket);
        return predict(batch, bucket, n, wanted);
    }

    private Scores predict(Batch batch, int bucket, int n, List<Output> wanted) {
        Predictions p;
        try {
            p = pool.predict(batch, bucket, n);
        } catch (ReplicaPool.PoolClosedException e) {
            throw new ClosedException(version);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a model replica", e);
        }
        Map<String, float[]> values = new LinkedHashMap<>();
        for (Output o : wanted) {
            float[] all = p.output(o.name());
            int len = n * o.width();
            float[] mine = all.length == len ? all : java.util.Arrays.copyOf(all, len);
            values.put(o.name(), mine);
        }
        return new Scores(version, n, wanted, values);
    }

    private List<Output> outputsOf(Collection<String> tasks) {
        if (tasks == null) {
            return defaultOutputs;
        }
        List<Output> out = new ArrayList<>();
        int i = 0;
        for (String t : tasks) {
            if (spec.taskIndex(t) < 0) {
                throw RequestException.of(Kind.UNKNOWN_TASK, "tasks[" + i + "]", t, "model '" + spec.name()
                        + "' has no such task (tasks: " + String.join(", ", spec.taskNames()) + ")");
            }
            for (Output o : outputs) {
                if (o.task().equals(t) && !out.contains(o)) {
                    out.add(o);
                }
            }
            i++;
        }
        return out;
    }

    /**
     * Scores one neutral request (dense 0, padding ids) of every padded batch size up to
     * {@link #maxCandidates()} once, so that each size has a replica with its buffers made and the
     * code is loaded: the first real requests do not pay for loading a replica. The server warms a
     * model up before it serves it (also on a hot reload). Returns the replicas then held.
     */
    public int warmUp() {
        Map<String, String> row = binder.neutralRow();
        int top = ReplicaPool.bucket(maxCandidates);
        for (int b = 0; b <= top; b++) {
            int n = Math.min(ReplicaPool.rows(b), maxCandidates);
            score(Map.of(), java.util.Collections.nCopies(n, row), null);
        }
        return pool.replicas();
    }

    /** Waits for running requests, then frees the replicas and the file copy; later calls fail with {@link ClosedException}. */
    @Override
    public void close() {
        pool.close();
        try {
            Files.deleteIfExists(copy);
        } catch (IOException e) {
            // a temporary file left behind is harmless
        }
    }

    /** Thrown by {@link #score} on a closed predictor: the model was replaced; retry on the current one. */
    public static final class ClosedException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        ClosedException(String version) {
            super("model " + version + " was replaced and its predictor closed");
        }
    }
}
