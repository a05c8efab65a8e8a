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
 * alpha, beta ~ N(0, 1) (the PLE paper's setting, where the sines matter). With the paper's model
 * sizes, MMoE's median test MSE over 3 seeds at rho = 0 is at most half of shared-bottom's, and at
 * rho = 1 the two are within 30% of each other. (The PyTorch peer measured 0.020 vs 0.065 at rho = 0.)
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

    @Test
    void mmoeBeatsSharedBottomWhenTasksAreUnrelatedAndTiesWhenTheyAreTheSame() {
        MtlRuntime runtime = Mtl.runtime();
        double sb0 = median(runs(runtime, 0.0, "shared-bottom"));
        double mmoe0 = median(runs(runtime, 0.0, "mmoe"));
        double sb1 = median(runs(runtime, 1.0, "shared-bottom"));
        double mmoe1 = median(runs(runtime, 1.0, "mmoe"));
        assertThat(mmoe0).as("MMoE median MSE at rho=0 vs half of shared-bottom's %.4f", sb0).isLessThanOrEqualTo(0.5 * sb0);
        assertThat(Math.abs(mmoe1 - sb1) / Math.min(mmoe1, sb1)).as("relative gap at rho=1 (mmoe %.4f, sb %.4f)", mmoe1, sb1)
                .isLessThanOrEqualTo(0.30);
    }
}
