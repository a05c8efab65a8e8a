package org.mtl4j.backend.dl4j.internal.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A dense layer starts as PyTorch's {@code nn.Linear}: weight and bias uniform in
 * +-1/sqrt(fan-in of the layer) (He et al. 2015's uniform init with a = sqrt(5)), drawn in
 * declaration order from the store's seeded stream.
 */
class DenseInitTest {

    @Test
    void weightAndBiasAreUniformOverTheLayersFanIn() {
        ParamStore store = new ParamStore();
        Dense layer = new Dense(store, "d", 4, 3, Dense.Activation.RELU, true, Param.SHARED, false);
        store.allocate(7);
        List<Param> p = layer.params();
        // by hand: fan-in 4, so both draw (2u - 1) * 0.5, the 12 weights first, then the 3 biases
        Random r = new Random(7);
        float[] w = new float[12];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) ((r.nextDouble() * 2 - 1) * 0.5);
        }
        float[] b = new float[3];
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) ((r.nextDouble() * 2 - 1) * 0.5);
        }
        assertThat(p.get(0).name()).isEqualTo("d.W");
        assertThat(p.get(0).value().dup().reshape(-1).toFloatVector()).containsExactly(w);
        assertThat(p.get(1).name()).isEqualTo("d.b");
        assertThat(p.get(1).initFanIn()).isEqualTo(4);
        assertThat(p.get(1).value().toFloatVector()).containsExactly(b);
    }

    @Test
    void theBiasUsesTheLayersFanInNotItsOwnShape() {
        ParamStore store = new ParamStore();
        Dense layer = new Dense(store, "wide", 400, 50, Dense.Activation.IDENTITY, true, Param.SHARED, false);
        store.allocate(11);
        float[] bias = layer.params().get(1).value().toFloatVector();
        double lim = 1 / Math.sqrt(400);
        double maxAbs = 0;
        for (float v : bias) {
            assertThat(Math.abs(v)).isLessThanOrEqualTo((float) lim);
            maxAbs = Math.max(maxAbs, Math.abs(v));
        }
        // 50 uniform draws: the largest |b| is above 0.8 lim unless all 50 fall in the inner 80 % (p = 0.8^50 ~ 1e-5)
        assertThat(maxAbs).isGreaterThan(0.8 * lim);
        // the weights' fan-in is read from their [out, in] shape as before
        assertThat(layer.params().get(0).initFanIn()).isEqualTo(400);
    }

    @Test
    void aFanInMustBePositive() {
        ParamStore store = new ParamStore();
        Param p = store.declare("x", new long[] {3}, Param.SHARED, Param.Init.FAN_IN_UNIFORM, 3);
        assertThatThrownBy(() -> p.initFanIn(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x")
                .hasMessageContaining("found 0");
    }
}
