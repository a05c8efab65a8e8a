package org.mtl4j.training.affinity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.backend.TaskLosses;
import org.mtl4j.api.backend.TrainingStep;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.BatchStream;
import org.mtl4j.api.spec.DenseInput;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.api.spec.TrainingSpec;
import org.mtl4j.training.testmodel.LinearMtlModel;
import org.mtl4j.training.testmodel.ArrayDataset;

/**
 * The probe on a real (plain Java, exact gradients) model: a shared layer of ONE unit h = w.x feeds three
 * regression heads; "a" = u.x and "a3" = 3 u.x + noise want w along u, "b" = v.x (v orthogonal to u) wants
 * w along v. So a and a3 help each other and both compete with b for the single unit.
 */
class AffinityProbeTest {
    private static final int DIM = 4;

    static ArrayDataset data(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n * DIM];
        float[] a = new float[n];
        float[] a3 = new float[n];
        float[] b = new float[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < DIM; j++) {
                x[i * DIM + j] = (float) r.nextGaussian();
            }
            double u = x[i * DIM] + x[i * DIM + 1];
            double v = x[i * DIM + 2] - x[i * DIM + 3];
            a[i] = (float) u;
            a3[i] = (float) (3 * u + 0.1 * r.nextGaussian());
            b[i] = (float) (1.5 * v);
        }
        return new ArrayDataset("x", DIM, x, Map.of("a", a, "a3", a3, "b", b), Map.of(), Map.of());
    }

    static ModelSpec spec(double lr) {
        List<String> cols = new ArrayList<>();
        for (int j = 0; j < DIM; j++) {
            cols.add("x" + j);
        }
        return new ModelSpec("probe", List.of(new DenseInput("x", cols, false)),
                List.of(TaskSpec.regression("a", "a"), TaskSpec.regression("a3", "a3"), TaskSpec.regression("b", "b")),
                new Topology.SharedBottom(List.of(1)), null, null, null, OptimizerSpec.sgd(lr, 0),
                new TrainingSpec(1, 64, 3L, 0, null, 0, 1000), "linear-test");
    }

    @Test
    void relatedTasksHaveHigherAffinityAndGroupTogether() {
        LinearMtlModel m = new LinearMtlModel(spec(0.02));
        TaskAffinity a = AffinityProbe.builder().steps(150).build().measure(m, data(4000, 1));
        assertThat(a.sampledSteps()).isEqualTo(150);
        assertThat(a.samples()[0][1]).isEqualTo(150);
        // the related pair helps both ways; each helps its partner more than it helps b, and b helps neither
        assertThat(a.lookahead("a", "a3")).isPositive();
        assertThat(a.lookahead("a3", "a")).isPositive();
        assertThat(a.lookahead("a", "a3")).isGreaterThan(a.lookahead("a", "b"));
        assertThat(a.lookahead("a3", "a")).isGreaterThan(a.lookahead("b", "a"));
        assertThat(a.lookahead("b", "a")).isNegative();
        assertThat(a.lookahead("b", "a3")).isNegative();
        assertThat(a.cosine("a", "a3")).isGreaterThan(0.5);
        assertThat(a.cosine("a", "b")).isLessThan(a.cosine("a", "a3"));
        assertThat(a.cosine("a", "a")).isCloseTo(1.0, within(1e-9));
        assertThat(TaskGrouper.best(a, 3).groups()).containsExactly(List.of("a", "a3"), List.of("b"));
    }

    @Test
    void oneSampledStepEqualsTheHandComputedLookaheadAndLeavesTheUpdateOfANormalStep() {
        double lr = 0.05;
        ArrayDataset d = data(256, 2);
        LinearMtlModel probed = new LinearMtlModel(spec(lr));
        TaskAffinity a = AffinityProbe.builder().steps(1).build().measure(probed, d);

        // the same by hand, on a twin model and the same first batch
        LinearMtlModel twin = new LinearMtlModel(spec(lr));
        Batch first;
        try (BatchStream s = d.batches(64, true, 3L)) {
            first = s.next();
        }
        double[] theta0 = twin.parameters().clone();
        int shared = twin.sharedSize();
        TrainingStep step = twin.step(first);
        double[] before = step.losses().losses().clone();
        double[][] g = new double[3][];
        for (int k = 0; k < 3; k++) {
            double[] e = new double[3];
            e[k] = 1;
            step.backward(e);
            g[k] = step.gradient().toArray();
        }
        for (int i = 0; i < 3; i++) {
            for (int p = 0; p < shared; p++) {
                twin.parameters()[p] = theta0[p] - lr * g[i][p];
            }
            TaskLosses after = twin.losses(first);
            System.arraycopy(theta0, 0, twin.parameters(), 0, theta0.length);
            for (int j = 0; j < 3; j++) {
                assertThat(a.lookahead()[i][j]).as("Z(%d -> %d)", i, j).isCloseTo(1 - after.losses()[j] / before[j],
                        within(1e-12));
            }
        }
        // the probe's update is the normal update of sum_k L_k
        twin.step(first).backward(new double[] {1, 1, 1});
        twin.applyUpdate();
        double[] expected = twin.parameters();
        double[] got = probed.parameters();
        for (int p = 0; p < expected.length; p++) {
            assertThat(got[p]).as("parameter %d", p).isCloseTo(expected[p], within(1e-12));
        }
        assertThat(probed.updates()).isEqualTo(1);
    }

    @Test
    void sampledAndUnsampledRunsTrainTheSameModel() {
        ArrayDataset d = data(500, 4);
        LinearMtlModel every = new LinearMtlModel(spec(0.02));
        AffinityProbe.builder().steps(30).every(1).build().measure(every, d);
        LinearMtlModel rarely = new LinearMtlModel(spec(0.02));
        TaskAffinity r = AffinityProbe.builder().steps(30).every(7).build().measure(rarely, d);
        assertThat(r.sampledSteps()).isEqualTo(5); // steps 0, 7, 14, 21, 28
        assertThat(r.steps()).isEqualTo(30);
        LinearMtlModel warm = new LinearMtlModel(spec(0.02));
        TaskAffinity w = AffinityProbe.builder().steps(30).warmup(20).every(3).build().measure(warm, d);
        assertThat(w.sampledSteps()).isEqualTo(4); // steps 20, 23, 26, 29
        assertThat(w.samples()[0][2]).isEqualTo(4);
        for (int p = 0; p < every.parameters().length; p++) {
            assertThat(every.parameters()[p]).isCloseTo(rarely.parameters()[p], within(1e-9));
            assertThat(warm.parameters()[p]).isCloseTo(rarely.parameters()[p], within(1e-9));
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AffinityProbe.builder().steps(10).warmup(10).build()
                .measure(new LinearMtlModel(spec(0.02)), d))
                .hasMessage("affinity warm-up (10 steps) leaves no step of the 10 to measure on");
    }
}
