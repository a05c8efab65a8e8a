package org.mtl4j.tasks.metric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.mtl4j.api.metric.Metric;
import org.mtl4j.api.metric.MetricInput;
import org.mtl4j.api.spec.TaskKind;
import org.mtl4j.tasks.Metrics;

/** Every built-in metric against values computed by hand (the arithmetic is in the comments). */
class MetricsTest {
    private static final double TOL = 1e-6;

    private static MetricInput binary(float[] labels, float[] scores) {
        return new MetricInput(TaskKind.BINARY, 1, labels, scores, null, 0);
    }

    private static MetricInput grouped(TaskKind kind, float[] labels, float[] scores, int[] groups, int k) {
        return new MetricInput(kind, 1, labels, scores, groups, k);
    }

    private static double m(String name, MetricInput in) {
        return Metrics.resolve(name).compute(in);
    }

    @Test
    void aucCountsTiesAsHalf() {
        // positives {0.9, 0.8, 0.1}, negatives {0.8, 0.3}: pairs won 2 + (1 + 0.5) + 0 = 3.5 of 6
        float[] y = {1, 0, 1, 0, 1};
        float[] p = {0.9f, 0.8f, 0.8f, 0.3f, 0.1f};
        assertThat(m("auc", binary(y, p))).isCloseTo(3.5 / 6, within(TOL));
        // all scores tied: every pair counts 1/2
        assertThat(m("auc", binary(y, new float[] {0.5f, 0.5f, 0.5f, 0.5f, 0.5f}))).isCloseTo(0.5, within(TOL));
        // perfectly reversed ranking
        assertThat(m("auc", binary(new float[] {1, 0}, new float[] {0.1f, 0.9f}))).isCloseTo(0.0, within(TOL));
    }

    @Test
    void aucOfOneClassIsNaN() {
        assertThat(m("auc", binary(new float[] {1, 1}, new float[] {0.2f, 0.3f}))).isNaN();
        assertThat(m("auc", binary(new float[0], new float[0]))).isNaN();
    }

    @Test
    void gaucWeighsUsersByImpressionsAndSkipsSingleClassUsers() {
        // user 7: AUC 1 over 2 rows; user 3: positive 0.3 vs negatives {0.5, 0.1} -> 0.5 over 3 rows;
        // user 9: only positives -> skipped. GAUC = (2 * 1 + 3 * 0.5) / 5 = 0.7
        float[] y = {1, 0, 1, 0, 0, 1, 1};
        float[] p = {0.9f, 0.2f, 0.3f, 0.5f, 0.1f, 0.4f, 0.6f};
        int[] g = {7, 7, 3, 3, 3, 9, 9};
        assertThat(m("gauc", grouped(TaskKind.BINARY, y, p, g, 0))).isCloseTo(0.7, within(TOL));
        assertThat(m("gauc", grouped(TaskKind.BINARY, new float[] {1, 0}, new float[] {0.1f, 0.2f}, new int[] {1, 2}, 0)))
                .isNaN();
    }

