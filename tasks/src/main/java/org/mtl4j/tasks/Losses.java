package org.mtl4j.tasks;

import org.mtl4j.api.spec.LossKind;
import org.mtl4j.api.spec.TaskSpec;

/**
 * The per-task losses with their gradients with respect to the pre-activation (the logit for
 * binary, the class logits for multiclass, the output for regression), for any backend that does
 * its own arithmetic (the Tribuo backend, the plain-Java test model). The formulas themselves are
 * {@link LossKernels}, which the DL4J backend's heads call too.
 *
 * <p>Every loss is the mean over the task's labelled rows (PLE, Tang et al. RecSys 2020, eq. 9:
 * L_k = (1 / sum_i delta_k^i) sum_i delta_k^i loss_k(y_k^i, yhat_k^i), where delta is the label
 * mask). The gradient is that of the mean, so it is 0 on unlabelled rows and already divided by the
 * labelled count. A task with no labelled row has loss 0 and a zero gradient.
 */
public final class Losses {
    /** Probabilities are clipped into [EPS, 1 - EPS] before a log (evaluation from outputs). */
    public static final double EPS = LossKernels.EPS;
    /** The Huber loss's delta. */
    public static final double HUBER_DELTA = LossKernels.HUBER_DELTA;

    private Losses() {
    }

    /**
     * A loss value with its gradient.
     *
     * @param loss the mean loss over labelled rows
     * @param labelled the number of labelled rows it averaged
     * @param gradient d loss / d pre-activation, same layout as the input (rows x width)
     */
    public record Value(double loss, int labelled, double[] gradient) {
    }

    /** The loss of a task (its {@link TaskSpec#loss()}) from pre-activations, rows x {@code outputWidth()}. */
    public static Value of(TaskSpec task, double[] preActivation, float[] labels, float[] mask) {
        return of(task.loss(), task.outputWidth(), preActivation, labels, mask);
    }

    /** The loss of a kind; {@code width} is the number of classes for cross-entropy, else 1. */
    public static Value of(LossKind loss, int width, double[] preActivation, float[] labels, float[] mask) {
        return switch (loss) {
            case BCE -> bce(preActivation, labels, mask);
            case CROSS_ENTROPY -> softmaxCrossEntropy(preActivation, width, labels, mask);
            case MSE -> mse(preActivation, labels, mask);
            case HUBER -> huber(preActivation, labels, mask);
        };
    }

    /**
     * Binary cross-entropy from logits, computed stably as max(z, 0) - z y + log(1 + e^-|z|); its
     * gradient is sigmoid(z) - y.
     */
    public static Value bce(double[] logits, float[] labels, float[] mask) {
        return pointwise(Pointwise.BCE, logits, labels, mask);
    }

    /**
     * Softmax cross-entropy from class logits (rows x classes): logsumexp(z) - z_y; its gradient is
     * softmax(z) - onehot(y). Labels are class indices.
     */
    public static Value softmaxCrossEntropy(double[] logits, int classes, float[] labels, float[] mask) {
        int rows = logits.length / classes;
        int n = count(rows, labels, mask);
        double[] g = new double[logits.length];
        if (n == 0) {
            return new Value(0, 0, g);
        }
        double sum = 0;
        for (int r = 0; r < rows; r++) {
            if (!labelled(mask, r)) {
                continue;
            }
            int off = r * classes;
            int y = (int) labels[r];
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, logits[off + c]);
            }
            double s = 0;
            for (int c = 0; c < classes; c++) {
                s += Math.exp(logits[off + c] - max);
            }
            double lse = max + Math.log(s);
            sum += LossKernels.softmaxCrossEntropy(lse, logits[off + y]);
            for (int c = 0; c < classes; c++) {
                g[off + c] = LossKernels.softmaxCrossEntropyGradient(Math.exp(logits[off + c] - lse), c == y) / n;
            }
        }
        return new Value(sum / n, n, g);
    }

    /** Mean squared error (y - yhat)^2; gradient 2 (yhat - y). */
    public static Value mse(double[] outputs, float[] labels, float[] mask) {
        return pointwise(Pointwise.MSE, outputs, labels, mask);
    }

    /**
     * Huber loss with delta 1 (Huber 1964): r^2 / 2 for |r| &lt;= 1, else |r| - 1/2; gradient r
     * clipped into [-1, 1].
     */
    public static Value huber(double[] outputs, float[] labels, float[] mask) {
        return pointwise(Pointwise.HUBER, outputs, labels, mask);
    }

    /** A loss of one output and its label, with its derivative in the output. */
    private enum Pointwise {
        BCE {
            @Override
            double loss(double z, double y) {
                return LossKernels.bceWithLogit(z, y);
            }

            @Override
            double grad(double z, double y) {
                return LossKernels.bceWithLogitGradient(TaskKinds.sigmoid(z), y);
            }
        },
        MSE {
            @Override
            double loss(double z, double y) {
                return LossKernels.squaredError(z, y);
            }

            @Override
            double grad(double z, double y) {
                return LossKernels.squaredErrorGradient(z, y);
            }
        },
        HUBER {
            @Override
            double loss(double z, double y) {
                return LossKernels.huber(z, y);
            }

            @Override
            double grad(double z, double y) {
                return LossKernels.huberGradient(z, y);
            }
        };

        abstract double loss(double z, double y);

        abstract double grad(double z, double y);
    }

    /** The mean of a pointwise loss over the labelled rows, with the gradient of that mean. */
    private static Value pointwise(Pointwise f, double[] outputs, float[] labels, float[] mask) {
        int n = count(outputs.length, labels, mask);
        double[] g = new double[outputs.length];
        if (n == 0) {
            return new Value(0, 0, g);
        }
        double sum = 0;
        for (int i = 0; i < outputs.length; i++) {
            if (labelled(mask, i)) {
                sum += f.loss(outputs[i], labels[i]);
                g[i] = f.grad(outputs[i], labels[i]) / n;
            }
        }
        return new Value(sum / n, n, g);
    }

    /**
     * The loss of one row from the model's OUTPUT (after activation: a probability, class
     * probabilities, a value), as evaluation sees it; probabilities are clipped into [EPS, 1 - EPS].
     *
     * @param outputs rows x width outputs
     */
    public static double rowLoss(LossKind loss, int width, float[] outputs, int row, float label) {
        switch (loss) {
            case BCE:
                return LossKernels.bce(outputs[row], label);
            case CROSS_ENTROPY:
                return LossKernels.crossEntropy(outputs[row * width + (int) label]);
            case MSE:
                return LossKernels.squaredError(outputs[row], label);
            case HUBER:
                return LossKernels.huber(outputs[row], label);
            default:
                throw new AssertionError(loss);
        }
    }

    private static boolean labelled(float[] mask, int i) {
        return mask == null || mask[i] > 0;
    }

    private static int count(int rows, float[] labels, float[] mask) {
        if (labels.length != rows) {
            throw new IllegalArgumentException("labels has " + labels.length + " rows but the outputs have " + rows);
        }
        if (mask == null) {
            return rows;
        }
        if (mask.length != rows) {
            throw new IllegalArgumentException("mask has " + mask.length + " rows but the outputs have " + rows);
        }
        int n = 0;
        for (float m : mask) {
            if (m > 0) {
                n++;
            }
        }
        return n;
    }
}
