package org.mtl4j.serving;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.Feature;
import org.mtl4j.serving.RequestException.Kind;
import org.mtl4j.serving.internal.ReplicaPool;
import org.mtl4j.serving.internal.TypedLayout;

/**
 * A scoring request with typed values instead of text cells, for callers that hold ids and features
 * as numbers: ids as {@code long}s (the id {@code 42} is the cell {@code "42"}) or strings, dense
 * features as {@code float}s (the float a CSV cell parses to), each column given once for the request
 * (the user's, the context's) or once per candidate. Ids are looked up in the model's vocabularies
 * without making strings ({@link org.mtl4j.api.data.Vocabulary#index(long)}), so scores equal
 * {@link Predictor#score(Map, List)} on the same values as text, and binding allocates nothing.
 *
 * <pre>{@code
 * TypedRequest q = predictor.newRequest();            // one per thread, reused for every request
 * q.candidates(n).id("user_id", 42L).ids("item_id", itemIds).ids("category", categories);
 * for (int j = 0; j < 8; j++) q.values("d" + j, dense[j]);   // per candidate, or value("d0", 0.3f) once
 * Scores s = predictor.score(q);
 * }</pre>
 *
 * <p>Not thread-safe: one thread builds and scores a request at a time (the predictor itself is
 * thread-safe). {@link #candidates(int)} starts the next request, forgetting every column. Only models
 * whose inputs are all categorical or dense take typed requests ({@link Predictor#newRequest()}); a
 * column the model does not read is ignored, as in text requests.
 */
public final class TypedRequest {
    private final Predictor predictor;
    private final TypedLayout layout;
    private final int max;
    private final byte[] mode; // 0 unset, 1 context, 2 per candidate
    private final int[] contextRow;
    private final float[] contextValue;
    private final int[][] rows;
    private final float[][] values;
    private final Batch[] batches;
    private final int[][] idArrays;
    private final float[][] denseArrays;
    private int n;

    TypedRequest(Predictor predictor, TypedLayout layout, int maxCandidates) {
        this.predictor = predictor;
        this.layout = layout;
        this.max = maxCandidates;
        int c = layout.columns().size();
        mode = new byte[c];
        contextRow = new int[c];
        contextValue = new float[c];
        rows = new int[c][];
        values = new float[c][];
        for (int i = 0; i < c; i++) {
            if (layout.columns().get(i).id()) {
                rows[i] = new int[maxCandidates];
            } else {
                values[i] = new float[maxCandidates];
            }
        }
        int buckets = ReplicaPool.bucket(maxCandidates) + 1;
        batches = new Batch[buckets];
        idArrays = new int[buckets * layout.idInputs().size()][];
        denseArrays = new float[buckets * layout.denseInputs().size()][];
    }

    /** The predictor this request is for. */
    public Predictor predictor() {
        return predictor;
    }

    /** Starts a request of {@code count} candidates: every column is unset again. */
    public TypedRequest candidates(int count) {
        if (count < 1) {
            throw RequestException.of(Kind.NO_CANDIDATES, "candidates", Integer.toString(count), "a request needs at least one candidate");
        }
        if (count > max) {
            throw RequestException.of(Kind.TOO_MANY_CANDIDATES, "candidates", count + " candidates",
                    "at most " + max + " candidates per request");
        }
        n = count;
        Arrays.fill(mode, (byte) 0);
        return this;
    }

    /** Candidates of the current request (0 before {@link #candidates(int)}). */
    public int size() {
        return n;
    }

    private int column(String name, boolean id, boolean context) {
        if (n == 0) {
            throw new IllegalStateException("call candidates(n) before setting columns");
        }
        int c = layout.column(name);
        if (c >= 0 && layout.columns().get(c).id() != id) {
            String field = context ? "context." + name : "candidates." + name;
            throw RequestException.of(Kind.WRONG_TYPE, field, id ? "an id" : "a number",
                    "column '" + name + "' is " + (id ? "dense: give it with value/values" : "an id column: give it with id/ids"));
        }
        return c;
    }

    /** The id column {@code column} for every candidate (the context's, the user's). */
    public TypedRequest id(String column, long id) {
        int c = contextColumn(column, true);
        if (c >= 0) {
            contextRow[c] = layout.columns().get(c).vocabulary().index(id);
        }
        return this;
    }

    /** The id column {@code column} for every candidate, as text (as a CSV cell; empty: padding). */
    public TypedRequest id(String column, String id) {
        int c = contextColumn(column, true);
        if (c >= 0) {
            contextRow[c] = layout.columns().get(c).vocabulary().index(id == null ? "" : id.trim());
        }
        return this;
    }

    /** One id per candidate (the first {@link #size()} of {@code ids}). */
    public TypedRequest ids(String column, long[] ids) {
        int c = candidateColumn(column, true, ids.length);
        if (c >= 0) {
            var v = layout.columns().get(c).vocabulary();
            for (int i = 0; i < n; i++) {
                rows[c][i] = v.index(ids[i]);
            }
        }
        return this;
    }

