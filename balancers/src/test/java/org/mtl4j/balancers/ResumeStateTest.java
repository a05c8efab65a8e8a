package org.mtl4j.balancers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.backend.GradientVector;
import org.mtl4j.api.balance.GradientAggregator;
import org.mtl4j.api.balance.LossWeighting;
import org.mtl4j.api.balance.WeightingContext;

/**
 * The trainer checkpoints balancers with Java serialisation: a restored balancer must continue exactly as
 * the original (same random draws, same learned state).
 */
class ResumeStateTest {

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T o) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(buf)) {
            out.writeObject(o);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(buf.toByteArray()))) {
            return (T) in.readObject();
        }
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
            LossWeighting b = roundTrip(a);
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
            GradientAggregator b = roundTrip(a);
            for (int s = 5; s < 10; s++) {
                List<GradientVector> g = TestVectors.random(s, 3, 8);
                assertThat(TestVectors.run(b, g)).as(name).containsExactly(TestVectors.run(a, g));
            }
        }
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
