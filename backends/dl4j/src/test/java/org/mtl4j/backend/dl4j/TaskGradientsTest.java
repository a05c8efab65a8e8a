package org.mtl4j.backend.dl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mtl4j.api.backend.GradientVector;
import org.mtl4j.api.backend.ParameterScope;
import org.mtl4j.api.backend.TrainingStep;
import org.mtl4j.backend.dl4j.internal.model.SparseGradientVector;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.backend.dl4j.internal.model.Dl4jModel;
import org.mtl4j.backend.dl4j.internal.nn.Mat;

/** Per-task gradients: T backward passes into caller buffers, whose weighted sum is the one-pass gradient. */
class TaskGradientsTest {

    static Stream<Arguments> cases() {
        return Fixtures.topologies().stream().flatMap(t -> Stream.of(Arguments.of(t, ParameterScope.SHARED),
                Arguments.of(t, ParameterScope.LAST_SHARED_LAYER)));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void weightedTaskGradientsSumToTheFullGradient(Topology topology, ParameterScope scope) {
        ModelSpec spec = Fixtures.spec(topology, Fixtures.mixedTasks(), OptimizerSpec.adam(1e-3));
        Dl4jModel model = (Dl4jModel) Fixtures.compile(spec);
        Batch batch = Fixtures.batch(spec, 20, 5, 4);
        double[] w = {0.9, 1.7, 0.4, 1.1};
        int n = (int) model.gradients().length();

        TrainingStep once = model.step(batch);
        once.backward(w);
        float[] full = Mat.of(model.gradients()).get(new float[n]);
        // the whole shared gradient in the vectors' element order (dense parameters, then each table's rows)
        double[] sharedOnce = once.sharedGradient().toArray();

        TrainingStep step = model.step(batch);
        List<GradientVector> buffers = List.of(step.newGradient(), step.newGradient(), step.newGradient(), step.newGradient());
        long passes = model.backwardPasses();
        step.taskGradients(buffers);
        assertThat(model.backwardPasses() - passes).isEqualTo(4); // T passes, whatever the scope
        // the gradient buffer is not a side effect: it holds zeros until setGradient writes it
        float[] untouched = Mat.of(model.gradients()).get(new float[n]);
        for (float f : untouched) {
            assertThat(f).isZero();
        }
        List<GradientVector> per = buffers.stream().map(b -> step.view(b, scope)).toList();
        long shared = model.sharedLength();
        int expected = per.get(0).length();
        // the dense part of the shared gradient (tables keep their rows apart, after it in element order)
        int denseShared = ((SparseGradientVector) step.view(buffers.get(0), ParameterScope.SHARED)).dense().length();
        int lo = scope == ParameterScope.SHARED ? 0 : denseShared - expected;
        if (scope == ParameterScope.SHARED) {
            assertThat(expected).isEqualTo((int) shared);
        } else {
            // a slice at the end of the SHARED view's dense part: the same numbers, not another set of passes
            for (int k = 0; k < 4; k++) {
                double[] all = ((SparseGradientVector) step.view(buffers.get(k), ParameterScope.SHARED)).dense().toArray();
                assertThat(per.get(k).toArray()).containsExactly(java.util.Arrays.copyOfRange(all, lo, denseShared));
            }
        }
        for (GradientVector v : per) {
            assertThat(v.length()).isEqualTo(expected);
        }
        if (topology instanceof Topology.Independent) {
            assertThat(shared).isZero();
        } else {
            assertThat(expected).isPositive();
            double[] sum = new double[expected];
            for (int k = 0; k < 4; k++) {
                double[] g = per.get(k).toArray();
                for (int i = 0; i < expected; i++) {
                    sum[i] += w[k] * g[i];
                }
            }
            double[] ref = new double[expected];
            for (int i = 0; i < expected; i++) {
                // the last shared layer is dense and at the end of the shared prefix in both orders
                ref[i] = scope == ParameterScope.SHARED ? sharedOnce[i] : full[(int) shared - expected + i]; // parameter layout
            }
            double scale = 0;
            for (int i = 0; i < expected; i++) {
                scale = Math.max(scale, Math.abs(ref[i]));
            }
            assertThat(scale).isPositive();
            for (int i = 0; i < expected; i++) {
                assertThat(sum[i]).as("shared %d", lo + i).isCloseTo(ref[i], within(1e-5 * scale + 1e-7));
            }
        }
        // the explicit write-back of the weighted per-task gradients is what backward() gives, towers included
        step.setGradient(w, buffers);
        float[] buffer = Mat.of(model.gradients()).get(new float[n]);
        double scale = 0;
        for (float f : full) {
            scale = Math.max(scale, Math.abs(f));
        }
        for (int i = 0; i < n; i++) {
            assertThat((double) buffer[i]).as("buffer %d", i).isCloseTo(full[i], within(1e-5 * scale + 1e-7));
        }
        assertThat(step.sharedGradient().length()).isEqualTo((int) shared);
    }
}
