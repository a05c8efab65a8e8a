package org.mtl4j.backend.dl4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.backend.TaskLosses;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.backend.dl4j.internal.model.Dl4jModel;
import org.mtl4j.backend.dl4j.internal.nn.Mat;

/** Label masks: a task's loss is the mean over its labelled rows (PLE eq. 9). */
class MaskTest {
    private final ModelSpec spec = Fixtures.spec(new Topology.Mmoe(3, List.of(5), List.of()), Fixtures.mixedTasks(),
            OptimizerSpec.adam(1e-3));

    private static Batch withLabels(Batch b, String task, float[] labels, float[] mask) {
        Map<String, float[]> l = new HashMap<>(b.labels());
        Map<String, float[]> m = new HashMap<>(b.masks());
        l.put(task, labels);
        m.put(task, mask);
        return new Batch(b.size(), b.features(), l, m, b.extras());
    }

    private static float[] gradient(Dl4jModel model, Batch b, double[] w) {
        model.step(b).backward(w);
        return Mat.of(model.gradients()).get(new float[(int) model.gradients().length()]);
    }

    @Test
    void anUnlabelledRowChangesNothing() {
        Dl4jModel model = (Dl4jModel) Fixtures.compile(spec);
        Batch b = Fixtures.batch(spec, 16, 9, 0);
        double[] w = {1, 1, 1, 1};
        float[] mask = new float[16];
        java.util.Arrays.fill(mask, 1f);
        mask[3] = 0f;
        float[] y = b.labels("rating").clone();
        Batch masked = withLabels(b, "rating", y, mask);
        float[] y2 = y.clone();
        y2[3] = 1e6f; // garbage where there is no label
        Batch garbage = withLabels(b, "rating", y2, mask);

        TaskLosses l1 = model.losses(masked);
        TaskLosses l2 = model.losses(garbage);
        assertThat(l2.losses()).containsExactly(l1.losses());
        assertThat(l1.labelled()[3]).isEqualTo(15);
        assertThat(gradient(model, garbage, w)).containsExactly(gradient(model, masked, w));
        // and the row does count once it is labelled
        assertThat(model.losses(withLabels(b, "rating", y2, b.mask("rating"))).losses()[3]).isGreaterThan(1e4); // Huber: (1e6 - 0.5) / 16 rows
    }

    @Test
    void aTaskWithoutLabelledRowsHasZeroLossAndGradient() {
        Dl4jModel model = (Dl4jModel) Fixtures.compile(spec);
        Batch b = Fixtures.batch(spec, 16, 9, 0);
        Batch none = withLabels(b, "genre", b.labels("genre"), new float[16]);
        TaskLosses l = model.step(none).losses();
        assertThat(l.losses()[2]).isZero();
        assertThat(l.labelled()[2]).isZero();
        assertThat(gradient(model, none, new double[] {1, 1, 5, 1})).containsExactly(gradient(model, none, new double[] {1, 1, 0, 1}));
        // only the genre task: nothing at all
        float[] g = gradient(model, none, new double[] {0, 0, 1, 0});
        for (float x : g) {
            assertThat(x).isZero();
        }
    }

    @Test
    void lossIsTheMeanOverLabelledRows() {
        Dl4jModel model = (Dl4jModel) Fixtures.compile(spec);
        Batch b = Fixtures.batch(spec, 12, 4, 0);
        float[] half = new float[12];
        for (int r = 0; r < 6; r++) {
            half[r] = 1f;
        }
        // rows 6..11 unlabelled: the loss equals the loss of a batch of rows 0..5
        double masked = model.losses(withLabels(b, "rating", b.labels("rating"), half)).loss("rating");
        double[] per = new double[12];
        Map<String, float[]> out = model.predict(b).outputs();
        float[] pred = out.get("rating");
        double sum = 0;
        for (int r = 0; r < 6; r++) {
            double d = pred[r] - b.labels("rating")[r];
            per[r] = Math.abs(d) <= 1 ? 0.5 * d * d : Math.abs(d) - 0.5;
            sum += per[r];
        }
        assertThat(masked).isCloseTo(sum / 6, org.assertj.core.data.Offset.offset(1e-6));
    }
}
