package org.mtl4j.api.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The shard reduction against hand-computed whole-batch values: two tasks, per-row losses and per-row
 * gradients (1-parameter "models": the gradient of a row is a number), split into unequal shards
 * with unequal label counts, including a shard without any label of task b.
 */
class ShardReductionTest {
    private static final List<String> TASKS = List.of("a", "b");

    @Test
    void countWeightedReductionGivesTheWholeBatchsLossesAndGradients() {
        // rows 0..5; task a labelled on every row, task b on rows 3 (loss 10, gradient -4) and 5 (20, 8) only
        double[] lossA = {1, 2, 3, 4, 5, 6};
        double[] gradA = {0.5, -1, 2, 0, 1, 3};
        // shards: rows [0, 2) and [2, 6)
        TaskLosses s0 = new TaskLosses(TASKS, new double[] {(1 + 2) / 2.0, 0}, new int[] {2, 0});
        TaskLosses s1 = new TaskLosses(TASKS, new double[] {(3 + 4 + 5 + 6) / 4.0, (10 + 20) / 2.0}, new int[] {4, 2});
        List<TaskLosses> shards = List.of(s0, s1);

        TaskLosses whole = ShardReduction.losses(shards);
        assertThat(whole.labelled()).containsExactly(6, 2);
        assertThat(whole.losses()[0]).isCloseTo(mean(lossA, 0, 6), offset(1e-12));
        assertThat(whole.losses()[1]).isCloseTo((10 + 20) / 2.0, offset(1e-12));

        double[][] c = ShardReduction.coefficients(shards);
        assertThat(c[0]).containsExactly(2 / 6.0, 0.0);
        assertThat(c[1]).containsExactly(4 / 6.0, 1.0);

        // each shard's per-task gradient is the mean over its own labelled rows
        List<List<ArrayGradientVector>> perShard = List.of(
                List.of(new ArrayGradientVector((0.5 - 1) / 2), new ArrayGradientVector(0)),
                List.of(new ArrayGradientVector((2 + 0 + 1 + 3) / 4.0), new ArrayGradientVector((-4 + 8) / 2.0)));
        List<ArrayGradientVector> out = List.of(ArrayGradientVector.zeros(1), ArrayGradientVector.zeros(1));
        ShardReduction.taskGradients(perShard, c, out);
        assertThat(out.get(0).toArray()[0]).isCloseTo(mean(gradA, 0, 6), offset(1e-12));
        assertThat(out.get(1).toArray()[0]).isCloseTo((-4 + 8) / 2.0, offset(1e-12));

        // a weighted backward pass per shard with w_k c_sk, summed, is the gradient of w_a L_a + w_b L_b
        double[] w = {0.3, 2};
        List<ArrayGradientVector> weighted = List.of(
                new ArrayGradientVector(dot(ShardReduction.shardWeights(w, c, 0), perShard.get(0))),
                new ArrayGradientVector(dot(ShardReduction.shardWeights(w, c, 1), perShard.get(1))));
        ArrayGradientVector sum = ArrayGradientVector.zeros(1);
        ShardReduction.sum(weighted, sum);
        assertThat(sum.toArray()[0]).isCloseTo(0.3 * mean(gradA, 0, 6) + 2 * (-4 + 8) / 2.0, offset(1e-12));
    }

    @Test
    void aTaskWithoutLabelsAnywhereKeepsZeroLossAndGradient() {
        TaskLosses s0 = new TaskLosses(TASKS, new double[] {1, 0}, new int[] {3, 0});
        TaskLosses s1 = new TaskLosses(TASKS, new double[] {2, 0}, new int[] {1, 0});
        double[][] c = ShardReduction.coefficients(List.of(s0, s1));
        assertThat(c[0][1]).isZero();
        assertThat(c[1][1]).isZero();
        assertThat(ShardReduction.losses(List.of(s0, s1)).losses()).containsExactly(1.25, 0.0);
    }

    @Test
    void splitGivesContiguousShardsOfAtLeastTheMinimum() {
        assertThat(ShardReduction.split(10, 3, 1)).containsExactly(0, 4, 7, 10);
        assertThat(ShardReduction.split(2048, 2, 32)).containsExactly(0, 1024, 2048);
        assertThat(ShardReduction.split(100, 8, 32)).containsExactly(0, 34, 67, 100);
        assertThat(ShardReduction.split(40, 4, 32)).containsExactly(0, 40);
        assertThat(ShardReduction.split(0, 4, 32)).containsExactly(0, 0);
        assertThatThrownBy(() -> ShardReduction.split(10, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    private static double mean(double[] v, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += v[i];
        }
        return s / (to - from);
    }

    private static double dot(double[] w, List<ArrayGradientVector> g) {
        double s = 0;
        for (int k = 0; k < w.length; k++) {
            s += w[k] * g.get(k).toArray()[0];
        }
        return s;
    }
}
