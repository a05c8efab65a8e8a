package org.mtl4j.balancers.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ResumableRandomTest {

    @Test
    void drawsWhatJavaUtilRandomDrawsAndResumesMidGaussianPair() {
        Random ref = new Random(42);
        ResumableRandom r = new ResumableRandom(42);
        for (int i = 0; i < 1000; i++) {
            assertThat(r.nextInt(i + 1)).isEqualTo(ref.nextInt(i + 1));
            assertThat(r.nextDouble()).isEqualTo(ref.nextDouble());
            assertThat(r.nextGaussian()).isEqualTo(ref.nextGaussian());
        }
        r.nextGaussian(); // leaves the second of a pair cached
        ref.nextGaussian();
        ResumableRandom copy = new ResumableRandom(7);
        copy.restoreState(r.saveState());
        for (int i = 0; i < 100; i++) {
            double g = ref.nextGaussian();
            assertThat(copy.nextGaussian()).isEqualTo(g);
            assertThat(r.nextGaussian()).isEqualTo(g);
        }
    }
}
