package org.mtl4j.bench.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.Feature;
import org.mtl4j.api.spec.DenseInput;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.PluginRef;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.api.spec.TrainingSpec;
import org.mtl4j.data.MmoeSyntheticGenerator;

/**
 * T regression tasks on the MMoE paper's synthetic recipe (Ma et al., KDD 2018, section 3.2), for
 * benchmarks that need more than its two tasks: task 1 is y = f(w1.x), task k &gt; 1 is the recipe's
 * second task with correlation {@code RHOS[k - 2]} to the first (every generator shares the seed, so
 * u1, u2, alpha and beta are the same and only w2 changes). Rows are drawn in memory, never written.
 */
public final class MultiTaskSynthetic {
    /** Correlation of task k + 2 with task 1. */
    static final double[] RHOS = {0.5, 0.0, 0.9, -0.5, 0.7, -0.9, 0.3};
    public static final int MAX_TASKS = RHOS.length + 1;

    private final int tasks;
    private final List<MmoeSyntheticGenerator> generators = new ArrayList<>();
    private final int dimension;

    public MultiTaskSynthetic(int tasks, long seed) {
        if (tasks < 1 || tasks > MAX_TASKS) {
            throw new IllegalArgumentException("tasks must be in [1, " + MAX_TASKS + "], found " + tasks);
        }
        this.tasks = tasks;
        for (int k = 0; k < tasks; k++) {
            double rho = k == 0 ? 1.0 : RHOS[k - 1];
            generators.add(new MmoeSyntheticGenerator(MmoeSyntheticGenerator.Config.paper(rho, seed)));
        }
        this.dimension = generators.get(0).config().dimension();
    }

    public static String taskName(int k) {
        return "t" + (k + 1);
    }

    /**
     * An MMoE model at the paper's sizes (8 experts of 16 units, towers of 8) over these tasks, Adam
     * 1e-3, one epoch, no diagnostics, with the given balancing.
     */
    public ModelSpec mmoeSpec(int batchSize, long seed, PluginRef weighting, PluginRef aggregation) {
        List<String> cols = new ArrayList<>();
        for (int i = 0; i < dimension; i++) {
            cols.add("x" + i);
        }
        List<TaskSpec> ts = new ArrayList<>();
        for (int k = 0; k < tasks; k++) {
            ts.add(TaskSpec.regression(taskName(k), taskName(k)));
        }
        return new ModelSpec("bench-mmoe-" + tasks + "-tasks", List.of(new DenseInput("x", cols, false)), ts,
                new Topology.Mmoe(8, List.of(16), List.of()), weighting, aggregation, List.of(), OptimizerSpec.adam(1e-3),
                new TrainingSpec(1, batchSize, seed, 0.0, null, 0, 1000), "dl4j");
    }

    /** {@code count} batches of {@code batchSize} rows with labels for every task (noise std as in the paper). */
    public List<Batch> batches(int count, int batchSize, long rowSeed) {
        SplittableRandom r = new SplittableRandom(rowSeed);
        double noise = generators.get(0).config().noiseStd();
        List<Batch> out = new ArrayList<>(count);
        double[] x = new double[dimension];
        for (int b = 0; b < count; b++) {
            float[] xs = new float[batchSize * dimension];
            float[][] ys = new float[tasks][batchSize];
            for (int row = 0; row < batchSize; row++) {
                for (int i = 0; i < dimension; i++) {
                    x[i] = (float) gaussian(r);
                    xs[row * dimension + i] = (float) x[i];
                }
                for (int k = 0; k < tasks; k++) {
                    ys[k][row] = (float) (generators.get(k).truth(k == 0 ? 1 : 2, x) + noise * gaussian(r));
                }
            }
            Map<String, float[]> labels = new LinkedHashMap<>();
            for (int k = 0; k < tasks; k++) {
                labels.put(taskName(k), ys[k]);
            }
            out.add(new Batch(batchSize, Map.of("x", new Feature.Dense(dimension, xs)), labels, null, null));
        }
        return out;
    }

    private static double gaussian(SplittableRandom r) {
        // Box-Muller, one of the pair
        double u = 1.0 - r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
