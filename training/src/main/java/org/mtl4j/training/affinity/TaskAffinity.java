package org.mtl4j.training.affinity;

import java.util.List;

/**
 * What an {@link AffinityProbe} measured: two T x T matrices over the tasks, in task order.
 *
 * @param tasks the task names, in spec order
 * @param lookahead {@code lookahead[i][j]} = Z(i -&gt; j) = mean over sampled steps of
 *     1 - L_j(theta_s - lr grad_s L_i) / L_j(theta_s) (Fifty et al., NeurIPS 2021, eq. 3): positive when a step
 *     on task i's gradient alone lowers task j's loss on the same batch; the diagonal is each task's own
 *     lookahead gain. NaN where no sampled step labelled task j.
 * @param cosine {@code cosine[i][j]} = mean over sampled steps of cos(grad_s L_i, grad_s L_j) on the shared
 *     parameters (0 on a step where either gradient is zero)
 * @param samples per pair, the number of sampled steps that entered {@code lookahead[i][j]}
 * @param sampledSteps steps on which affinity was measured
 * @param steps training steps of the run (sampled or not)
 * @param lookaheadRate the learning rate of the lookahead step
 * @param meanLosses per task, the mean training loss over the sampled steps (before the lookahead)
 * @param normalStepNanos mean wall time of a normal step (forward, backward, update), 0 if none ran
 * @param sampledStepNanos mean wall time of a sampled step (the affinity work and the update)
 */
public record TaskAffinity(List<String> tasks, double[][] lookahead, double[][] cosine, int[][] samples, int sampledSteps,
        int steps, double lookaheadRate, double[] meanLosses, double normalStepNanos, double sampledStepNanos) {

    public TaskAffinity {
        tasks = List.copyOf(tasks);
        int t = tasks.size();
        lookahead = square("lookahead", lookahead, t);
        cosine = square("cosine", cosine, t);
        if (samples == null || samples.length != t) {
            throw new IllegalArgumentException("affinity samples must be " + t + " x " + t);
        }
        int[][] s = new int[t][];
        for (int i = 0; i < t; i++) {
            if (samples[i].length != t) {
                throw new IllegalArgumentException("affinity samples must be " + t + " x " + t + ", row " + i + " has "
                        + samples[i].length);
            }
            s[i] = samples[i].clone();
        }
        samples = s;
        meanLosses = meanLosses == null ? new double[t] : meanLosses.clone();
    }

    /** A measurement made elsewhere (hand-made matrices in tests, a matrix read back from JSON). */
    public static TaskAffinity of(List<String> tasks, double[][] lookahead, double[][] cosine) {
        int t = tasks.size();
        int[][] samples = new int[t][t];
        return new TaskAffinity(tasks, lookahead, cosine == null ? new double[t][t] : cosine, samples, 0, 0, 0,
                new double[t], 0, 0);
    }

    /** Number of tasks. */
    public int size() {
        return tasks.size();
    }

    /** Z(from -&gt; to) by task name. */
    public double lookahead(String from, String to) {
        return lookahead[index(from)][index(to)];
    }

    /** The mean cosine of two tasks' shared gradients, by task name. */
    public double cosine(String a, String b) {
        return cosine[index(a)][index(b)];
    }

    private int index(String task) {
        int i = tasks.indexOf(task);
        if (i < 0) {
            throw new IllegalArgumentException("unknown task '" + task + "' (known: " + String.join(", ", tasks) + ")");
        }
        return i;
    }

    /** The sampled step's cost relative to a normal step (NaN when either was not timed). */
    public double costRatio() {
        return normalStepNanos > 0 && sampledStepNanos > 0 ? sampledStepNanos / normalStepNanos : Double.NaN;
    }

    private static double[][] square(String what, double[][] m, int t) {
        if (m == null || m.length != t) {
            throw new IllegalArgumentException("affinity " + what + " matrix must be " + t + " x " + t + ", found "
                    + (m == null ? "null" : m.length + " rows"));
        }
        double[][] c = new double[t][];
        for (int i = 0; i < t; i++) {
            if (m[i] == null || m[i].length != t) {
                throw new IllegalArgumentException("affinity " + what + " matrix must be " + t + " x " + t + ", row " + i
                        + " has " + (m[i] == null ? "null" : m[i].length + " columns"));
            }
            c[i] = m[i].clone();
        }
        return c;
    }
}
