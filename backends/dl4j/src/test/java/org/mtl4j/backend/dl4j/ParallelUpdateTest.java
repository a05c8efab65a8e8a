package org.mtl4j.backend.dl4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.api.spec.TrainingSpec;
import org.mtl4j.backend.dl4j.internal.model.Dl4jModel;

/**
 * The optimiser step split over the workers (dense buffers in contiguous slices, each table's touched
 * rows in row ranges) and the shard-gradient sum split over them (dense slices, tables round-robin) are
 * bit-identical to the serial ones ({@code serialUpdate(true)}): 3 workers, a trunk large enough (~70k
 * dense parameters) that every worker gets a slice cut inside a parameter, two embedding tables, every optimiser.
 */
class ParallelUpdateTest {

    @ParameterizedTest
    @ValueSource(strings = {"adam", "adamw", "sgd", "adagrad"})
    void parallelStepAndSumEqualSerialOnes(String which) {
        OptimizerSpec opt = switch (which) {
            case "adam" -> OptimizerSpec.adam(1e-2);
            case "adamw" -> new OptimizerSpec("adamw", 0.01, 0.8, 0.95, 1e-6, 0, 0.1);
            case "sgd" -> OptimizerSpec.sgd(0.1, 0.9);
            default -> OptimizerSpec.adagrad(0.1);
        };
        ModelSpec base = Fixtures.spec(new Topology.SharedBottom(List.of(256, 256)), Fixtures.mixedTasks(), opt);
        ModelSpec spec = base.withTraining(new TrainingSpec(1, 120, 7L, 0, null, 0, 1000, 3));
        Dl4jModel parallel = (Dl4jModel) Fixtures.compile(spec);
        Dl4jModel serial = (Dl4jModel) Fixtures.compile(spec);
        serial.serialUpdate(true);
        assertThat(parallel.parameters().length()).isGreaterThan(3 * (1 << 14));
        float[] initial = parallel.parameters().toFloatVector();
        assertThat(serial.parameters().toFloatVector()).containsExactly(initial);
        double[] w = new double[spec.tasks().size()];
        java.util.Arrays.fill(w, 1);
        for (int step = 0; step < 3; step++) {
            Batch b = Fixtures.batch(spec, 120, 50 + step, 3);
            parallel.step(b).backward(w);
            serial.step(b).backward(w);
            assertThat(parallel.gradients().toFloatVector()).containsExactly(serial.gradients().toFloatVector());
            parallel.applyUpdate();
            serial.applyUpdate();
        }
        float[] p = parallel.parameters().toFloatVector();
        assertThat(p).containsExactly(serial.parameters().toFloatVector());
        int moved = 0;
        for (int i = 0; i < p.length; i++) {
            moved += p[i] != initial[i] ? 1 : 0;
        }
        assertThat(moved).as("the steps moved most parameters").isGreaterThan(p.length / 2);
        assertThat(serial.serialCpuNanos()[2]).as("the serial model updated serially").isPositive();
        assertThat(parallel.serialCpuNanos()[2]).as("the parallel model never updated serially").isZero();
    }
}
