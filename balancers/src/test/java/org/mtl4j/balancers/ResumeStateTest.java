package org.mtl4j.balancers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.backend.GradientVector;
import org.mtl4j.api.balance.GradientAggregator;
import org.mtl4j.api.balance.LossWeighting;
import org.mtl4j.api.balance.PlainState;
import org.mtl4j.api.balance.Stateful;
import org.mtl4j.api.balance.WeightingContext;

/**
 * The trainer checkpoints balancers as plain data ({@link Stateful}): a fresh balancer restored from a
 * saved state (written and read back in the checkpoint's binary format) must continue exactly as the
 * original (same random draws, same learned state).
 */
class ResumeStateTest {

    /** state -> bytes -> state -> a fresh instance. */
    private static <T extends Stateful> T roundTrip(T original, T fresh) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(buf)) {
            original.saveState().write(out);
        }
        PlainState back;
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(buf.toByteArray()))) {
            back = PlainState.read(in);
        }
        assertThat(back).isEqualTo(original.saveState());
        fresh.restoreState(back);
        assertThat(fresh.saveState()).isEqualTo(original.saveState());
        return fresh;
    }

    @Test
    void everyLossWeightingResumesExactly() throws Exception {
        for (String name : Balancers.lossWeightings().keySet()) {
            LossWeighting a = Balancers.lossWeightings().get(name).create(TestVectors.ctx(name, 3));
            Random rng = new Random(5);
            for (int s = 0; s < 30; s++) {
                drive(a, s, rng);
            }
            a.onEpochEnd(0, new double[] {1, 2, 3});
            a.onEpochEnd(1, new double[] {0.5, 1.9, 2});
            LossWeighting b = roundTrip(a, Balancers.lossWeightings().get(name).create(TestVectors.ctx(name, 3)));
            Random ra = new Random(9);
            Random rb = new Random(9);
            for (int s = 30; s < 40; s++) {
                assertThat(drive(b, s, rb)).as(name).containsExactly(drive(a, s, ra));
            }
        }
    }

    @Test
    void everyAggregatorResumesExactly() throws Exception {
        for (String name : Balancers.gradientAggregators().keySet()) {
            GradientAggregator a = Balancers.gradientAggregators().get(name).create(TestVectors.ctx(name, 3));
            for (int s = 0; s < 5; s++) {
                TestVectors.run(a, TestVectors.random(s, 3, 8));
            }
            GradientAggregator b = roundTrip(a, Balancers.gradientAggregators().get(name).create(TestVectors.ctx(name, 3)));
            for (int s = 5; s < 10; s++) {
                List<GradientVector> g = TestVectors.random(s, 3, 8);
                assertThat(TestVectors.run(b, g)).as(name).containsExactly(TestVectors.run(a, g));
            }
        }
    }

    @Test
    void theStatefulOnesSaveSomething() throws Exception {
        for (String name : List.of("uncertainty", "dwa", "rlw", "gradnorm")) {
            LossWeighting a = Balancers.lossWeightings().get(name).create(TestVectors.ctx(name, 3));
            drive(a, 0, new Random(1));
            assertThat(a.saveState().isEmpty()).as(name).isFalse();
        }
        for (String name : List.of("pcgrad", "gradvac", "graddrop", "mgda", "cagrad")) {
            GradientAggregator a = Balancers.gradientAggregators().get(name).create(TestVectors.ctx(name, 3));
            assertThat(a.saveState().isEmpty()).as(name).isFalse();
        }
    }

    @Test
    void aStateOfAnotherShapeIsRefusedNamingTheField() {
        LossWeighting three = Balancers.lossWeightings().get("uncertainty").create(TestVectors.ctx("uncertainty", 3));
        LossWeighting two = Balancers.lossWeightings().get("uncertainty").create(TestVectors.ctx("uncertainty", 2));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> two.restoreState(three.saveState()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("saved state 'logVariances' has 3 values, expected 2");
    }

    private static double[] drive(LossWeighting w, int s, Random rng) {
        WeightingContext ctx = new WeightingContext(s, 2, new double[] {rng.nextDouble(), 1 + rng.nextDouble(), 2},
                new int[] {8, 8, s % 3 == 0 ? 0 : 8});
        double[] weights = w.weights(ctx);
        if (w.needsTaskGradients()) {
            w.afterBackward(ctx, weights, TestVectors.random(s, 3, 4));
        }
        return weights;
    }
}
