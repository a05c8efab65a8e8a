package org.mtl4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.metric.Evaluation;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.data.CsvDataset;
import org.mtl4j.data.MmoeSyntheticGenerator;
import org.mtl4j.dsl.Mtl;
import org.mtl4j.dsl.MtlRuntime;

/**
 * Issue 4, evidence 2: the MMoE paper's synthetic benchmark (Ma et al., KDD 2018, sec. 3.2) with
 * alpha, beta ~ N(0, 1) (the PLE paper's setting, where the sines matter) and the paper's model
 * sizes, 3 seeds. Asserted: DESIGN.md's number (at rho = 0.5 MMoE's mean test MSE is below
 * shared-bottom's) and, with unrelated tasks (rho = 0), MMoE's median below shared-bottom's.
 *
 * <p>Not asserted: the stricter ratios (at rho = 0 MMoE at most half of shared-bottom, at
 * rho = 1 within 30%), measured by the PyTorch peer on its own worlds. On this generator's worlds the
 * peer itself does not show them: on world 1 it gets shared-bottom / MMoE 0.052 / 0.029 at rho = 0
 * and 0.043 / 0.022 at rho = 1 (mtl_peer.py, 5 epochs, seed 1, the same files), i.e. MMoE's mixture
 * fits these more nonlinear worlds better whatever rho is, which hides the relatedness effect. This
 * backend on the same world: 0.043 / 0.032 at rho = 0, 0.048 / 0.029 at rho = 1.
 */
class MmoeSyntheticTest {

    private static final int TRAIN_ROWS = 100_000;
    private static final int TEST_ROWS = 10_000;

    @TempDir
    static Path tmp;

    /** Mean over the two tasks of the test MSE of one trained model. */
    private static double testMse(MtlRuntime runtime, double rho, long seed, String topology) {
        MmoeSyntheticGenerator gen = new MmoeSyntheticGenerator(MmoeSyntheticGenerator.Config.ple(rho, seed));
        Path train = tmp.resolve("train-" + rho + "-" + seed + ".csv");
        Path test = tmp.resolve("test-" + rho + "-" + seed + ".csv");
        if (!train.toFile().exists()) {
            gen.writeCsv(train, TRAIN_ROWS, 1000 + seed);
            gen.writeCsv(test, TEST_ROWS, 2000 + seed);
        }
        ModelSpec spec = runtime.check(gen.spec(topology));
        Dataset trainDs = CsvDataset.builder(train, spec).build();
        Dataset testDs = CsvDataset.builder(test, spec).vocabularies(trainDs.vocabularies()).denseStats(trainDs.denseStats()).build();
        Evaluation eval = runtime.evaluate(runtime.train(spec, trainDs, null).model(), testDs);
        double mse1 = Math.pow(eval.metric("y1", "rmse"), 2);
        double mse2 = Math.pow(eval.metric("y2", "rmse"), 2);
        return (mse1 + mse2) / 2;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static double[] runs(MtlRuntime runtime, double rho, String topology) {
        double[] out = new double[3];
        for (int seed = 0; seed < 3; seed++) {
            out[seed] = testMse(runtime, rho, seed, topology);
        }
        System.out.printf("mmoe synthetic rho=%.1f %-13s test MSE per seed %s median %.4f%n", rho, topology,
                Arrays.toString(out), median(out));
        return out;
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).average().orElseThrow();
    }

    @Test
    void mmoeBeatsSharedBottom() {
        MtlRuntime runtime = Mtl.runtime();
        double sbHalf = mean(runs(runtime, 0.5, "shared-bottom"));
        double mmoeHalf = mean(runs(runtime, 0.5, "mmoe"));
        double sb0 = median(runs(runtime, 0.0, "shared-bottom"));
        double mmoe0 = median(runs(runtime, 0.0, "mmoe"));
        assertThat(mmoeHalf).as("MMoE mean test MSE at rho=0.5 vs shared-bottom's").isLessThan(sbHalf);
        assertThat(mmoe0).as("MMoE median test MSE at rho=0 vs shared-bottom's").isLessThan(sb0);
    }
}
