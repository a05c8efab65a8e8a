package org.mtl4j.bench;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.mtl4j.api.backend.TrainableModel;
import org.mtl4j.api.balance.BalancerContext;
import org.mtl4j.api.balance.GradientAggregator;
import org.mtl4j.api.balance.LossWeighting;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.PluginRef;
import org.mtl4j.backend.dl4j.Dl4jBackend;
import org.mtl4j.balancers.Balancers;
import org.mtl4j.bench.internal.CpuCounter;
import org.mtl4j.bench.internal.MultiTaskSynthetic;
import org.mtl4j.bench.internal.PreloadedDataset;
import org.mtl4j.training.Trainer;
import org.mtl4j.training.TrainingResult;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;

/**
 * The cost of one training step with each balancer, through the real loop: every invocation runs
 * {@link Trainer#fit} for one epoch of {@value #STEPS} preloaded batches of {@value #BATCH} rows, so a
 * step is exactly what training does ({@code model.step}, the loss weighting, and either one backward
 * pass or {@code taskGradients} into reused buffers + {@code aggregate}, then {@code applyUpdate}). The model is
 * the MMoE paper's (8 experts of 16 units, towers of 8) over T = {@code tasks} regression tasks of the
 * paper's synthetic recipe ({@link MultiTaskSynthetic}); diagnostics are off.
 *
 * <p>The score is microseconds per step (wall); the process CPU time per step goes to the side file
 * ({@link CpuCounter}: {@code balancer, T, name, CPU ns/step}). The report divides both by the
 * {@code equal} row of the same T.
 * Goals (DESIGN.md, issue 5): a gradient aggregator at most (T + 1) x {@code equal}, a loss weighting
 * at most 1.1 x.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx1g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class BalancerCostBench {
    /** Steps per invocation (one epoch of the trainer). */
    public static final int STEPS = 16;
    public static final int BATCH = 256;

    @Param({"2", "3", "5"})
    public int tasks;

    /** A loss weighting or a gradient aggregator of {@link Balancers}, by name (aggregators run with equal weights). */
    @Param({"equal", "fixed", "uncertainty", "dwa", "rlw", "schedule", "gradnorm", "sum", "pcgrad", "mgda", "cagrad",
            "imtl-g", "gradvac", "graddrop", "aligned-mtl", "nash-mtl"})
    public String balancer;

    private TrainableModel model;
    private PreloadedDataset data;
    private ModelSpec spec;
    private long seed;
    private final CpuCounter cpu = new CpuCounter();

    /** Whether {@code name} is a gradient aggregator (else a loss weighting); unknown names fail listing both. */
    public static boolean isAggregator(String name) {
        if (Balancers.gradientAggregators().containsKey(name)) {
            return true;
        }
        if (Balancers.lossWeightings().containsKey(name)) {
            return false;
        }
        throw new IllegalArgumentException("unknown balancer \"" + name + "\" (loss weightings: "
                + String.join(", ", Balancers.lossWeightings().keySet()) + "; gradient aggregators: "
                + String.join(", ", Balancers.gradientAggregators().keySet()) + ")");
    }

    @Setup(Level.Trial)
    public void setUp() {
        boolean agg = isAggregator(balancer);
        MultiTaskSynthetic synth = new MultiTaskSynthetic(tasks, 2018);
        spec = synth.mmoeSpec(BATCH, 42, agg ? PluginRef.of("equal") : PluginRef.of(balancer),
                agg ? PluginRef.of(balancer) : PluginRef.NONE);
        data = new PreloadedDataset("mmoe synthetic, " + tasks + " tasks", synth.batches(STEPS, BATCH, 1), Map.of(), Map.of());
        model = new Dl4jBackend().compile(spec, Map.of(), Map.of());
    }

    @Setup(Level.Iteration)
    public void beginIteration(IterationParams p) {
        cpu.begin(p);
    }

    @TearDown(Level.Iteration)
    public void endIteration(IterationParams p) {
        cpu.end(p);
    }

    /** One epoch of {@value #STEPS} steps through a fresh trainer (balancers are stateful, one per run). */
    @Benchmark
    @OperationsPerInvocation(STEPS)
    public TrainingResult epoch() {
        LossWeighting w = Balancers.lossWeighting(new BalancerContext(spec.lossWeighting(), spec.tasks(), ++seed));
        GradientAggregator a = spec.hasGradientAggregation()
                ? Balancers.gradientAggregator(new BalancerContext(spec.gradientAggregation(), spec.tasks(), seed))
                : null;
        TrainingResult r = Trainer.builder().lossWeighting(w).gradientAggregator(a).build().fit(model, data, null);
        cpu.add(STEPS);
        return r;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        CpuCounter.append("balancer", Integer.toString(tasks), balancer, String.format(java.util.Locale.ROOT, "%.0f",
                cpu.cpuNanosPerOp()));
        model.close();
    }
}
