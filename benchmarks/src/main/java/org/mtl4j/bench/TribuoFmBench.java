package org.mtl4j.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.mtl4j.api.backend.TrainableModel;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.api.spec.TrainingSpec;
import org.mtl4j.backend.tribuo.TribuoBackend;
import org.mtl4j.backend.tribuo.TribuoData;
import org.mtl4j.bench.internal.CpuCounter;
import org.mtl4j.bench.internal.PreloadedDataset;
import org.mtl4j.data.CsvDataset;
import org.mtl4j.data.FunnelGenerator;
import org.mtl4j.training.Trainer;
import org.mtl4j.training.TrainingResult;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.sgd.fm.FMClassificationModel;
import org.tribuo.classification.sgd.fm.FMClassificationTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.math.optimisers.AdaGrad;

/**
 * One training epoch on the click/conversion funnel (issue 2's generator): mtl4j's multi-task
 * factorization machine (Rendle, ICDM 2010; Tribuo backend, shared factors, tasks {@code ctr} and
 * {@code ctcvr}, AdaGrad 0.05, factors of 8, minibatch {@code batch}) through {@link Trainer#fit},
 * against Tribuo's own {@link FMClassificationTrainer} (minibatch 1, the only size its FM trains
 * sparse data with, AdaGrad 0.05, factors of 8, one epoch) trained once per task. The score is
 * milliseconds per epoch (wall; the process CPU time per epoch goes to the side file, {@link CpuCounter});
 * goal (issue 6): the joint epoch costs less than the two single-task epochs together.
 *
 * <p>Both sides read the same rows: the joint model our preloaded batches, Tribuo the same rows as
 * {@code MutableDataset<Label>}s built in the set-up ({@link TribuoData#labelDataset}). Tribuo's
 * {@code train} includes its own conversion of examples to sparse vectors, as our step includes the
 * encoding of a batch.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx2g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class TribuoFmBench {
    /** Tribuo logs every train() call at INFO through java.util.logging; held here so the level sticks. */
    private static final java.util.logging.Logger TRIBUO_LOG = java.util.logging.Logger.getLogger("org.tribuo");

    /** The funnel's demo spec on the Tribuo backend: shared factors (hard sharing), AdaGrad 0.05, one epoch. */
    public static ModelSpec spec(int batch) {
        return FunnelGenerator.demoSpec().withBackend(TribuoBackend.NAME).withTopology(new Topology.SharedBottom(List.of(1))).withoutHiddenLayers()
                .withOptimizer(OptimizerSpec.adagrad(0.05))
                .withTraining(new TrainingSpec(1, batch, 42, 0.0, null, 0, 100_000));
    }

    /** Loads the funnel CSV (or draws {@code rows} rows into a temp file when {@code csv} is empty). */
    static Dataset funnel(String csv, long rows, ModelSpec spec) {
        Path file;
        if (csv.isEmpty()) {
            try {
                file = Files.createTempFile("mtl4j-bench-funnel", ".csv");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            file.toFile().deleteOnExit();
            new FunnelGenerator().writeCsv(file, rows, 1);
        } else {
            file = Path.of(csv);
        }
        return CsvDataset.builder(file, spec).build();
    }

    /** The joint model's data and model. */
    @State(Scope.Benchmark)
    public static class Joint {
        /** The funnel CSV; empty: {@code rows} rows drawn into a temp file. */
        @Param({""})
        public String csv;

        /** Rows to use (0: all of the CSV). */
        @Param({"20000"})
        public long rows;

        @Param({"512"})
        public int batch;

        ModelSpec spec;
        PreloadedDataset data;
        TrainableModel model;
        final CpuCounter cpu = new CpuCounter();

        @Setup(Level.Trial)
        public void setUp() {
            spec = spec(batch);
            data = PreloadedDataset.load(funnel(csv, rows, spec), batch, 1, false, rows);
            model = new TribuoBackend().compile(spec, data.vocabularies(), data.denseStats());
        }

        @Setup(Level.Iteration)
        public void beginIteration(IterationParams p) {
            cpu.begin(p);
        }

        @TearDown(Level.Iteration)
        public void endIteration(IterationParams p) {
            cpu.end(p);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            CpuCounter.append("tribuo", "joint", String.format(java.util.Locale.ROOT, "%.0f", cpu.cpuNanosPerOp()));
            model.close();
        }
    }

    /** One task's rows as a Tribuo dataset. */
    @State(Scope.Benchmark)
    public static class Single {
        @Param({""})
        public String csv;

        @Param({"20000"})
        public long rows;

        /** ctr (label click) or ctcvr (label conversion). */
        @Param({"ctr", "ctcvr"})
        public String task;

        MutableDataset<Label> data;
        long seed;
        final CpuCounter cpu = new CpuCounter();

        @Setup(Level.Iteration)
        public void beginIteration(IterationParams p) {
            cpu.begin(p);
        }

        @TearDown(Level.Iteration)
        public void endIteration(IterationParams p) {
            cpu.end(p);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            CpuCounter.append("tribuo", task, String.format(java.util.Locale.ROOT, "%.0f", cpu.cpuNanosPerOp()));
        }

        @Setup(Level.Trial)
        public void setUp() {
            TRIBUO_LOG.setLevel(java.util.logging.Level.WARNING);
            ModelSpec spec = spec(512);
            Dataset all = PreloadedDataset.load(funnel(csv, rows, spec), 512, 1, false, rows);
            data = TribuoData.labelDataset(all, spec, task);
        }
    }

    /** One epoch of the joint two-task FM (a fresh trainer on the same, further trained model). */
    @Benchmark
    public TrainingResult jointEpoch(Joint s) {
        TrainingResult r = Trainer.builder().build().fit(s.model, s.data, null);
        s.cpu.add(1);
        return r;
    }

    /** One epoch of Tribuo's single-task FM on one task, trained from scratch as Tribuo always does. */
    @Benchmark
    public FMClassificationModel tribuoSingleTaskEpoch(Single s) {
        FMClassificationTrainer t = new FMClassificationTrainer(new LogMulticlass(), new AdaGrad(0.05, 1e-8), 1, -1, 1,
                ++s.seed, 8, 1e-4);
        FMClassificationModel m = t.train(s.data);
        s.cpu.add(1);
        return m;
    }
}
