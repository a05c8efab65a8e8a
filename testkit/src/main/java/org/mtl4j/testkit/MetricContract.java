package org.mtl4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.mtl4j.api.metric.Metric;
import org.mtl4j.api.metric.MetricInput;
import org.mtl4j.api.spec.TaskKind;

/**
 * The contract of a {@link Metric}: extend it and implement {@link #metric()} and {@link #kind()}.
 * Perfect predictions score at least as well as noisy ones which score at least as well as
 * adversarial ones (in the metric's own direction); a joint permutation of the rows changes nothing;
 * the value is finite on a well-posed input.
 */
public abstract class MetricContract {

    protected abstract Metric metric();

    /** The task kind exercised (must be supported by the metric). */
    protected abstract TaskKind kind();

    protected int k() {
        return 3;
    }

    private static final int CLASSES = 3;

    /** Runs the whole contract on this metric. */
    @TestFactory
    Stream<DynamicTest> metricContract() {
        return suite(metric(), kind(), k(), ordersByAccuracy());
    }

    /** Whether better predictions give a better value (false for calibration metrics such as ECE). */
    protected boolean ordersByAccuracy() {
        return true;
    }

    /** The contract as dynamic tests, for suites that run it over many metrics. */
    public static Stream<DynamicTest> suite(Metric metric, TaskKind kind, int k) {
        return suite(metric, kind, k, true);
    }

    /**
     * @param ordersByAccuracy false for calibration metrics, which judge confidence against
     *     frequency and need not prefer accurate over inaccurate predictions
     */
    public static Stream<DynamicTest> suite(Metric metric, TaskKind kind, int k, boolean ordersByAccuracy) {
        Checks c = new Checks(metric, kind, k);
        Stream<DynamicTest> base = Stream.of(DynamicTest.dynamicTest("supports " + kind.id(), c::supportsItsKind),
                DynamicTest.dynamicTest("a row permutation changes nothing", c::rowPermutationChangesNothing));
        return ordersByAccuracy ? Stream.concat(base, Stream.of(DynamicTest.dynamicTest(
                "perfect beats noisy beats adversarial", c::perfectBeatsNoisyBeatsAdversarial))) : base;
    }

    private record Checks(Metric metric, TaskKind kind, int k) {

    private MetricInput input(int quality, long seed) {
        Random rng = new Random(seed);
        int n = 200;
        float[] labels = new float[n];
        int width = kind == TaskKind.MULTICLASS ? CLASSES : 1;
        float[] scores = new float[n * width];
        int[] groups = new int[n];
        for (int i = 0; i < n; i++) {
            groups[i] = i % 10;
            switch (kind) {
                case BINARY -> {
                    labels[i] = (i % 3 == 0) ? 1f : 0f;
                    double truth = labels[i];
                    double s = quality == 2 ? 0.1 + 0.8 * truth : quality == 1 ? 0.5 + 0.3 * (truth - 0.5) + 0.3 * rng.nextGaussian() * 0.5 : 0.9 - 0.8 * truth;
                    scores[i] = (float) Math.min(0.99, Math.max(0.01, s));
                }
                case REGRESSION -> {
                    labels[i] = i % 3 == 0 ? 0f : (float) Math.abs(rng.nextGaussian()); // graded relevance >= 0, some irrelevant rows
                    scores[i] = quality == 2 ? labels[i] : quality == 1 ? (float) (labels[i] + 0.5 * rng.nextGaussian()) : -3 * labels[i];
                }
                case MULTICLASS -> {
                    int c = i % CLASSES;
                    labels[i] = c;
                    for (int j = 0; j < CLASSES; j++) {
                        double p = quality == 2 ? (j == c ? 0.9 : 0.05) : quality == 1 ? (j == c ? 0.5 : 0.25) : (j == c ? 0.05 : 0.475);
                        scores[i * CLASSES + j] = (float) p;
                    }
                }
            }
        }
        return new MetricInput(kind, kind == TaskKind.MULTICLASS ? CLASSES : 1, labels, scores, groups, k);
    }

    private double better(double a) {
        return metric.higherIsBetter() ? a : -a;
    }

    void supportsItsKind() {
        assertThat(metric.supports(kind)).isTrue();
        assertThat(metric.name()).isNotBlank();
    }

    void perfectBeatsNoisyBeatsAdversarial() {
        double perfect = metric.compute(input(2, 1));
        double noisy = metric.compute(input(1, 1));
        double adversarial = metric.compute(input(0, 1));
        assertThat(perfect).isFinite();
        assertThat(noisy).isFinite();
        assertThat(adversarial).isFinite();
        assertThat(better(perfect)).isGreaterThanOrEqualTo(better(noisy));
        assertThat(better(noisy)).isGreaterThanOrEqualTo(better(adversarial));
        assertThat(better(perfect)).isGreaterThan(better(adversarial));
    }

    void rowPermutationChangesNothing() {
        MetricInput in = input(1, 5);
        int n = in.size();
        int width = in.scores().length / n;
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = (i * 37 + 11) % n;
        }
        float[] l = new float[n];
        float[] s = new float[n * width];
        int[] g = new int[n];
        for (int i = 0; i < n; i++) {
            l[i] = in.labels()[perm[i]];
            g[i] = in.groups()[perm[i]];
            System.arraycopy(in.scores(), perm[i] * width, s, i * width, width);
        }
        double a = metric.compute(in);
        double b = metric.compute(new MetricInput(in.kind(), in.numClasses(), l, s, g, in.k()));
        assertThat(b).isCloseTo(a, within(1e-9));
    }
    }
}
