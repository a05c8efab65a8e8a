package org.mtl4j.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.mtl4j.api.backend.TrainableModel;
import org.mtl4j.api.backend.TrainingStep;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.backend.dl4j.Dl4jBackend;
import org.mtl4j.bench.internal.CpuCounter;
import org.mtl4j.bench.internal.PeakMemory;
import org.mtl4j.bench.internal.PreloadedDataset;
import org.mtl4j.data.CsvDataset;
import org.mtl4j.data.MmoeSyntheticGenerator;
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

/**
 * Training throughput of the DL4J backend on the MMoE paper's synthetic benchmark (Ma et al., KDD 2018,
 * section 3.2; d = 100) with the paper's model sizes: shared-bottom (one layer of 113 units), MMoE (8
 * experts of 16 units) and PLE/CGC (Tang et al., RecSys 2020; one level, 4 shared + 2 per-task experts
 * of 16 units), towers of 8, Adam 1e-3.
 *
 * <p>One operation is one optimisation step on a preloaded batch: {@code model.step(batch)} (forward and
 * per-task losses), {@code backward(w)} with equal weights, {@code applyUpdate()}, the loop the PyTorch
 * peer times ({@code model(b)}, losses, {@code backward}, {@code opt.step}). Examples/s = ops/s x batch.
 * The CSV is read once in the trial set-up, shuffled once and cut into full batches; the peer instead
 * gathers each batch from a fresh permutation inside its timed loop.
 *
 * <p>At the end of a trial the fork's peak resident memory (VmHWM) and the process CPU time per step of
 * the measurement iterations are appended to the side file ({@link CpuCounter#SIDE_FILE_PROPERTY}), if set:
 * {@code throughput, model, batch, OMP_NUM_THREADS, peak RSS MiB, CPU ns/step}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ThroughputBench {
    /** shared-bottom, mmoe or ple. */
    @Param({"shared-bottom", "mmoe", "ple"})
    public String model;

    @Param({"256", "2048"})
    public int batch;

    /** The training CSV (columns x0..x99,y1,y2); empty: 4 x batch rows drawn in memory (smoke tests). */
    @Param({""})
    public String csv;

    /** Use at most this many rows of the CSV (0: all). */
    @Param({"0"})
    public long rows;

    private TrainableModel net;
    private List<Batch> batches;
    private int next;
    private final double[] weights = {1, 1};
    private final CpuCounter cpu = new CpuCounter();

    @Setup(Level.Trial)
    public void setUp() {
        MmoeSyntheticGenerator gen = new MmoeSyntheticGenerator(MmoeSyntheticGenerator.Config.paper(0.5, 2018));
        ModelSpec spec = gen.spec(model);
        PreloadedDataset data;
        if (csv.isEmpty()) {
            Path tmp = tempCsv(gen, 4L * batch);
            data = PreloadedDataset.load(CsvDataset.builder(tmp, spec).build(), batch, 1, true, 0);
        } else {
            data = PreloadedDataset.load(CsvDataset.builder(Path.of(csv), spec).build(), batch, 1, true, rows);
        }
        batches = data.batchList();
        net = new Dl4jBackend().compile(spec, data.vocabularies(), data.denseStats());
        next = 0;
    }

    private static Path tempCsv(MmoeSyntheticGenerator gen, long n) {
        try {
            Path tmp = Files.createTempFile("mtl4j-bench-mmoe", ".csv");
            tmp.toFile().deleteOnExit();
            gen.writeCsv(tmp, n, 7);
            return tmp;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Setup(Level.Iteration)
    public void beginIteration(IterationParams p) {
        cpu.begin(p);
    }

    @TearDown(Level.Iteration)
    public void endIteration(IterationParams p) {
        cpu.end(p);
    }

    /** One optimisation step; returns the step so that nothing is dead code. */
    @Benchmark
    public TrainingStep step() {
        Batch b = batches.get(next);
        next = next + 1 == batches.size() ? 0 : next + 1;
        TrainingStep s = net.step(b);
        s.backward(weights);
        net.applyUpdate();
        cpu.add(1);
        return s;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        String threads = System.getenv("OMP_NUM_THREADS");
        CpuCounter.append("throughput", model, Integer.toString(batch), threads == null ? "default" : threads,
                String.format(Locale.ROOT, "%.1f", PeakMemory.peakRssMiB()), String.format(Locale.ROOT, "%.0f", cpu.cpuNanosPerOp()));
        net.close();
    }
}
