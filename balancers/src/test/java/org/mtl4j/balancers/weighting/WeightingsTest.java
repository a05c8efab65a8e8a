package org.mtl4j.balancers.weighting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.backend.GradientVector;
import org.mtl4j.api.balance.LossWeighting;
import org.mtl4j.api.balance.WeightingContext;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.balancers.Balancers;
import org.mtl4j.balancers.TestVectors;

class WeightingsTest {
    private static final List<TaskSpec> CTR_CVR = List.of(TaskSpec.binary("ctr", "click"),
            TaskSpec.binary("cvr", "conversion").withWeight(0.5));

    private static LossWeighting create(String name, Map<String, Double> params, List<TaskSpec> tasks) {
        return Balancers.lossWeightings().get(name).create(TestVectors.ctx(name, params, tasks));
    }

    private static WeightingContext step(long step, int epoch, double[] losses, int... labelled) {
        return new WeightingContext(step, epoch, losses, labelled);
    }

    @Test
    void equalIsOneForEveryTask() {
        LossWeighting w = create("equal", Map.of(), TestVectors.tasks(3));
        assertThat(w.weights(step(0, 0, new double[] {5, 1, 0}, 10, 10, 0))).containsExactly(1, 1, 1);
    }

    @Test
    void fixedReadsWeightsByTaskNameWithTheTaskSpecWeightAsDefault() {
        LossWeighting w = create("fixed", Map.of("ctr", 2.0), CTR_CVR);
        assertThat(w.weights(step(0, 0, new double[] {1, 1}, 1, 1))).containsExactly(2.0, 0.5);
        assertThatThrownBy(() -> create("fixed", Map.of("ctrr", 2.0), CTR_CVR)).isInstanceOf(MtlException.class)
                .hasMessage("loss weighting 'fixed': parameter 'ctrr' = 2.0 is not a task of the model (known tasks: ctr, cvr)");
        assertThatThrownBy(() -> create("fixed", Map.of("ctr", -1.0), CTR_CVR))
                .hasMessage("loss weighting 'fixed': parameter 'ctr' must be >= 0.0, found -1.0");
    }

    @Test
    void scheduleFollowsPleEquationTen() {
        LossWeighting w = create("schedule", Map.of("gamma", 0.9, "gamma.cvr", 0.5), CTR_CVR);
        assertThat(w.weights(step(0, 0, new double[] {1, 1}, 1, 1))).containsExactly(new double[] {1, 0.5}, within(1e-15));
        // epoch 3: 1 * 0.9^3 and 0.5 * 0.5^3
        assertThat(w.weights(step(99, 3, new double[] {1, 1}, 1, 1))).containsExactly(new double[] {0.729, 0.0625}, within(1e-15));
        assertThatThrownBy(() -> create("schedule", Map.of("gamma.ctcvr", 0.5), CTR_CVR))
                .hasMessage("loss weighting 'schedule': parameter 'gamma.ctcvr' names task \"ctcvr\", which is not a task of the model"
                        + " (known: ctr, cvr)");
        assertThatThrownBy(() -> create("schedule", Map.of("gama", 0.5), CTR_CVR))
                .hasMessage("loss weighting 'schedule': unknown parameter 'gama' = 0.5 (known: gamma, gamma.<task>)");
    }

    @Test
    void dwaIsEqualForTwoEpochsThenTheSoftmaxOfLossRatios() {
        LossWeighting w = create("dwa", Map.of(), CTR_CVR);
        double[] l = {0.7, 0.3};
        assertThat(w.weights(step(0, 0, l, 5, 5))).containsExactly(1, 1);
        w.onEpochEnd(0, new double[] {1, 1});
        assertThat(w.weights(step(10, 1, l, 5, 5))).containsExactly(1, 1);
        w.onEpochEnd(1, new double[] {0.5, 0.9});
        // r = (0.5, 0.9), T = 2: w1 = 2 e^{0.25} / (e^{0.25} + e^{0.45}) = 2 / (1 + e^{0.2})
        double w1 = 2 / (1 + Math.exp(0.2));
        assertThat(w1).isCloseTo(0.900332, within(1e-6));
        assertThat(w.weights(step(20, 2, l, 5, 5))).containsExactly(new double[] {w1, 2 - w1}, within(1e-14));
        // an epoch where cvr had no labels (NaN mean) counts as ratio 1 and does not poison later epochs
        w.onEpochEnd(2, new double[] {0.25, Double.NaN});
        // r = (0.5, 1): w1 = 2 / (1 + e^{0.25})
        assertThat(w.weights(step(30, 3, l, 5, 5))).containsExactly(new double[] {2 / (1 + Math.exp(0.25)), 2 - 2 / (1 + Math.exp(0.25))},
                within(1e-14));
    }