    @Test
    void gaucWithoutGroupsNamesTheMissingColumn() {
        Metric gauc = Metrics.resolve("gauc");
        assertThat(gauc.needsGroups()).isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> gauc.compute(binary(new float[] {1}, new float[] {1})))
                .hasMessage("metric 'gauc' needs groups (the user of each row), found none: give the dataset a \"user\" extra column");
    }

    @Test
    void loglossBinaryMulticlassAndClipping() {
        // -(ln 0.8 + ln 0.6) / 2
        assertThat(m("logloss", binary(new float[] {1, 0}, new float[] {0.8f, 0.4f}))).isCloseTo(0.3669845875, within(TOL));
        // p = 0 for a positive is clipped to 1e-7: -ln(1e-7)
        assertThat(m("logloss", binary(new float[] {1}, new float[] {0f}))).isCloseTo(16.1180956510, within(TOL));
        // -(ln 0.7 + ln 0.3) / 2
        MetricInput mc = new MetricInput(TaskKind.MULTICLASS, 3, new float[] {0, 2},
                new float[] {0.7f, 0.2f, 0.1f, 0.1f, 0.6f, 0.3f}, null, 0);
        assertThat(m("logloss", mc)).isCloseTo(0.7803238741, within(TOL));
    }

    @Test
    void rmseAndMae() {
        // residuals 0.5, 0, -2
        MetricInput in = new MetricInput(TaskKind.REGRESSION, 1, new float[] {1, 2, 3}, new float[] {1.5f, 2, 1}, null, 0);
        assertThat(m("rmse", in)).isCloseTo(Math.sqrt(4.25 / 3), within(TOL));
        assertThat(m("mae", in)).isCloseTo(2.5 / 3, within(TOL));
    }

    @Test
    void accuracyBinaryAtHalfAndMulticlassArgmaxFirstOnTies() {
        // predictions 1, 0, 1, 0 against 1, 1, 0, 0
        assertThat(m("accuracy", binary(new float[] {1, 1, 0, 0}, new float[] {0.5f, 0.49f, 0.9f, 0.1f})))
                .isCloseTo(0.5, within(TOL));
        // argmax 1 (right), 0 on a tie with 1 (wrong), 2 (right)
        MetricInput mc = new MetricInput(TaskKind.MULTICLASS, 3, new float[] {1, 1, 2},
                new float[] {0.2f, 0.5f, 0.3f, 0.4f, 0.4f, 0.2f, 0.1f, 0.1f, 0.8f}, null, 0);
        assertThat(m("accuracy", mc)).isCloseTo(2.0 / 3, within(TOL));
    }

    @Test
    void topKAccuracyWithTiesAndKLargerThanClasses() {
        float[] y = {2, 2, 3};
        float[] p = {0.1f, 0.2f, 0.3f, 0.4f, 0.25f, 0.25f, 0.25f, 0.25f, 0.5f, 0.3f, 0.1f, 0.1f};
        // row 0: one class ahead -> hit; row 1: classes 0, 1 tie ahead by index -> miss; row 2: three ahead -> miss
        assertThat(m("top-k-accuracy@2", new MetricInput(TaskKind.MULTICLASS, 4, y, p, null, 0))).isCloseTo(1.0 / 3, within(TOL));
        assertThat(m("top-k-accuracy@3", new MetricInput(TaskKind.MULTICLASS, 4, y, p, null, 0))).isCloseTo(2.0 / 3, within(TOL));
        assertThat(m("top-k-accuracy@5", new MetricInput(TaskKind.MULTICLASS, 4, y, p, null, 0))).isCloseTo(1.0, within(TOL));
        // no @k: k = 5
        assertThat(m("top-k-accuracy", new MetricInput(TaskKind.MULTICLASS, 4, y, p, null, 0))).isCloseTo(1.0, within(TOL));
    }

    @Test
    void ndcgPerUserSkippingUsersWithoutRelevantItems() {
        // user 1: ranked relevances 1,0,1 in the top 3: DCG = 1 + 1/log2(4) = 1.5, IDCG = 1 + 1/log2(3)
        // user 2: nothing relevant -> skipped
        // user 3 (k = 3 > 2 items): ranked gains 0, 2^2-1 = 3: DCG = 3/log2(3), IDCG = 3
        float[] y = {1, 0, 1, 0, 0, 0, 2, 0};
        float[] p = {0.9f, 0.8f, 0.7f, 0.1f, 0.5f, 0.6f, 0.1f, 0.5f};
        int[] g = {1, 1, 1, 1, 2, 2, 3, 3};
        double u1 = 1.5 / (1 + 1 / log2(3));
        double u3 = (3 / log2(3)) / 3;
        assertThat(m("ndcg@3", grouped(TaskKind.REGRESSION, y, p, g, 0))).isCloseTo((u1 + u3) / 2, within(TOL));
        assertThat(m("ndcg@3", grouped(TaskKind.REGRESSION, y, p, g, 0))).isCloseTo(0.7753252714, within(TOL));
    }

    @Test
    void ndcgGivesTiedItemsTheirMeanGain() {
        float[] y = {1, 0};
        float[] p = {0.5f, 0.5f};
        int[] g = {4, 4};
        // k = 1: position 1 gets the tie block's mean gain 0.5; IDCG = 1
        assertThat(m("ndcg@1", grouped(TaskKind.BINARY, y, p, g, 0))).isCloseTo(0.5, within(TOL));
        // k = 2: 0.5 * (1 + 1/log2(3))
        assertThat(m("ndcg@2", grouped(TaskKind.BINARY, y, p, g, 0))).isCloseTo(0.5 * (1 + 1 / log2(3)), within(TOL));
        // no @k: whole list, same as k = 2
        assertThat(m("ndcg", grouped(TaskKind.BINARY, y, p, g, 0))).isCloseTo(0.8154648768, within(TOL));
        // nobody relevant anywhere -> NaN
        assertThat(m("ndcg@2", grouped(TaskKind.BINARY, new float[] {0, 0}, p, g, 0))).isNaN();
    }

    @Test
    void recallPerUserWithTiesAtTheCutOff() {
        // user 1: top 2 = items 0, 1 -> 1 of 2 relevant
        // user 2: items 4, 5 tie at the top, one relevant: k = 1 takes half the block -> 0.5
        // user 3: nothing relevant -> skipped
        float[] y = {1, 0, 1, 0, 1, 0, 0, 0};
        float[] p = {0.9f, 0.8f, 0.7f, 0.1f, 0.5f, 0.5f, 0.1f, 0.2f};
        int[] g = {1, 1, 1, 1, 2, 2, 2, 3};
        assertThat(m("recall@1", grouped(TaskKind.BINARY, y, p, g, 0))).isCloseTo((0.5 + 0.5) / 2, within(TOL));
        assertThat(m("recall@2", grouped(TaskKind.BINARY, y, p, g, 0))).isCloseTo((0.5 + 1.0) / 2, within(TOL));
        assertThat(m("recall@10", grouped(TaskKind.BINARY, y, p, g, 0))).isCloseTo(1.0, within(TOL));
    }

    @Test
    void calibrationIsPredictedOverObserved() {
        assertThat(m("calibration", binary(new float[] {0, 1, 0}, new float[] {0.2f, 0.4f, 0.6f}))).isCloseTo(1.2, within(TOL));
        assertThat(m("calibration", binary(new float[] {0, 0}, new float[] {0.2f, 0.4f}))).isNaN();
    }

    @Test
    void eceUsesTenEqualWidthBins() {
        // bin 0: {0.05 -> 0}: |0 - 0.05|; bin 1: {0.15 -> 1, 0.15 -> 0}: |1 - 0.3|; bin 9: {0.95, 1.0 -> 1, 1}: |2 - 1.95|
        float[] y = {0, 1, 0, 1, 1};
        float[] p = {0.05f, 0.15f, 0.15f, 0.95f, 1.0f};
        assertThat(m("ece", binary(y, p))).isCloseTo((0.05 + 0.7 + 0.05) / 5, within(TOL));
        // multiclass: confidences 0.6 (right) and 0.9 (wrong): (|1 - 0.6| + |0 - 0.9|) / 2
        MetricInput mc = new MetricInput(TaskKind.MULTICLASS, 2, new float[] {0, 1}, new float[] {0.6f, 0.4f, 0.9f, 0.1f}, null, 0);
        assertThat(m("ece", mc)).isCloseTo(0.65, within(TOL));
    }

    @Test
    void directionsAndKinds() {
        assertThat(Metrics.builtIn().keySet()).containsExactly("auc", "gauc", "logloss", "rmse", "mae", "accuracy",
                "top-k-accuracy", "ndcg", "recall", "calibration", "ece");
        assertThat(Metrics.resolve("auc").higherIsBetter()).isTrue();
        assertThat(Metrics.resolve("logloss").higherIsBetter()).isFalse();
        assertThat(Metrics.resolve("auc").supports(TaskKind.REGRESSION)).isFalse();
        assertThat(Metrics.resolve("ndcg@10").needsGroups()).isTrue();
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
