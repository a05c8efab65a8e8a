package org.mtl4j.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/** Each kernel's derivative against central differences of its value, and values against hand-computed ones. */
class LossKernelsTest {
    private static final double H = 1e-6;

    private static double fd(DoubleUnaryOperator f, double x) {
        return (f.applyAsDouble(x + H) - f.applyAsDouble(x - H)) / (2 * H);
    }

    @Test
    void derivativesMatchFiniteDifferences() {
        for (double z : new double[] {-7.5, -1.2, -0.3, 0.4, 2.2, 9.0}) {
            for (double y : new double[] {0, 0.3, 1}) {
                double p = TaskKinds.sigmoid(z);
                assertThat(LossKernels.bceWithLogitGradient(p, y)).isCloseTo(fd(v -> LossKernels.bceWithLogit(v, y), z), within(1e-6));
                assertThat(LossKernels.squaredErrorGradient(z, y)).isCloseTo(fd(v -> LossKernels.squaredError(v, y), z), within(1e-5));
                assertThat(LossKernels.huberGradient(z, y)).isCloseTo(fd(v -> LossKernels.huber(v, y), z), within(1e-6));
                if (p > 1e-3 && p < 1 - 1e-3) {
                    assertThat(LossKernels.bceGradient(p, y)).isCloseTo(fd(v -> LossKernels.bce(v, y), p), within(1e-4));
                }
            }
        }
        // softmax cross-entropy over three classes, label 1
        double[] zs = {0.3, -1.1, 2.0};
        for (int j = 0; j < 3; j++) {
            int jj = j;
            DoubleUnaryOperator ce = v -> {
                double[] c = zs.clone();
                c[jj] = v;
                double max = Math.max(c[0], Math.max(c[1], c[2]));
                double lse = max + Math.log(Math.exp(c[0] - max) + Math.exp(c[1] - max) + Math.exp(c[2] - max));
                return LossKernels.softmaxCrossEntropy(lse, c[1]);
            };
            double[] sm = zs.clone();
            TaskKinds.softmaxRow(sm, 0, 3);
            assertThat(LossKernels.softmaxCrossEntropyGradient(sm[j], j == 1)).isCloseTo(fd(ce, zs[j]), within(1e-6));
        }
    }

    @Test
    void valuesAreTheTextbookOnes() {
        assertThat(LossKernels.bceWithLogit(0, 1)).isCloseTo(Math.log(2), within(1e-15));
        assertThat(LossKernels.bceWithLogit(50, 0)).isCloseTo(50, within(1e-12)); // stable far from 0
        assertThat(LossKernels.bce(0.25, 1)).isCloseTo(-Math.log(0.25), within(1e-15));
        assertThat(LossKernels.bce(0, 1)).isCloseTo(-Math.log(LossKernels.EPS), within(1e-9)); // clipped
        assertThat(LossKernels.huber(3, 0.5)).isEqualTo(2.0);
        assertThat(LossKernels.huber(1, 0.5)).isEqualTo(0.125);
        assertThat(LossKernels.squaredError(3, 1)).isEqualTo(4.0);
        assertThat(LossKernels.crossEntropy(0.5)).isCloseTo(Math.log(2), within(1e-15));
    }
}
