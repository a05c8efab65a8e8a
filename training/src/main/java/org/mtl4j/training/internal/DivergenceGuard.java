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

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3g", v);
    }
}