    @Test
    void dwaTemperatureIsRead() {
        LossWeighting w = create("dwa", Map.of("temperature", 1.0), CTR_CVR);
        w.onEpochEnd(0, new double[] {1, 1});
        w.onEpochEnd(1, new double[] {0.5, 0.9});
        double w1 = 2 / (1 + Math.exp(0.4));
        assertThat(w.weights(step(20, 2, new double[] {1, 1}, 5, 5))).containsExactly(new double[] {w1, 2 - w1}, within(1e-14));
    }

    @Test
    void rlwDrawsTTimesTheSoftmaxOfStandardNormalsSeeded() {
        LossWeighting w = create("rlw", Map.of(), TestVectors.tasks(3));
        Random same = new Random(7L); // the context's seed
        double[] sum = new double[3];
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            double[] x = w.weights(step(i, 0, new double[3], 1, 1, 1));
            double z0 = same.nextGaussian();
            double z1 = same.nextGaussian();
            double z2 = same.nextGaussian();
            double den = Math.exp(z0) + Math.exp(z1) + Math.exp(z2);
            assertThat(x).containsExactly(new double[] {3 * Math.exp(z0) / den, 3 * Math.exp(z1) / den, 3 * Math.exp(z2) / den},
                    within(1e-12));
            for (int k = 0; k < 3; k++) {
                sum[k] += x[k] / n;
            }
        }
        // symmetric law: every task's mean weight is 1
        assertThat(sum).containsExactly(new double[] {1, 1, 1}, within(0.02));
    }

    @Test
    void uncertaintyLearnsTheResidualVarianceOfARegressionTask() {
        // a regression stream with noise sigma = 2 (residual variance 4), batches of 64: the loss handed over is
        // the batch MSE. Fixed point for c = 1/2: exp(s) = 2 c E[MSE] = E[MSE] = 4.
        // A binary task with a constant loss 0.35: c = 1, exp(s) = 2 * 0.35 = 0.7.
        List<TaskSpec> tasks = List.of(TaskSpec.regression("price", "y"), TaskSpec.binary("click", "c"));
        UncertaintyWeighting w = (UncertaintyWeighting) create("uncertainty", Map.of(), tasks);
        Random rng = new Random(1);
        double meanVariance = 0;
        double meanClass = 0;
        int steps = 6000;
        int tail = 2000;
        for (int s = 0; s < steps; s++) {
            double mse = 0;
            for (int i = 0; i < 64; i++) {
                double r = 2 * rng.nextGaussian();
                mse += r * r / 64;
            }
            double[] weights = w.weights(step(s, 0, new double[] {mse, 0.35}, 64, 64));
            assertThat(weights[0]).isPositive().isFinite();
            if (s >= steps - tail) {
                meanVariance += Math.exp(w.logVariances()[0]) / tail;
                meanClass += Math.exp(w.logVariances()[1]) / tail;
            }
        }
        assertThat(meanVariance).isCloseTo(4.0, within(0.4));
        assertThat(meanClass).isCloseTo(0.7, within(0.07));
        // the weight handed over is c exp(-s): 1/2 / 4 for the regression task
        double[] now = w.weights(step(steps, 0, new double[] {4, 0.35}, 0, 0));
        assertThat(now[0]).isCloseTo(0.125, within(0.0125));
        assertThat(w.state()).containsOnlyKeys("logVariance.price", "logVariance.click");
    }

    @Test
    void uncertaintyIgnoresTasksWithoutLabels() {
        UncertaintyWeighting w = (UncertaintyWeighting) create("uncertainty", Map.of("lr", 0.1), CTR_CVR);
        w.weights(step(0, 0, new double[] {0.7, 0.0}, 32, 0));
        w.weights(step(1, 0, new double[] {0.7, Double.NaN}, 32, 0));
        assertThat(w.logVariances()[1]).isZero();
        assertThat(w.logVariances()[0]).isNotZero();
        // first weights: c exp(0) = 1 for binary tasks
        assertThat(create("uncertainty", Map.of(), CTR_CVR).weights(step(0, 0, new double[] {1, 1}, 1, 1))).containsExactly(1, 1);
    }

    @Test
    void gradnormMovesWeightTowardTheSlowerLearningTask() {
        LossWeighting w = create("gradnorm", Map.of(), CTR_CVR);
        assertThat(w.needsTaskGradients()).isTrue();
        List<GradientVector> grads = TestVectors.list(new double[] {1, 0}, new double[] {0, 1});
        double[] last = null;
        for (int s = 0; s < 200; s++) {
            // ctr's loss falls fast, cvr's stays: cvr trains slower (r_cvr > 1), so its target norm is larger
            WeightingContext ctx = step(s, 0, new double[] {Math.exp(-0.01 * s), 1.0}, 16, 16);
            last = w.weights(ctx);
            w.afterBackward(ctx, last, grads);
        }
        double[] now = w.weights(step(200, 0, new double[] {1, 1}, 1, 1));
        assertThat(now[1]).isGreaterThan(1.2);
        assertThat(now[0]).isLessThan(0.8);
        assertThat(now[0] + now[1]).isCloseTo(2, within(1e-12));
    }

    @Test
    void gradnormEqualisesWeightedGradientNormsWhenTasksTrainAlike() {
        // equal loss ratios: target = mean G for both; G_k = w_k |g_k| equal at w = (1.6, 0.4) for norms 1 and 4
        LossWeighting w = create("gradnorm", Map.of("lr", 0.01), CTR_CVR);
        List<GradientVector> grads = TestVectors.list(new double[] {1, 0}, new double[] {0, 4});
        double[] mean = new double[2];
        for (int s = 0; s < 3000; s++) {
            WeightingContext ctx = step(s, 0, new double[] {0.5, 0.5}, 16, 16);
            double[] used = w.weights(ctx);
            w.afterBackward(ctx, used, grads);
            if (s >= 2500) {
                mean[0] += used[0] / 500;
                mean[1] += used[1] / 500;
            }
        }
        assertThat(mean).containsExactly(new double[] {1.6, 0.4}, within(0.05));
    }

    @Test
    void gradnormLeavesATaskWithoutLabelsAlone() {
        LossWeighting w = create("gradnorm", Map.of("lr", 0.1), TestVectors.tasks(3));
        List<GradientVector> grads = TestVectors.list(new double[] {1, 0}, new double[] {0, 3}, new double[] {0, 0});
        for (int s = 0; s < 20; s++) {
            WeightingContext ctx = step(s, 0, new double[] {1.0 / (s + 1), 1.0, 0.0}, 8, 8, 0);
            w.afterBackward(ctx, w.weights(ctx), grads);
        }
        double[] now = w.weights(step(20, 0, new double[] {1, 1, 1}, 1, 1, 1));
        assertThat(now[2]).isEqualTo(1.0);
        assertThat(now[0] + now[1] + now[2]).isCloseTo(3, within(1e-12));
        assertThat(now[0]).isNotCloseTo(1.0, within(0.1));
        for (double x : now) {
            assertThat(x).isPositive().isFinite();
        }
    }

    @Test
    void uncertaintyRebalancesALossScaledByAThousand() {
        // at the fixed point every weighted loss c_k e^{-s_k} L_k is 1/2, whatever the scale of L_k
        // (s must travel to log 1000 = 6.9 while Adam's second moment remembers the huge first gradients)
        LossWeighting w = create("uncertainty", Map.of(), CTR_CVR);
        double[] last = null;
        for (int s = 0; s < 20_000; s++) {
            last = w.weights(step(s, 0, new double[] {500, 0.5}, 32, 32));
        }
        assertThat(last[0] * 500).isCloseTo(0.5, within(0.05));
        assertThat(last[1] * 0.5).isCloseTo(0.5, within(0.05));
    }

    @Test
    void gradnormRebalancesAGradientScaledByAThousand() {
        // equal training rates, gradient norms 1000 and 1: the weighted norms w_k |g_k| are equalised, to within
        // the resolution of Adam's absolute steps on w (w_ctr ~ 0.002 against steps of lr = 0.025)
        LossWeighting w = create("gradnorm", Map.of(), CTR_CVR);
        List<GradientVector> grads = TestVectors.list(new double[] {1000, 0}, new double[] {0, 1});
        double[] mean = new double[2];
        for (int s = 0; s < 2000; s++) {
            WeightingContext ctx = step(s, 0, new double[] {500 * Math.exp(-1e-4 * s), 0.5 * Math.exp(-1e-4 * s)}, 16, 16);
            double[] used = w.weights(ctx);
            w.afterBackward(ctx, used, grads);
            if (s >= 1000) {
                mean[0] += used[0] / 1000;
                mean[1] += used[1] / 1000;
            }
        }
        assertThat(mean[0] * 1000 / mean[1]).isBetween(0.5, 2.0);
    }
}
