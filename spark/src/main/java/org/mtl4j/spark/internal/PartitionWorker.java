package org.mtl4j.spark.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.mtl4j.api.backend.GradientVector;
import org.mtl4j.api.backend.TaskLosses;
import org.mtl4j.api.backend.TrainableModel;
import org.mtl4j.api.backend.TrainingStep;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.internal.SplitMix64;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.data.BadRowPolicy;
import org.mtl4j.data.DataException;
import org.mtl4j.data.internal.ParsedRow;
import org.mtl4j.data.internal.RowBinder;
import org.mtl4j.dsl.MtlRuntime;
import scala.Tuple2;

/**
 * One partition's share of a run on an executor: its rows parsed once (in the DataFrame's order) and a
 * model of its own, compiled from the run's spec, vocabularies and statistics, into which every step
 * reads the driver's broadcast state. Cached per JVM by (run, partition), so a step costs the
 * broadcast and the passes, not a parse; a lost executor simply rebuilds it from the cached rows.
 *
 * <p>Deterministic: the rows of step s of epoch e are a fixed slice of a fixed order (a permutation
 * seeded by the epoch seed and the partition when the spec shuffles), and the model state is the
 * broadcast's, so a retried task computes the same gradient as the first attempt.
 */
public final class PartitionWorker {
    private static final Map<String, PartitionWorker> WORKERS = new ConcurrentHashMap<>();
    private static volatile MtlRuntime runtime;

    private final int partition;
    private final RowBinder binder;
    private final List<ParsedRow> rows;
    private final TrainableModel model;
    private final int tasks;
    private List<GradientVector> buffers;
    /** The global step whose parameters the model holds; -1: unknown (read the anchor state). */
    private long version = -1;
    private Batch probe;
    private int[] order;
    private long orderSeed;

    private PartitionWorker(RunSetup s, int partition, Iterator<Tuple2<Long, String[]>> it) {
        this.partition = partition;
        ModelSpec spec = s.spec();
        Map<String, Vocabulary> vocabs = s.vocabularies();
        this.binder = new RowBinder(spec, s.header(), s.source(), ',', List.of(), null);
        Vocabulary[] byInput = new Vocabulary[binder.idInputs().size()];
        for (int i = 0; i < byInput.length; i++) {
            byInput[i] = vocabs.get(binder.idInputs().get(i).input());
        }
        List<ParsedRow> parsed = new ArrayList<>();
        while (it.hasNext()) {
            Tuple2<Long, String[]> r = it.next();
            try {
                parsed.add(Rows.parse(binder, r._2(), r._1() + 1, (i, token) -> byInput[i].index(token), s.source()));
            } catch (DataException e) {
                if (s.policy() != BadRowPolicy.SKIP_AND_COUNT || !e.reason().rowLevel()) {
                    throw e;
                }
            }
        }
        this.rows = parsed;
        this.tasks = spec.tasks().size();
        this.model = runtime().backend(spec.backend()).compile(spec, vocabs, s.denseStats());
    }

    private static MtlRuntime runtime() {
        MtlRuntime r = runtime;
        if (r == null) {
            synchronized (PartitionWorker.class) {
                if (runtime == null) {
                    runtime = MtlRuntime.builder().build();
                }
                r = runtime;
            }
        }
        return r;
    }

    /** The worker of (run, partition) in this JVM, parsing {@code rows} the first time. */
    public static PartitionWorker get(String runId, java.util.function.Supplier<RunSetup> s, int partition,
            Iterator<Tuple2<Long, String[]>> rows) {
        return WORKERS.computeIfAbsent(runId + "/" + partition, k -> new PartitionWorker(s.get(), partition, rows));
    }

    /** Drops (and closes) the workers of a run held by this JVM. */
    public static void release(String runId) {
        WORKERS.entrySet().removeIf(e -> {
            if (e.getKey().startsWith(runId + "/")) {
                e.getValue().model.close();
                return true;
            }
            return false;
        });
    }

    public int size() {
        return rows.size();
    }