    /** One id per candidate as text (as CSV cells). */
    public TypedRequest ids(String column, String[] ids) {
        int c = candidateColumn(column, true, ids.length);
        if (c >= 0) {
            var v = layout.columns().get(c).vocabulary();
            for (int i = 0; i < n; i++) {
                rows[c][i] = v.index(ids[i] == null ? "" : ids[i].trim());
            }
        }
        return this;
    }

    /** The column given once for the request, or -1 when the model does not read it. */
    private int contextColumn(String name, boolean id) {
        int c = column(name, id, true);
        if (c >= 0) {
            mode[c] = 1;
        }
        return c;
    }

    /** The column given per candidate ({@code length} values), or -1 when the model does not read it. */
    private int candidateColumn(String name, boolean id, int length) {
        int c = column(name, id, false);
        if (c >= 0) {
            checkLength(name, length);
            mode[c] = 2;
        }
        return c;
    }

    /** The dense column {@code column} for every candidate. */
    public TypedRequest value(String column, float value) {
        int c = column(column, false, true);
        if (c >= 0) {
            if (!Float.isFinite(value)) {
                throw notFinite("context." + column, c, value);
            }
            contextValue[c] = value;
            mode[c] = 1;
        }
        return this;
    }

    /** One value per candidate (the first {@link #size()} of {@code v}). */
    public TypedRequest values(String column, float[] v) {
        int c = column(column, false, false);
        if (c >= 0) {
            checkLength(column, v.length);
            float[] dst = values[c];
            for (int i = 0; i < n; i++) {
                float x = v[i];
                if (!Float.isFinite(x)) {
                    throw notFinite("candidates[" + i + "]." + column, c, x);
                }
                dst[i] = x;
            }
            mode[c] = 2;
        }
        return this;
    }

    private RequestException notFinite(String field, int c, float v) {
        TypedLayout.Column col = layout.columns().get(c);
        return RequestException.of(Kind.BAD_VALUE, field, Float.toString(v), "dense input '" + col.input() + "' needs a finite number");
    }

    private void checkLength(String column, int length) {
        if (length < n) {
            throw RequestException.of(Kind.BAD_VALUE, "candidates." + column, length + " values",
                    "one value per candidate (" + n + ") is needed");
        }
    }

    /** Binds the request into this request's batch of {@code rows(bucket)} rows (padding repeats the last candidate). */
    Batch bind(int bucket) {
        if (n == 0) {
            throw RequestException.of(Kind.NO_CANDIDATES, "candidates", "0", "a request needs at least one candidate");
        }
        for (int c = 0; c < mode.length; c++) {
            if (mode[c] == 0) {
                throw RequestException.of(Kind.MISSING_COLUMN, "candidates[0]." + layout.columns().get(c).name(), null,
                        "the model needs column '" + layout.columns().get(c).name() + "' in the context or in every candidate");
            }
        }
        int total = ReplicaPool.rows(bucket);
        Batch b = batch(bucket, total);
        int ni = layout.idInputs().size();
        for (int i = 0; i < ni; i++) {
            int c = layout.idColumn(i);
            int[] dst = idArrays[bucket * ni + i];
            if (mode[c] == 1) {
                Arrays.fill(dst, contextRow[c]);
            } else {
                System.arraycopy(rows[c], 0, dst, 0, n);
                Arrays.fill(dst, n, total, rows[c][n - 1]);
            }
        }
        int nd = layout.denseInputs().size();
        for (int i = 0; i < nd; i++) {
            int[] cols = layout.denseColumns(i);
            int d = cols.length;
            float[] dst = denseArrays[bucket * nd + i];
            for (int j = 0; j < d; j++) {
                int c = cols[j];
                if (mode[c] == 1) {
                    float v = contextValue[c];
                    for (int r = 0; r < total; r++) {
                        dst[r * d + j] = v;
                    }
                } else {
                    float[] src = values[c];
                    for (int r = 0; r < n; r++) {
                        dst[r * d + j] = src[r];
                    }
                    float last = src[n - 1];
                    for (int r = n; r < total; r++) {
                        dst[r * d + j] = last;
                    }
                }
            }
        }
        return b;
    }

    private Batch batch(int bucket, int total) {
        Batch b = batches[bucket];
        if (b == null) {
            Map<String, Feature> f = new HashMap<>();
            int ni = layout.idInputs().size();
            for (int i = 0; i < ni; i++) {
                idArrays[bucket * ni + i] = new int[total];
                f.put(layout.idInputs().get(i).name(), new Feature.Ids(idArrays[bucket * ni + i]));
            }
            int nd = layout.denseInputs().size();
            for (int i = 0; i < nd; i++) {
                int d = layout.denseInputs().get(i).dimension();
                denseArrays[bucket * nd + i] = new float[total * d];
                f.put(layout.denseInputs().get(i).name(), new Feature.Dense(d, denseArrays[bucket * nd + i]));
            }
            b = new Batch(total, f, null, null, null);
            batches[bucket] = b;
        }
        return b;
    }
}
