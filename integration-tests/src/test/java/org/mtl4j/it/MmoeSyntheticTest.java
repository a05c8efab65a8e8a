package org.mtl4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.metric.Evaluation;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.TrainingSpec;
import org.mtl4j.data.CsvDataset;
import org.mtl4j.data.MmoeSyntheticGenerator;
import org.mtl4j.data.MmoeSyntheticGenerator.Config;
import org.mtl4j.data.MmoeSyntheticGenerator.Stream;
import org.mtl4j.dsl.Mtl;
import org.mtl4j.dsl.MtlRuntime;

/**
 * Issue 4, evidence 2: the MMoE paper's synthetic benchmark (Ma et al., KDD 2018, sec. 3.2) with
 * alpha, beta ~ N(0, 1) (the PLE paper's setting, where the sines matter), the paper's model sizes
 * (shared-bottom 113 units, MMoE 8 experts of 16, towers of 8; Adam 1e-3, batch 256, 5 epochs),
 * 100,000 training and 10,000 test rows, 3 training seeds, the median of the two tasks' mean test MSE.
 *
 * <p>The world is {@link Stream#NUMPY} seed 2018: the very world (u, alpha, beta) and rows on which
 * the PyTorch reference measured the figures (its {@code gen_synthetic.py} defaults to seed
 * 2018 and draws with {@code numpy.random.default_rng}), so both sides train on the same data.
 * Asserted: at rho = 0 MMoE's median is at most half of shared-bottom's; at rho = 1 they are within
 * 30% (|MMoE - shared-bottom| <= 0.3 x shared-bottom); at rho = 0.5 (DESIGN.md) MMoE's mean is below
 * shared-bottom's. Measured here (DL4J, 1 thread): rho = 0 0.062 vs 0.020; rho = 1 0.0205 vs 0.0149;
 * the reference: 0.065 vs 0.020 and 0.020 vs 0.017.
 *
 * <p>The size of the effect belongs to the world, not only to the models: on this generator's own
 * {@link Stream#MTL4J} worlds 0, 1, 2 MMoE beats shared-bottom at every rho (rho = 0 0.032 vs 0.043,
 * rho = 1 0.029 vs 0.048), and the PyTorch reference on those files shows the same.
 */
class MmoeSyntheticTest {

    private static final long WORLD_SEED = 2018;
    private static final int TRAIN_ROWS = 100_000;
    private static final int TEST_ROWS = 10_000;
    private static final Map<Double, Path> WORLDS = new HashMap<>();

    @TempDir
    static Path tmp;

    private static Path world(double rho) {
        return WORLDS.computeIfAbsent(rho, r -> {
            Path dir = tmp.resolve("rho" + r);
            new MmoeSyntheticGenerator(Config.ple(r, WORLD_SEED).withStream(Stream.NUMPY))
                    .writeSplits(dir, TRAIN_ROWS, TEST_ROWS);
            return dir;
        });
    }

    /** Mean over the two tasks of the test MSE of one model trained with {@code seed}. */
    private static double testMse(MtlRuntime runtime, double rho, String topology, long seed) {
        Path dir = world(rho);
        ModelSpec paper = new MmoeSyntheticGenerator(Config.ple(rho, WORLD_SEED).withStream(Stream.NUMPY)).spec(topology);
        TrainingSpec t = paper.training();
        ModelSpec spec = runtime.check(paper.withTraining(new TrainingSpec(t.epochs(), t.batchSize(), seed,
                t.validationFraction(), t.earlyStopping(), t.diagnosticsEvery(), t.shuffleBuffer())));
        Dataset train = CsvDataset.builder(dir.resolve("train.csv"), spec).build();
        Dataset test = CsvDataset.builder(dir.resolve("test.csv"), spec).vocabularies(train.vocabularies())
                .denseStats(train.denseStats()).build();
        // raw labels, as the paper and the PyTorch reference train: this test reproduces their protocol.
        // With mtl4j's default (standardised regression labels) both models do better and the gap at
        // rho = 0 closes (issue 14: rho 0 medians 0.0156 shared-bottom vs 0.0150 MMoE)
        Evaluation eval = runtime.evaluate(runtime.train(spec, train, null, b -> b.standardiseLabels(false)).model(), test);
        double mse1 = Math.pow(eval.metric("y1", "rmse"), 2);
        double mse2 = Math.pow(eval.metric("y2", "rmse"), 2);
        return (mse1 + mse2) / 2;
    }

    private static double[] runs(MtlRuntime runtime, double rho, String topology) {
        double[] out = new double[3];
        for (int seed = 0; seed < 3; seed++) {
            out[seed] = testMse(runtime, rho, topology, seed);
        }
        System.out.printf("mmoe synthetic (numpy world %d) rho=%.1f %-13s test MSE per seed %s median %.4f mean %.4f%n",
                WORLD_SEED, rho, topology, Arrays.toString(out), median(out), mean(out));
        return out;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).average().orElseThrow();
    }

    @Test
    void unrelatedTasksHalveTheErrorWithMmoe() {
        MtlRuntime runtime = Mtl.runtime();
        double sb = median(runs(runtime, 0.0, "shared-bottom"));
        double mmoe = median(runs(runtime, 0.0, "mmoe"));
        assertThat(mmoe).as("MMoE median test MSE at rho=0 vs half of shared-bottom's %.4f", sb).isLessThanOrEqualTo(0.5 * sb);
    }

    @Test
    void identicalTasksLeaveLittleToGain() {
        MtlRuntime runtime = Mtl.runtime();
        double sb = median(runs(runtime, 1.0, "shared-bottom"));
        double mmoe = median(runs(runtime, 1.0, "mmoe"));
        assertThat(Math.abs(mmoe - sb)).as("|MMoE - shared-bottom| median test MSE at rho=1 (%.4f vs %.4f) vs 30%% of "
                + "shared-bottom's", mmoe, sb).isLessThanOrEqualTo(0.3 * sb);
    }

    @Test
    void mmoeBeatsSharedBottomOnPartlyRelatedTasks() {
        MtlRuntime runtime = Mtl.runtime();
        double sb = mean(runs(runtime, 0.5, "shared-bottom"));
        double mmoe = mean(runs(runtime, 0.5, "mmoe"));
        assertThat(mmoe).as("MMoE mean test MSE at rho=0.5 vs shared-bottom's").isLessThan(sb);
    }
}
