package org.mtl4j.tasks.metric;

import org.mtl4j.api.metric.MetricInput;
import org.mtl4j.api.spec.TaskKind;

/**
 * Expected calibration error with {@value #BINS} equal-width bins (Naeini et al., AAAI 2015; Guo et
 * al., ICML 2017, eq. 3): ECE = sum_b (n_b / n) |acc(b) - conf(b)|. For binary tasks the confidence
 * is p and acc(b) the bin's positive rate; for multiclass the confidence is the top probability and
 * acc(b) the bin's accuracy. Bin b holds confidences in [b/10, (b+1)/10), the last bin also 1.0.
 */
public final class Ece extends BaseMetric {
    public static final int BINS = 10;

    public Ece() {
        super("ece", false, TaskKind.BINARY, TaskKind.MULTICLASS);
    }

    @Override
    public double compute(MetricInput in) {
        int n = in.size();
        if (n == 0) {
            return Double.NaN;
        }
        double[] conf = new double[BINS];
        double[] hit = new double[BINS];
        int[] count = new int[BINS];
        for (int i = 0; i < n; i++) {
            double c;
            double a;
            if (in.kind() == TaskKind.MULTICLASS) {
                int top = Ranking.argmax(in.scores(), i, in.numClasses());
                c = in.scores()[i * in.numClasses() + top];
                a = top == (int) in.labels()[i] ? 1 : 0;
            } else {
                c = in.scores()[i];
                a = in.labels()[i];
            }
            int b = Math.max(0, Math.min(BINS - 1, (int) Math.floor(c * BINS)));
            conf[b] += c;
            hit[b] += a;
            count[b]++;
        }
        double ece = 0;
        for (int b = 0; b < BINS; b++) {
            if (count[b] > 0) {
                ece += Math.abs(hit[b] - conf[b]) / n;
            }
        }
        return ece;
    }
}
