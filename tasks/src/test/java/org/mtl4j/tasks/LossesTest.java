package org.mtl4j.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.spec.LossKind;

class LossesTest {

    @Test
    void bceFromLogitsIsMaskedMeanAndStable() {
        // row 0: ln 2; row 1: 2 + ln(1 + e^-2); row 2 unlabelled
        Losses.Value v = Losses.bce(new double[] {0, 2, -1000}, new float[] {1, 0, 1}, new float[] {1, 1, 0});
        assertThat(v.labelled()).isEqualTo(2);
        assertThat(v.loss()).isCloseTo(1.4100375958, within(1e-9));
        assertThat(v.gradient()).containsExactly(new double[] {-0.25, 0.4403985390, 0}, within(1e-9));
        // huge logits stay finite: the loss is |z| for a confident mistake
        Losses.Value far = Losses.bce(new double[] {1000, -1000}, new float[] {0, 1}, null);
        assertThat(far.loss()).isCloseTo(1000, within(1e-9));
        assertThat(far.gradient()).containsExactly(new double[] {0.5, -0.5}, within(1e-12));
    }

    @Test
    void softmaxCrossEntropyMseHuber() {
        // logsumexp(1, 2, 3) - 3
        assertThat(Losses.softmaxCrossEntropy(new double[] {1, 2, 3}, 3, new float[] {2}, null).loss())
                .isCloseTo(0.4076059644, within(1e-9));
        Losses.Value mse = Losses.mse(new double[] {1, 3}, new float[] {0, 1}, null);
        assertThat(mse.loss()).isCloseTo(2.5, within(1e-12));
        assertThat(mse.gradient()).containsExactly(new double[] {1, 2}, within(1e-12));
        // 0.5 * 0.5^2 = 0.125 and 3 - 0.5 = 2.5
        Losses.Value h = Losses.huber(new double[] {0.5, 3}, new float[] {0, 0}, null);
        assertThat(h.loss()).isCloseTo(1.3125, within(1e-12));
        assertThat(h.gradient()).containsExactly(new double[] {0.25, 0.5}, within(1e-12));
    }

    @Test
    void noLabelledRowContributesNothing() {
        Losses.Value v = Losses.mse(new double[] {1, 2}, new float[] {0, 0}, new float[] {0, 0});
        assertThat(v.loss()).isZero();
        assertThat(v.labelled()).isZero();
        assertThat(v.gradient()).containsOnly(0.0);
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        Random rnd = new Random(7);
        for (LossKind kind : LossKind.values()) {
            int width = kind == LossKind.CROSS_ENTROPY ? 3 : 1;
            int rows = 5;
            double[] z = new double[rows * width];
            float[] y = new float[rows];
            float[] mask = {1, 0, 1, 1, 1};
            for (int i = 0; i < z.length; i++) {
                z[i] = rnd.nextGaussian() * 2;
            }
            for (int r = 0; r < rows; r++) {
                y[r] = switch (kind) {
                    case BCE -> rnd.nextInt(2);
                    case CROSS_ENTROPY -> rnd.nextInt(3);
                    default -> (float) (rnd.nextGaussian() * 2);
                };
            }
            double[] g = Losses.of(kind, width, z, y, mask).gradient();
            for (int i = 0; i < z.length; i++) {
                double h = 1e-6;
                double[] zp = z.clone();
                double[] zm = z.clone();
                zp[i] += h;
                zm[i] -= h;
                double num = (Losses.of(kind, width, zp, y, mask).loss() - Losses.of(kind, width, zm, y, mask).loss()) / (2 * h);
                assertThat(g[i]).as("%s d/dz[%d]", kind, i).isCloseTo(num, within(1e-6));
            }
        }
    }

    @Test
    void rowLossFromOutputsAgreesWithLogitLoss() {
        double z = 0.7;
        float p = (float) TaskKinds.sigmoid(z);
        double fromLogit = Losses.bce(new double[] {z}, new float[] {1}, null).loss();
        assertThat(Losses.rowLoss(LossKind.BCE, 1, new float[] {p}, 0, 1f)).isCloseTo(fromLogit, within(1e-6));
        assertThat(Losses.rowLoss(LossKind.HUBER, 1, new float[] {3f}, 0, 0f)).isCloseTo(2.5, within(1e-12));
    }
}
