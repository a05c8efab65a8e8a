package org.mtl4j.backend.dl4j.internal.model;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.backend.GradientVector;
import org.mtl4j.api.backend.ParameterBlock;
import org.mtl4j.api.backend.ParameterScope;
import org.mtl4j.api.backend.Predictions;
import org.mtl4j.api.backend.Provenance;
import org.mtl4j.api.backend.TaskLosses;
import org.mtl4j.api.backend.TrainableModel;
import org.mtl4j.api.backend.TrainingStep;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.backend.dl4j.internal.nn.Blas;
import org.mtl4j.backend.dl4j.internal.nn.EmbeddingTables;
import org.mtl4j.backend.dl4j.internal.nn.Mat;
import org.mtl4j.backend.dl4j.internal.nn.Mlp;
import org.mtl4j.backend.dl4j.internal.nn.Param;
import org.mtl4j.backend.dl4j.internal.nn.ParamStore;
import org.mtl4j.backend.dl4j.internal.nn.RowBlock;
import org.mtl4j.spi.io.ModelArchive;
import org.mtl4j.backend.dl4j.internal.encoders.NetworkSources;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The DL4J backend's model: input encoders fused into one input, a sharing {@link Trunk}, one
 * tower per task and the {@link TaskHeads}, all parameters in one {@link ParamStore} (shared
 * parameters first, then each task's). One {@link TrainingStep} is live at a time: a new
 * {@link #step}, {@link #losses} or {@link #predict} call invalidates the previous step.
 */
public final class Dl4jModel implements TrainableModel {
    public static final String BACKEND = "dl4j";
    private static final String STATE_MAGIC = "mtl4j-dl4j-state";
    private static final int STATE_VERSION = 1;
    static final String STATE_ENTRY = "state.bin";
    static final String STATS_ENTRY = "dense-stats.bin";

    private final ModelSpec spec;
    private final Map<String, Vocabulary> vocabularies;
    private final Map<String, Dataset.DenseStats> denseStats;
    private final String version;
    private final ParamStore store = new ParamStore();
    private final NetworkSources networks;
    private final Trunk trunk;
    private final Mlp[] towers;
    private final TaskHeads heads;
    private final Optimizer optimizer;
    private final int t;
    private final boolean replica;
    private Provenance provenance;
    private long generation;

    private int batch = -1;
    private Mat[] dz;
    private Mat[] dh;

    private final SparseGradientVector whole;
    private final SparseGradientVector sharedAll;
    private List<ParameterBlock> denseBlocks;
    private SparseGradientVector accumulator;
    private long backwardPasses;

    /** Data-parallel workers (issue 15); 1: everything on the calling thread. Workers themselves have 1. */
    private final int workers;
    /** Worker s runs row shard s of every parallel pass (lazily built; they share this model's parameters). */
    private Dl4jModel[] replicas;
    private WorkerCrew crew;
    /** Shards of the live parallel pass (0: the live pass ran here, serially), their row bounds and losses. */
    private int shards;
    private int[] liveBounds;
    private double[][] coefficients;
    /** Per worker, its T per-task gradient buffers (allocated once, on the first per-task step). */
    private List<List<GradientVector>> shardTaskBuffers;

    public Dl4jModel(ModelSpec spec, Map<String, Vocabulary> vocabularies, Map<String, Dataset.DenseStats> denseStats, String version) {
        this(spec, vocabularies, denseStats, version, NetworkSources.resolve(spec));
    }

    /** A model whose network-encoded inputs use {@code networks} (read from a model archive, or resolved from the spec). */
    Dl4jModel(ModelSpec spec, Map<String, Vocabulary> vocabularies, Map<String, Dataset.DenseStats> denseStats, String version,
            NetworkSources networks) {
        this(spec, vocabularies, denseStats, version, networks, null, false);
    }

    /**
     * With a {@code source}: a data-parallel worker when {@code worker} (issue 15: the same layers over
     * the source's parameter values, views of its flat buffer, no copy, with its own activations and
     * gradient buffers and no optimiser), otherwise a prediction replica ({@link #predictionReplica()}:
     * its own activation buffers only).
     */
    private Dl4jModel(ModelSpec spec, Map<String, Vocabulary> vocabularies, Map<String, Dataset.DenseStats> denseStats, String version,
            NetworkSources networks, Dl4jModel source, boolean worker) {
        this.spec = spec;
        this.networks = networks;
        this.replica = source != null && !worker;
        this.vocabularies = Map.copyOf(vocabularies == null ? Map.of() : vocabularies);
        this.denseStats = Map.copyOf(denseStats == null ? Map.of() : denseStats);
        this.version = version;
        this.t = spec.tasks().size();
        if (t == 0) {
            throw new MtlException("model '" + spec.name() + "' has no tasks");
        }
        long seed = spec.training().seed();
        List<String> names = spec.taskNames();
        Topology topo = spec.topology();
        if (topo instanceof Topology.Independent ind) {
            trunk = new IndependentTrunk(store, spec, this.vocabularies, this.denseStats, networks, ind.layers(), seed);
        } else if (topo instanceof Topology.TaskGroups groups && groups.grouped()) {
            trunk = new GroupedTrunk(store, spec, this.vocabularies, this.denseStats, networks, topo, seed);
        } else {
            InputBlock in = new InputBlock(spec, this.vocabularies, this.denseStats, new EmbeddingTables(store), networks, Param.SHARED,
                    seed);
            if (topo instanceof Topology.SharedBottom sb) {
                trunk = new SharedBottomTrunk(store, in, sb.layers(), t);
            } else if (topo instanceof Topology.Mmoe mmoe) {
                trunk = new MoeTrunk(store, in, mmoe, names);
            } else if (topo instanceof Topology.Ple ple) {
                trunk = new MoeTrunk(store, in, ple, names);
            } else {
                trunk = new CrossStitchTrunk(store, in, (Topology.CrossStitch) topo, t);
            }
        }
        heads = new TaskHeads(spec, org.mtl4j.tasks.LabelScaling.of(spec, this.denseStats));
        towers = new Mlp[t];
        for (int k = 0; k < t; k++) {
            TaskSpec ts = spec.tasks().get(k);
            towers[k] = new Mlp(store, "tower@" + ts.name(), trunk.width(k), ts.tower(), ts.outputWidth(), true, ts.name(), false);
        }
        if (source != null && !worker) {
            // a prediction replica: the source's parameter buffer, its own activation buffers, nothing else
            store.share(source.store);
            optimizer = null;
            workers = 1;
            whole = null;
            sharedAll = null;
            provenance = source.provenance;
            return;
        }
        if (source == null) {
            store.allocate(seed);
            trunk.initialise();
            optimizer = new Optimizer(spec.optimizer(), store, spec);
            workers = spec.training().workers();
        } else {
            store.allocateSharing(source.store);
            optimizer = null;
            workers = 1;
        }
        List<RowBlock> all = new ArrayList<>();
        List<RowBlock> shared = new ArrayList<>();
        for (Param p : store.tables()) {
            all.add(p.rowGradient());
            if (p.shared()) {
                shared.add(p.rowGradient());
            }
        }
        RowBlock[] none = new RowBlock[0];
        whole = new SparseGradientVector(new Nd4jGradientVector(slice(store.grads(), 0, store.gradLength())), all.toArray(none));
        sharedAll = new SparseGradientVector(new Nd4jGradientVector(slice(store.grads(), 0, store.sharedGradLength())),
                shared.toArray(none));
        provenance = Provenance.compiled(BACKEND, version, Dl4jVersions.libraries(), seed);
    }

    static INDArray slice(INDArray flat, long from, long to) {
        if (to <= from) {
            return Nd4j.create(DataType.FLOAT, 0);
        }
        if (from == 0 && to == flat.length()) {
            return flat;
        }
        return flat.get(NDArrayIndex.interval(from, to));
    }

    /** The networks encoding inputs (tests, diagnostics). */
    public NetworkSources networks() {
        return networks;
    }

    /** The parameter store (tests, diagnostics). */
    public ParamStore store() {
        return store;
    }

    // ------------------------------------------------------------------ forward / backward

    private void forward(Batch b, boolean training) {
        generation++;
        int n = b.size();
        if (n == 0) {
            throw new MtlException("batch of model '" + spec.name() + "' is empty");
        }
        Mat[] hs = trunk.forward(b, training);
        heads.begin(n);
        if (n != batch) {
            batch = n;
            dz = new Mat[t];
            dh = new Mat[t];
            for (int k = 0; k < t; k++) {
                dz[k] = Mat.zeros(n, heads.width(k));
                dh[k] = Mat.zeros(n, trunk.width(k));
            }
        }
        for (int k = 0; k < t; k++) {
            towers[k].forward(hs[k]).get(heads.z[k]);
        }
        heads.activate();
    }

    /** Gradient of sum_k w_k L_k into the (zeroed) gradient buffer: one backward pass. */
    private void backwardPass(double[] weights) {
        backwardPasses++;
        store.zeroGrads();
        boolean[] active = heads.gradients(weights);
        Mat[] dH = new Mat[t];
        for (int k = 0; k < t; k++) {
            if (active[k]) {
                dz[k].put(heads.grad[k]);
                towers[k].backward(dz[k], dh[k], false);
                dH[k] = dh[k];
            }
        }
        trunk.backward(dH);
    }

    private TaskLosses taskLosses() {
        return new TaskLosses(spec.taskNames(), heads.losses.clone(), heads.labelled.clone());
    }

    /**
     * A model that predicts exactly what this one predicts over this model's parameter buffer, shared
     * and not copied: the replica allocates only its own layers' activation buffers (no parameters, no
     * gradient buffer, no optimiser moments, no table row blocks), so N threads predicting on N replicas
     * hold one copy of the parameters. Replicas only predict ({@link #predict}, {@link #losses}); training
     * or saving one throws. Training this model later changes what its replicas predict.
     */
    @Override
    public Dl4jModel predictionReplica() {
        return new Dl4jModel(spec, vocabularies, denseStats, version, networks, this, false);
    }

    /** Whether this is a {@link #predictionReplica()}. */
    public boolean isReplica() {
        return replica;
    }

    private void notReplica(String what) {
        if (replica) {
            throw new UnsupportedOperationException("model '" + spec.name() + "' is a prediction replica sharing another model's"
                    + " parameters: it cannot " + what + " (use the model it was made from)");
        }
    }

    @Override
    public TrainingStep step(Batch b) {
        notReplica("train");
        int[] bounds = shardBounds(b);
        if (bounds == null) {
            forward(b, true);
            heads.computeLosses(b);
            shards = 0;
            return new Step(generation, taskLosses());
        }
        TaskLosses l = shardedLosses(b, bounds, true);
        return new Step(generation, l);
    }

    @Override
    public TaskLosses losses(Batch b) {
        int[] bounds = shardBounds(b);
        if (bounds == null) {
            forward(b, false);
            heads.computeLosses(b);
            shards = 0;
            return taskLosses();
        }
        return shardedLosses(b, bounds, false);
    }

    /** One forward pass; only the first {@code rows} rows' outputs are copied out (a padded serving batch). */
    @Override
    public Predictions predict(Batch b, int rows) {
        if (rows < 0 || rows > b.size()) {
            throw new IllegalArgumentException("rows must be in [0, " + b.size() + "], found " + rows);
        }
        return shardBounds(b) == null ? predictOnThisThread(b, rows) : TrainableModel.super.predict(b, rows);
    }

    /** The forward pass on the calling thread; the outputs of the first {@code rows} rows. */
    private Predictions predictOnThisThread(Batch b, int rows) {
        forward(b, false);
        shards = 0;
        Map<String, float[]> out = new LinkedHashMap<>();
        heads.outputs(out, rows);
        return new Predictions(rows, out);
    }

    @Override
    public Predictions predict(Batch b) {
        int[] bounds = shardBounds(b);
        if (bounds == null) {
            return predictOnThisThread(b, b.size());
        }
        generation++;
        shards = 0; // a prediction leaves no step to continue
        int n = bounds.length - 1;
        Predictions[] parts = new Predictions[n];
        parallel(n, s -> parts[s] = replicas[s].predict(b.rows(bounds[s], bounds[s + 1])));
        Map<String, float[]> out = new LinkedHashMap<>();
        for (String key : new java.util.TreeSet<>(parts[0].outputs().keySet())) {
            int len = 0;
            for (Predictions p : parts) {
                len += p.output(key).length;
            }
            float[] all = new float[len];
            int at = 0;
            for (Predictions p : parts) {
                float[] v = p.output(key);
                System.arraycopy(v, 0, all, at, v.length);
                at += v.length;
            }
            out.put(key, all);
        }
        return new Predictions(b.size(), out);
    }

    // ------------------------------------------------------------------ data-parallel workers (issue 15)

    /** As a worker replica: the batch its last shard was copied into, reused for the next shard of that size. */
    private Batch shardRows;

    /** A worker's shard has at least this many rows: below it a thread hand-off costs more than the rows. */
    static final int MIN_SHARD_ROWS = 32;

    /** The row bounds of the shards of {@code b}, or null when it runs on this thread (1 worker, small batch). */
    private int[] shardBounds(Batch b) {
        if (workers <= 1 || b.size() == 0) {
            return null;
        }
        int[] bounds = org.mtl4j.api.backend.ShardReduction.split(b.size(), workers, MIN_SHARD_ROWS);
        return bounds.length <= 2 ? null : bounds;
    }

    /**
     * The forward pass and losses of every shard, each on its worker, reduced to the whole batch's
     * ({@link org.mtl4j.api.backend.ShardReduction}); keeps the coefficients for the backward passes.
     */
    private TaskLosses shardedLosses(Batch b, int[] bounds, boolean training) {
        generation++;
        int n = bounds.length - 1;
        TaskLosses[] parts = new TaskLosses[n];
        parallel(n, s -> {
            Dl4jModel r = replicas[s];
            // the shard's rows go into the worker's arrays of the previous step (no allocation per step)
            Batch part = b.rows(bounds[s], bounds[s + 1], r.shardRows);
            r.shardRows = part;
            r.forward(part, training);
            r.heads.computeLosses(part);
            parts[s] = r.taskLosses();
        });
        List<TaskLosses> l = List.of(parts);
        shards = n;
        liveBounds = bounds;
        coefficients = org.mtl4j.api.backend.ShardReduction.coefficients(l);
        return org.mtl4j.api.backend.ShardReduction.losses(l);
    }

    /** One weighted backward pass per shard (weights w_k c_sk), the shards' gradients summed in shard order. */
    private void shardedBackward(double[] weights) {
        backwardPasses++;
        int n = shards;
        parallel(n, s -> replicas[s].backwardPass(org.mtl4j.api.backend.ShardReduction.shardWeights(weights, coefficients, s)));
        long t0 = THREADS.getCurrentThreadCpuTime();
        if (serialUpdate) {
            List<GradientVector> g = new ArrayList<>(n);
            for (int s = 0; s < n; s++) {
                g.add(replicas[s].whole);
            }
            org.mtl4j.api.backend.ShardReduction.sum(g, whole);
        } else {
            parallelSum(n);
        }
        reductionCpuNanos += THREADS.getCurrentThreadCpuTime() - t0;
    }

    /** Dense gradient elements per reduction part are cut at multiples of this (as the optimiser's parts). */
    private static final long SUM_ALIGN = 64;
    /** [part][0: whole, 1 + s: replica s] views of the dense gradient slices the parallel reduction sums. */
    private Mat[][] sumSlices;

    /**
     * {@link org.mtl4j.api.backend.ShardReduction#sum} of the n shards' gradients into {@code whole}, split over
     * the workers: part p sums its contiguous slice of the dense block and the tables i with i mod parts = p,
     * each element and each table in shard order exactly as the serial sum does (bit-identical: axpy is elementwise).
     */
    private void parallelSum(int n) {
        int parts = workers;
        if (sumSlices == null || sumSlices[0].length != n + 1) {
            INDArray dense = whole.dense().array();
            long len = dense.length();
            long per = (len / parts + SUM_ALIGN - 1) / SUM_ALIGN * SUM_ALIGN;
            sumSlices = new Mat[parts][n + 1];
            for (int p = 0; p < parts; p++) {
                long from = Math.min(len, p * per);
                long to = p == parts - 1 ? len : Math.min(len, from + per);
                for (int s = 0; s <= n; s++) {
                    INDArray a = s == 0 ? dense : replicas[s - 1].whole.dense().array();
                    sumSlices[p][s] = to > from ? Mat.of(a.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to))) : null;
                }
            }
        }
        Mat[][] slices = sumSlices;
        fork(parts, p -> {
            Mat[] sl = slices[p];
            if (sl[0] != null) {
                sl[0].zero();
                for (int s = 1; s <= n; s++) {
                    Blas.axpy(1f, sl[s], sl[0]);
                }
            }
            for (int i = p; i < whole.tableCount(); i += parts) {
                RowBlock out = whole.table(i);
                out.clear();
                for (int s = 0; s < n; s++) {
                    out.axpy(1f, replicas[s].whole.table(i));
                }
            }
        });
    }

    /** T backward passes on every shard into the worker's buffers, then the count-weighted reduction into {@code out}. */
    private void shardedTaskGradients(List<? extends GradientVector> out) {
        int n = shards;
        if (shardTaskBuffers == null) {
            shardTaskBuffers = new ArrayList<>();
        }
        while (shardTaskBuffers.size() < n) {
            List<GradientVector> b = new ArrayList<>(t);
            for (int k = 0; k < t; k++) {
                b.add(whole.zerosLike());
            }
            shardTaskBuffers.add(List.copyOf(b));
        }
        parallel(n, s -> {
            Dl4jModel r = replicas[s];
            double[] onehot = new double[t];
            List<GradientVector> buf = shardTaskBuffers.get(s);
            for (int k = 0; k < t; k++) {
                Arrays.fill(onehot, 0);
                onehot[k] = 1;
                r.backwardPass(onehot);
                buf.get(k).assign(r.whole);
            }
            r.whole.zero();
        });
        backwardPasses += t;
        long t0 = THREADS.getCurrentThreadCpuTime();
        org.mtl4j.api.backend.ShardReduction.taskGradients(shardTaskBuffers.subList(0, n), coefficients, out);
        reductionCpuNanos += THREADS.getCurrentThreadCpuTime() - t0;
        whole.zero();
    }

    /** Mean gate weights over the shards, each weighted by its rows. */
    private Map<String, double[]> shardedGateUtilisation() {
        Map<String, double[]> out = new LinkedHashMap<>();
        int rows = liveBounds[shards];
        for (int s = 0; s < shards; s++) {
            double share = (double) (liveBounds[s + 1] - liveBounds[s]) / rows;
            for (Map.Entry<String, double[]> e : replicas[s].trunk.gateUtilisation().entrySet()) {
                double[] acc = out.computeIfAbsent(e.getKey(), k -> new double[e.getValue().length]);
                for (int i = 0; i < acc.length; i++) {
                    acc[i] += share * e.getValue()[i];
                }
            }
        }
        return out;
    }

    /**
     * Runs {@code task(s)} for s in [0, n): shard 0 on the calling thread, the others on the {@link WorkerCrew}; waits
     * for all, then rethrows the first shard's failure (in shard order). Products run single-threaded meanwhile.
     */
    private void parallel(int n, java.util.function.IntConsumer task) {
        ensureWorkers(n);
        run(n, task);
    }

    /** As {@link #parallel} for work on this model's own buffers (no replicas needed): the optimiser's parts. */
    private void fork(int n, java.util.function.IntConsumer task) {
        ensureCrew();
        run(n, task);
    }

    private void run(int n, java.util.function.IntConsumer task) {
        org.mtl4j.backend.dl4j.internal.nn.NativeThreads.beginParallel();
        long[] cpu = sectionCpu.length == n ? sectionCpu : (sectionCpu = new long[n]);
        Arrays.fill(cpu, 0);
        long t0 = THREADS.getCurrentThreadCpuTime();
        try {
            crew.run(n, s -> timed(task, s, cpu));
        } finally {
            // the caller's CPU in the section: its part and its spin waiting for the others (not serial work)
            callerCpuNanos += THREADS.getCurrentThreadCpuTime() - t0;
            org.mtl4j.backend.dl4j.internal.nn.NativeThreads.endParallel();
            long max = 0;
            for (long c : cpu) {
                workerCpuNanos += c;
                max = Math.max(max, c);
            }
            criticalCpuNanos += max;
        }
    }

    /** Each part's thread CPU time in the section in progress. */
    private long[] sectionCpu = new long[0];

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();
    private long workerCpuNanos;
    private long criticalCpuNanos;
    private long callerCpuNanos;

    private static void timed(java.util.function.IntConsumer task, int shard, long[] cpu) {
        long t0 = THREADS.getCurrentThreadCpuTime();
        try {
            task.accept(shard);
        } finally {
            cpu[shard] = THREADS.getCurrentThreadCpuTime() - t0;
        }
    }

    /**
     * CPU time spent in data-parallel sections so far: {@code [0]} summed over every worker, {@code [1]} summed
     * over sections of the slowest worker's time in each (the critical path), {@code [2]} the calling thread's
     * CPU time inside the sections (its shard 0 and its spin while it waits for the others). With the calling
     * thread's CPU time C over the same steps, {@code C - [2]} is the serial part of the steps (reduction,
     * balancers, optimiser, loop) and {@code C - [2] + [1]} estimates the wall time on idle cores (benchmarks;
     * free of the machine's load, unlike wall time).
     */
    public long[] workerCpuNanos() {
        return new long[] {workerCpuNanos, criticalCpuNanos, callerCpuNanos};
    }

    private void ensureWorkers(int n) {
        if (replicas == null) {
            replicas = new Dl4jModel[workers];
        }
        for (int s = 0; s < n; s++) {
            if (replicas[s] == null) {
                replicas[s] = new Dl4jModel(spec, vocabularies, denseStats, version, networks, this, true);
            }
        }
        ensureCrew();
    }

    private void ensureCrew() {
        if (crew == null && workers > 1) {
            crew = new WorkerCrew(workers, spec.name());
        }
    }

    /** Data-parallel workers of this model (from {@code training.workers}). */
    public int workers() {
        return workers;
    }

    @Override
    public void applyUpdate() {
        notReplica("train");
        if (optimizer == null) {
            throw new IllegalStateException("a data-parallel worker of model '" + spec.name() + "' has no optimiser");
        }
        long t0 = THREADS.getCurrentThreadCpuTime();
        if (workers > 1 && !serialUpdate) {
            optimizer.apply(workers, this::fork);
        } else {
            optimizer.apply();
        }
        updateCpuNanos += THREADS.getCurrentThreadCpuTime() - t0;
    }

    private boolean serialUpdate;
    private long updateCpuNanos;
    private long reductionCpuNanos;

    /**
     * With {@code true} the optimiser step and the sum of the shards' gradients of a weighted backward pass run
     * on the calling thread even with several workers, as before they were split over the workers (for tests
     * that compare both, and benchmarks that profile the serial part). The result is bit-identical either way.
     */
    public void serialUpdate(boolean serial) {
        this.serialUpdate = serial;
    }

    /**
     * Profile of the training thread's CPU time so far: {@code [0]} in the shard-gradient reductions,
     * {@code [1]} in optimiser steps (waiting for parallel parts included), {@code [2]} and {@code [3]} the
     * dense and table-row parts of the steps that ran serially. Benchmarks only.
     */
    public long[] serialCpuNanos() {
        long[] o = optimizer == null ? new long[2] : optimizer.serialCpuNanos();
        return new long[] {reductionCpuNanos, updateCpuNanos, o[0], o[1]};
    }

    @Override
    public long updates() {
        return replica ? 0 : optimizer.steps();
    }

    private final class Step implements TrainingStep {
        private final long gen;
        private final TaskLosses losses;

        Step(long gen, TaskLosses losses) {
            this.gen = gen;
            this.losses = losses;
        }

        private void check() {
            if (gen != generation) {
                throw new IllegalStateException("training step " + gen + " of model '" + spec.name()
                        + "' is stale: a newer forward pass (step " + generation + ") ran since");
            }
        }

        private void checkWeights(double[] w) {
            if (w == null || w.length != t) {
                throw new IllegalArgumentException("expected " + t + " task weights (" + spec.taskNames() + "), found "
                        + (w == null ? "null" : Arrays.toString(w)));
            }
        }

        @Override
        public TaskLosses losses() {
            return losses;
        }

        @Override
        public void backward(double[] taskWeights) {
            check();
            checkWeights(taskWeights);
            if (shards > 0) {
                shardedBackward(taskWeights);
            } else {
                backwardPass(taskWeights);
            }
        }

        /** A gradient over every parameter: the dense buffer's length plus a row block per embedding table. */
        @Override
        public GradientVector newGradient() {
            return whole.zerosLike();
        }

        @Override
        public void taskGradients(List<? extends GradientVector> out) {
            check();
            if (out.size() != t) {
                throw new IllegalArgumentException("expected " + t + " task gradient buffers (" + spec.taskNames()
                        + "), found " + out.size());
            }
            if (shards > 0) {
                out.forEach(this::own);
                shardedTaskGradients(out);
                return;
            }
            double[] onehot = new double[t];
            for (int k = 0; k < t; k++) {
                Arrays.fill(onehot, 0);
                onehot[k] = 1;
                backwardPass(onehot);
                own(out.get(k)).assign(whole); // dense part and touched table rows
            }
            whole.zero();
        }

        /**
         * The shared part of {@code full} as a view: SHARED is the dense shared prefix plus the shared
         * tables' touched rows; LAST_SHARED_LAYER the last shared layer's dense slice (tables are never
         * part of it).
         */
        @Override
        public GradientVector view(GradientVector full, ParameterScope scope) {
            SparseGradientVector f = own(full);
            if (f == whole && scope == ParameterScope.SHARED) {
                return sharedAll;
            }
            long hi = store.sharedGradLength();
            long lo = scope == ParameterScope.LAST_SHARED_LAYER ? Math.min(store.lastSharedGradOffset(), hi) : 0;
            RowBlock[] tables = new RowBlock[0];
            if (scope == ParameterScope.SHARED) {
                List<RowBlock> shared = new ArrayList<>();
                List<Param> all = store.tables();
                for (int i = 0; i < all.size(); i++) {
                    if (all.get(i).shared()) {
                        shared.add(f.table(i));
                    }
                }
                tables = shared.toArray(tables);
            }
            return new SparseGradientVector(new Nd4jGradientVector(slice(f.dense().array(), lo, hi)), tables);
        }

        @Override
        public void setGradient(double[] taskWeights, List<? extends GradientVector> taskGradients) {
            check();
            checkWeights(taskWeights);
            if (taskGradients.size() != t) {
                throw new IllegalArgumentException("expected " + t + " task gradients, found " + taskGradients.size());
            }
            if (accumulator == null) {
                accumulator = (SparseGradientVector) whole.zerosLike();
            }
            accumulator.zero();
            for (int k = 0; k < t; k++) {
                if (taskWeights[k] != 0) {
                    accumulator.axpy(taskWeights[k], own(taskGradients.get(k)));
                }
            }
            whole.assign(accumulator);
        }

        private SparseGradientVector own(GradientVector g) {
            if (!(g instanceof SparseGradientVector n) || n.length() != whole.length() || n.tableCount() != whole.tableCount()) {
                throw new IllegalArgumentException("dl4j model '" + spec.name() + "': expected a gradient from newGradient() ("
                        + whole.length() + " values), found " + (g == null ? "null" : g.getClass().getSimpleName()
                        + " of length " + g.length()));
            }
            return n;
        }

        @Override
        public GradientVector sharedGradient() {
            return sharedAll;
        }

        @Override
        public GradientVector gradient() {
            return whole;
        }

        @Override
        public List<ParameterBlock> parameterBlocks() {
            return Dl4jModel.this.parameterBlocks();
        }

        @Override
        public Map<String, double[]> gateUtilisation() {
            return shards > 0 ? shardedGateUtilisation() : trunk.gateUtilisation();
        }
    }

    /**
     * One block per dense tensor (views of the flat buffers, built once), then one per embedding table
     * that the last backward pass touched, covering only its touched rows: units = touched rows, the
     * gradient writes through to the table's row block, the values are a copy of those rows. Untouched
     * rows have a zero gradient, so unit-wise clipping (AGC) on these blocks is exactly AGC on the whole
     * table, at a cost in touched rows.
     */
    List<ParameterBlock> parameterBlocks() {
        if (denseBlocks == null) {
            List<ParameterBlock> l = new ArrayList<>();
            for (Param p : store.params()) {
                if (p.table()) {
                    continue;
                }
                long from = p.offset();
                long to = from + p.length();
                l.add(new ParameterBlock(p.name(), new Nd4jGradientVector(slice(store.values(), from, to)),
                        new Nd4jGradientVector(slice(store.grads(), p.gradOffset(), p.gradOffset() + p.length())), p.units(),
                        p.shared(), p.shared() ? null : p.owner()));
            }
            denseBlocks = List.copyOf(l);
        }
        if (store.tables().isEmpty()) {
            return denseBlocks;
        }
        List<ParameterBlock> l = new ArrayList<>(denseBlocks);
        for (Param p : store.tables()) {
            RowBlock rb = p.rowGradient();
            if (rb.count() == 0) {
                continue;
            }
            TouchedRowsVector g = new TouchedRowsVector(rb);
            l.add(new ParameterBlock(p.name(), g.tableRows(Mat.of(p.value()).buffer()), g, rb.count(), p.shared(),
                    p.shared() ? null : p.owner()));
        }
        return l;
    }

    // ------------------------------------------------------------------ model facts

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public String backendName() {
        return BACKEND;
    }

    @Override
    public Map<String, Vocabulary> vocabularies() {
        return vocabularies;
    }

    @Override
    public Provenance provenance() {
        return provenance;
    }

    @Override
    public void setProvenance(Provenance p) {
        this.provenance = p;
    }

    @Override
    public Map<String, Long> parameterCounts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Param p : store.params()) {
            String key;
            if (p.name().startsWith("embedding:")) {
                key = p.name();
            } else if (p.shared()) {
                key = "shared";
            } else {
                key = "tower:" + p.owner();
            }
            counts.merge(key, p.length(), Long::sum);
        }
        return counts;
    }

    /** The flat parameter buffer (a view; for tests and diagnostics). */
    public INDArray parameters() {
        return store.values();
    }

    /**
     * The whole gradient in the layout of {@link #parameters()}, tables written densely: a COPY for tests
     * and diagnostics (the model keeps table gradients as touched rows).
     */
    public INDArray gradients() {
        return Nd4j.createFromArray(store.gradientArray());
    }

    /**
     * Backward passes run since this model was built (one per {@code backward}, T per
     * {@code taskGradients}): tests count them to show what a step costs.
     */
    public long backwardPasses() {
        return backwardPasses;
    }

    /**
     * Every parameter tensor by name ({@code bottom.0.W}, {@code embedding:items}, ...), in layout
     * order, as shaped views of the flat buffer: the per-layer seam through which exporters
     * (mtl4j-onnx) read a model without reaching into its layers. Do not modify the arrays.
     */
    public Map<String, INDArray> parameterTensors() {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (Param p : store.params()) {
            out.put(p.name(), p.value());
        }
        return out;
    }

    /** Length of the shared prefix of the flat buffers. */
    public long sharedLength() {
        return store.sharedLength();
    }

    @Override
    public Map<String, Dataset.DenseStats> denseStats() {
        return denseStats;
    }

    // ------------------------------------------------------------------ continual training

    /**
     * Copies a saved model's parameters (and with {@code optimizerState} Adam's moments and step
     * count) parameter by parameter, matched by name. An embedding table may have grown: its
     * vocabulary was extended by appending ids never seen, so the old rows are a prefix of the new
     * table (row-major [rows, dim]) and the new rows keep their initialisation.
     */
    @Override
    public void initFrom(org.mtl4j.api.backend.TrainedModel previous, boolean optimizerState) {
        notReplica("be initialised from another model");
        if (!(previous instanceof Dl4jModel old)) {
            throw new MtlException("--init-from: the saved model was made by backend '" + previous.backendName()
                    + "', this run trains with '" + BACKEND + "'");
        }
        Map<String, Param> before = new LinkedHashMap<>();
        old.store.params().forEach(p -> before.put(p.name(), p));
        List<String> missing = new ArrayList<>();
        int fromNetworks = 0;
        for (Param p : store.params()) {
            if (!before.containsKey(p.name())) {
                // a network fine-tuned here that the saved model used frozen starts from the network's own
                // weights: the saved model's head over frozen features initialises the fine-tuned model
                // (LP-FT, Kumar et al. ICLR 2022, "Fine-Tuning can Distort Pretrained Features and Underperform
                // Out-of-Distribution": linear probing first, then fine-tuning)
                if (p.name().startsWith("network:")) {
                    fromNetworks++;
                } else {
                    missing.add(p.name());
                }
            }
        }
        if (!missing.isEmpty() || before.size() != store.params().size() - fromNetworks) {
            List<String> extra = new ArrayList<>(before.keySet());
            store.params().forEach(p -> extra.remove(p.name()));
            throw new MtlException("--init-from: the saved model '" + old.spec.name() + "' does not have the parameters of this spec"
                    + " (only here: " + missing + "; only in the saved model: " + extra + "); inputs, tasks and topology must be the same");
        }
        for (Param p : store.params()) {
            Param o = before.get(p.name());
            if (o == null) {
                continue; // a network's parameter: keeps the network's weights
            }
            long[] ns = p.shape();
            long[] os = o.shape();
            long n;
            if (Arrays.equals(ns, os)) {
                n = p.length();
            } else if (p.name().startsWith("embedding:") && ns.length == 2 && os.length == 2 && ns[1] == os[1] && os[0] <= ns[0]) {
                n = o.length(); // the old rows, a prefix of the grown table
            } else {
                throw new MtlException("--init-from: parameter '" + p.name() + "' has shape " + Arrays.toString(os)
                        + " in the saved model and " + Arrays.toString(ns) + " here");
            }
            copy(old.store.values(), o.offset(), store.values(), p.offset(), n);
            if (optimizerState) {
                copy(old.optimizer.firstMoments(), o.offset(), optimizer.firstMoments(), p.offset(), n);
                copy(old.optimizer.secondMoments(), o.offset(), optimizer.secondMoments(), p.offset(), n);
            }
        }
        if (optimizerState) {
            optimizer.steps(old.optimizer.steps());
        }
    }

    private static void copy(INDArray from, long fromOffset, INDArray to, long toOffset, long n) {
        if (n > 0) {
            to.get(NDArrayIndex.interval(toOffset, toOffset + n)).assign(from.get(NDArrayIndex.interval(fromOffset, fromOffset + n)));
        }
    }

    // ------------------------------------------------------------------ state and files

    @Override
    public void writeState(OutputStream out) throws IOException {
        notReplica("be saved");
        DataOutputStream d = new DataOutputStream(out);
        d.writeUTF(STATE_MAGIC);
        d.writeInt(STATE_VERSION);
        d.writeUTF(spec.name());
        Optimizer.writeArray(d, store.values());
        optimizer.write(d);
        d.flush();
    }

    @Override
    public void readState(InputStream in) throws IOException {
        notReplica("read a state");
        DataInputStream d = new DataInputStream(in);
        String magic = d.readUTF();
        if (!STATE_MAGIC.equals(magic)) {
            throw new IOException("not a dl4j model state: header \"" + magic + "\", expected \"" + STATE_MAGIC + "\"");
        }
        int v = d.readInt();
        if (v != STATE_VERSION) {
            throw new IOException("dl4j model state version " + v + " is not supported (expected " + STATE_VERSION + ")");
        }
        String name = d.readUTF();
        if (!name.equals(spec.name())) {
            throw new IOException("dl4j model state belongs to model '" + name + "', not '" + spec.name() + "'");
        }
        try {
            Optimizer.readArray(d, store.values());
            optimizer.read(d);
        } catch (IOException e) {
            throw new IOException("dl4j model state of '" + name + "' does not fit this model: " + e.getMessage(), e);
        }
    }

    @Override
    public void save(Path file) throws IOException {
        notReplica("be saved");
        // the state (parameters and optimiser moments) streams from ND4J memory into the zip, chunk by
        // chunk: never one array, so a 10M-user table (2.3 GB with Adam) saves in a small heap
        Map<String, ModelArchive.EntryWriter> entries = new LinkedHashMap<>();
        entries.put(STATE_ENTRY, this::writeState);
        byte[] stats = encodeStats(denseStats);
        entries.put(STATS_ENTRY, out -> out.write(stats));
        networks.entries().forEach((name, bytes) -> entries.put(name, out -> out.write(bytes)));
        Provenance p = provenance;
        ModelArchive.writeStreaming(file, spec, vocabularies, p, entries);
    }

    /** Rebuilds a model from an archive this backend wrote. */
    public static Dl4jModel load(Path file, String version) throws IOException {
        ModelArchive a = ModelArchive.read(file);
        if (!BACKEND.equals(a.backend())) {
            throw new MtlException(file + ": model was saved by backend '" + a.backend() + "', not '" + BACKEND + "'");
        }
        Map<String, Dataset.DenseStats> stats = decodeStats(file, a.entry(STATS_ENTRY));
        NetworkSources networks;
        try {
            networks = NetworkSources.fromArchive(a.spec(), a::entry);
        } catch (org.mtl4j.spi.io.ModelFileException e) {
            throw e;
        } catch (MtlException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        Dl4jModel m = new Dl4jModel(a.spec(), a.vocabularies(), stats, version, networks);
        try (InputStream in = new java.io.BufferedInputStream(a.openEntry(STATE_ENTRY), 1 << 16)) {
            m.readState(in);
            if (in.read() != -1) {
                throw new IOException("entry '" + STATE_ENTRY + "' holds bytes after the model state");
            }
        } catch (IOException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        if (a.provenance() != null) {
            m.setProvenance(a.provenance());
        }
        return m;
    }

    private static byte[] encodeStats(Map<String, Dataset.DenseStats> stats) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(bo);
        d.writeInt(stats.size());
        for (Map.Entry<String, Dataset.DenseStats> e : new java.util.TreeMap<>(stats).entrySet()) {
            d.writeUTF(e.getKey());
            double[] mean = e.getValue().mean();
            double[] std = e.getValue().std();
            d.writeInt(mean.length);
            for (double x : mean) {
                d.writeDouble(x);
            }
            d.writeInt(std.length);
            for (double x : std) {
                d.writeDouble(x);
            }
        }
        d.flush();
        return bo.toByteArray();
    }

    /** A count of doubles read from a file, checked against the bytes left before allocating (a crafted length). */
    private static int boundedCount(DataInputStream d) throws IOException {
        int n = d.readInt();
        if (n < 0 || (long) n * 8 > d.available()) {
            throw new IOException("an array of " + n + " numbers in " + d.available() + " remaining bytes");
        }
        return n;
    }

    private static Map<String, Dataset.DenseStats> decodeStats(Path file, byte[] bytes) throws IOException {
        try (DataInputStream d = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int n = d.readInt();
            Map<String, Dataset.DenseStats> out = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                String name = d.readUTF();
                double[] mean = new double[boundedCount(d)];
                for (int j = 0; j < mean.length; j++) {
                    mean[j] = d.readDouble();
                }
                double[] std = new double[boundedCount(d)];
                for (int j = 0; j < std.length; j++) {
                    std[j] = d.readDouble();
                }
                out.put(name, new Dataset.DenseStats(mean, std));
            }
            return out;
        } catch (IOException e) {
            throw new IOException(file + ": corrupt dl4j entry '" + STATS_ENTRY + "': " + e.getMessage(), e);
        }
    }
}
