package org.mtl4j.training.internal;

import java.util.List;
import java.util.Locale;
import org.mtl4j.api.train.TrainingDivergedException;

/**
 * Divergence beyond NaN and infinity. A learning rate of 1e6 drove a binary task's loss to 1.5e24
 * and its outputs to saturation without a single non-finite value, and the run ended "fine" with a
 * constant model; regression labels near 1e30 gave losses of 1e60. Per task this keeps the mean loss
 * of its first {@value #WARMUP} labelled steps and an exponential moving average (alpha
 * {@value #ALPHA}) of the loss after them, and calls the run diverged when
 * <ul>
 *   <li>a loss exceeds {@value #MAX_LOSS} (no loss of a sensible target scale gets there; the values
 *       lose all precision in float32 parameters), or</li>
 *   <li>the moving average exceeds {@value #RISE} times the starting level (floored at
 *       {@value #FLOOR}): training that works lowers a loss, one that explodes raises it by orders
 *       of magnitude within a few steps.</li>
 * </ul>
 * The task whose loss rose most relative to its start is also what {@link #worst} reports when a
 * gradient is non-finite in several tasks at once (with SGD every task's gradient blows up in the
 * same step, and the first tower in parameter order is not the culprit).
 */
public final class DivergenceGuard {
    public static final double MAX_LOSS = 1e15;
    public static final double RISE = 1e3;
    public static final double FLOOR = 1e-2;
    public static final int WARMUP = 10;
    static final double ALPHA = 0.2;

    private final List<String> tasks;
    private final double[] startSum;
    private final int[] startSteps;
    private final double[] ema;
    private final double[] last;

    public DivergenceGuard(List<String> tasks) {
        this.tasks = List.copyOf(tasks);
        int n = tasks.size();
        startSum = new double[n];
        startSteps = new int[n];
        ema = new double[n];
        last = new double[n];
        java.util.Arrays.fill(ema, Double.NaN);
        java.util.Arrays.fill(last, Double.NaN);
    }

    /** Checks one step's (finite) per-task losses; tasks without labels in the batch are skipped. */
    public void check(double[] losses, int[] labelled, long step) {
        for (int k = 0; k < tasks.size(); k++) {
            if (labelled[k] <= 0) {
                continue;
            }
            double l = losses[k];
            last[k] = l;
            if (Math.abs(l) > MAX_LOSS) {
                throw new TrainingDivergedException(tasks.get(k), step, "loss of task '" + tasks.get(k) + "' is "
                        + fmt(l) + ", beyond " + fmt(MAX_LOSS) + " (labels far out of scale, or a learning rate far too "
                        + "high)", null);
            }
            if (startSteps[k] < WARMUP) {
                startSum[k] += l;
                startSteps[k]++;
                continue;
            }
            ema[k] = Double.isNaN(ema[k]) ? l : ALPHA * l + (1 - ALPHA) * ema[k];
            double start = Math.max(FLOOR, startSum[k] / startSteps[k]);
            if (ema[k] > RISE * start) {
                throw new TrainingDivergedException(tasks.get(k), step, "loss of task '" + tasks.get(k) + "' rose to "
                        + fmt(l) + " (moving average " + fmt(ema[k]) + "), more than " + fmt(RISE) + " times its level over "
                        + "the first " + WARMUP + " steps (" + fmt(startSum[k] / startSteps[k]) + ")", null);
            }
        }
    }

    /**
     * Of {@code candidates} (task indices), the task whose latest loss is highest relative to its
     * starting level; the first candidate when nothing is known yet.
     */
    public String worst(List<Integer> candidates) {
        int best = candidates.get(0);
        double bestRatio = Double.NEGATIVE_INFINITY;
        for (int k : candidates) {
            double start = startSteps[k] == 0 ? Double.NaN : Math.max(FLOOR, startSum[k] / startSteps[k]);
            double r = last[k] / start;
            if (!Double.isNaN(r) && r > bestRatio) {
                bestRatio = r;
                best = k;
            }
        }
        return tasks.get(best);
    }

    /** An output this close to 0 or 1 (or a class probability this close to 1) is saturated. */
    public static final double SATURATED = 1e-6;

    /**
     * Saturated outputs: a binary task whose every labelled row of a batch holding both labels is
     * predicted within {@value #SATURATED} of 0 (or of 1), or a multiclass task whose every row puts
     * all its mass on one class while the labels hold two. Such a model predicts a constant; a
     * cross-entropy clamped near 0 hides it when positives are rare (a learning rate of 1e6 ended
     * with AUC 0.5 and a finite loss). Checked once per epoch on its last batch.
     */
    public void checkOutputs(org.mtl4j.api.backend.Predictions p, org.mtl4j.api.data.Batch b,
            List<org.mtl4j.api.spec.TaskSpec> specs, long step) {
        for (org.mtl4j.api.spec.TaskSpec t : specs) {
            if (!b.hasLabels(t.name()) || !p.outputs().containsKey(t.name())) {
                continue;
            }
            float[] y = b.labels(t.name());
            float[] m = b.mask(t.name());
            float[] out = p.output(t.name());
            if (t.kind() == org.mtl4j.api.spec.TaskKind.BINARY) {
                boolean pos = false;
                boolean neg = false;
                boolean allLow = true;
                boolean allHigh = true;
                int rows = 0;
                for (int i = 0; i < y.length; i++) {
                    if (m[i] <= 0) {
                        continue;
                    }
                    rows++;
                    pos |= y[i] > 0.5f;
                    neg |= y[i] <= 0.5f;
                    allLow &= out[i] <= SATURATED;
                    allHigh &= out[i] >= 1 - SATURATED;
                }
                if (pos && neg && (allLow || allHigh)) {
                    throw new TrainingDivergedException(t.name(), step, "outputs of task '" + t.name() + "' are saturated: "
                            + "all " + rows + " labelled rows of a batch with both labels are predicted "
                            + (allLow ? "at most " + fmt(SATURATED) : "at least 1 - " + fmt(SATURATED))
                            + " (the model predicts a constant; a learning rate far too high?)", null);
                }
            } else if (t.kind() == org.mtl4j.api.spec.TaskKind.MULTICLASS && t.numClasses() > 1) {
                int k = t.numClasses();
                int cls = -1;
                boolean same = true;
                java.util.Set<Integer> labels = new java.util.HashSet<>();
                for (int i = 0; i < y.length && same && (long) (i + 1) * k <= out.length; i++) {
                    if (m[i] <= 0) {
                        continue;
                    }
                    labels.add((int) y[i]);
                    int arg = -1;
                    for (int c = 0; c < k; c++) {
                        if (out[i * k + c] >= 1 - SATURATED) {
                            arg = c;
                        }
                    }
                    same = arg >= 0 && (cls < 0 || cls == arg);
                    cls = arg;
                }
                if (same && cls >= 0 && labels.size() > 1) {
                    throw new TrainingDivergedException(t.name(), step, "outputs of task '" + t.name() + "' are saturated: "
                            + "every labelled row of a batch with " + labels.size() + " classes is predicted class " + cls
                            + " with probability at least 1 - " + fmt(SATURATED) + " (the model predicts a constant)", null);
                }
            }
        }
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3g", v);
    }
}