    /** The rows of local step {@code step}: a slice of this epoch's order. */
    private List<ParsedRow> slice(long epochSeed, boolean shuffle, long step, int perShard) {
        int n = rows.size();
        if (order == null || orderSeed != epochSeed) {
            order = new int[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            if (shuffle) {
                long z = SplitMix64.derive(epochSeed, partition);
                for (int i = n - 1; i > 0; i--) {
                    z = SplitMix64.mix(z + SplitMix64.GAMMA);
                    int j = (int) Long.remainderUnsigned(z, i + 1);
                    int t = order[i];
                    order[i] = order[j];
                    order[j] = t;
                }
            }
            orderSeed = epochSeed;
        }
        long from = step * perShard;
        int to = (int) Math.min(n, from + perShard);
        List<ParsedRow> out = new ArrayList<>(Math.max(0, to - (int) Math.min(from, n)));
        for (long i = from; i < to; i++) {
            out.add(rows.get(order[(int) i]));
        }
        return out;
    }

    private void readState(byte[] state) {
        try {
            model.readState(new ByteArrayInputStream(state));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Brings the model to the driver's parameters of global step {@code target}: from the state it
     * holds when that is between the anchor and the target, else from the anchor state (the driver's
     * full state at step {@code anchorVersion}); then the driver's final gradients of the steps since,
     * through the model's own optimiser (the same arithmetic as the driver's, so the same floats).
     */
    public void sync(byte[] anchor, long anchorVersion, List<byte[]> updates, long target) {
        if (version < anchorVersion || version > target) {
            readState(anchor);
            version = anchorVersion;
        }
        while (version < target) {
            if (probe == null) {
                probe = binder.assemble(List.of(rows.get(0)));
            }
            TrainingStep ts = model.step(probe);
            EncodedGradient.read(updates.get((int) (version - anchorVersion))).decodeInto(ts.gradient());
            model.applyUpdate();
            version++;
        }
    }

    /** The summed per-task gradients (n_k * g_k) of this partition's shard of the global batch {@code step}. */
    public ShardResult gradients(long epochSeed, boolean shuffle, long step, int perShard, long syncNanos) {
        long t0 = System.nanoTime() - syncNanos;
        List<ParsedRow> shard = slice(epochSeed, shuffle, step, perShard);
        if (shard.isEmpty()) {
            return ShardResult.shard(0, new int[tasks], new double[tasks], new EncodedGradient[tasks], System.nanoTime() - t0);
        }
        Batch batch = binder.assemble(shard);
        TrainingStep ts = model.step(batch);
        TaskLosses tl = ts.losses();
        if (buffers == null) {
            List<GradientVector> b = new ArrayList<>(tasks);
            for (int k = 0; k < tasks; k++) {
                b.add(ts.newGradient());
            }
            buffers = List.copyOf(b);
        }
        ts.taskGradients(buffers);
        EncodedGradient[] g = new EncodedGradient[tasks];
        for (int k = 0; k < tasks; k++) {
            if (tl.labelled()[k] > 0) {
                g[k] = EncodedGradient.of(buffers.get(k), tl.labelled()[k]);
            }
        }
        return ShardResult.shard(shard.size(), tl.labelled(), tl.losses(), g, System.nanoTime() - t0);
    }

    /**
     * Averaging mode: from the broadcast state, {@code k} plain local steps on this partition's next
     * {@code k} shards (weights 1, the spec's optimiser; no balancer), then the parameters times the rows seen.
     */
    public ShardResult localSteps(byte[] state, long epochSeed, boolean shuffle, long firstStep, int k, int perShard) {
        long t0 = System.nanoTime();
        readState(state);
        version = -1; // local steps leave the driver's parameters: the next step reads its state
        double[] lossSum = new double[tasks];
        long[] labelled = new long[tasks];
        long seen = 0;
        TrainingStep last = null;
        double[] ones = new double[tasks];
        java.util.Arrays.fill(ones, 1.0);
        for (int i = 0; i < k; i++) {
            List<ParsedRow> shard = slice(epochSeed, shuffle, firstStep + i, perShard);
            if (shard.isEmpty()) {
                break;
            }
            TrainingStep ts = model.step(binder.assemble(shard));
            TaskLosses tl = ts.losses();
            for (int t = 0; t < tasks; t++) {
                lossSum[t] += tl.labelled()[t] == 0 ? 0 : tl.losses()[t] * tl.labelled()[t];
                labelled[t] += tl.labelled()[t];
            }
            ts.backward(ones);
            model.applyUpdate();
            seen += shard.size();
            last = ts;
        }
        if (last == null) {
            return ShardResult.parameters(tasks, 0, null, lossSum, labelled, System.nanoTime() - t0);
        }
        return ShardResult.parameters(tasks, seen, EncodedGradient.dense(ModelParameters.read(model, last), seen), lossSum, labelled, System.nanoTime() - t0);
    }
}
