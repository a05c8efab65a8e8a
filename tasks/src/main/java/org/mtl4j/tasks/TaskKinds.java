package org.mtl4j.tasks;

import java.util.List;
import org.mtl4j.api.spec.TaskKind;
import org.mtl4j.api.spec.TaskSpec;

/**
 * What each {@link TaskKind} means: which labels it accepts, its output activation and the metrics
 * reported when a task names none.
 *
 * <table>
 * <caption>Task kinds</caption>
 * <tr><th>kind</th><th>labels</th><th>activation</th><th>default metrics</th></tr>
 * <tr><td>binary</td><td>0 or 1</td><td>sigmoid</td><td>auc, logloss</td></tr>
 * <tr><td>multiclass</td><td>class index 0..n-1</td><td>softmax</td><td>accuracy, logloss</td></tr>
 * <tr><td>regression</td><td>any finite number</td><td>identity</td><td>rmse, mae</td></tr>
 * </table>
 */
public final class TaskKinds {

    /** The output activation of a task kind. */
    public enum Activation {
        /** 1 / (1 + e^-z): a probability for binary tasks. */
        SIGMOID,
        /** e^z_c / sum_j e^z_j over the classes of a row. */
        SOFTMAX,
        /** The pre-activation itself (regression). */
        IDENTITY
    }

    private TaskKinds() {
    }

    /**
     * Checks one label of a task.
     *
     * @return null when the label is valid, else an error text naming the task and the value found,
     *     e.g. {@code label of binary task 'ctr' must be 0 or 1, found 2.0}
     */
    public static String checkLabel(TaskSpec task, float label) {
        switch (task.kind()) {
            case BINARY:
                if (label == 0f || label == 1f) {
                    return null;
                }
                return "label of binary task '" + task.name() + "' must be 0 or 1, found " + label;
            case MULTICLASS:
                if (Float.isFinite(label) && label == Math.rint(label) && label >= 0 && label < task.numClasses()) {
                    return null;
                }
                return "label of multiclass task '" + task.name() + "' must be a class index in 0.."
                        + (task.numClasses() - 1) + ", found " + label;
            case REGRESSION:
                if (Float.isFinite(label)) {
                    return null;
                }
                return "label of regression task '" + task.name() + "' must be a finite number, found " + label;
            default:
                throw new AssertionError(task.kind());
        }
    }

    /** The output activation of a kind: sigmoid, softmax or identity. */
    public static Activation activation(TaskKind kind) {
        return switch (kind) {
            case BINARY -> Activation.SIGMOID;
            case MULTICLASS -> Activation.SOFTMAX;
            case REGRESSION -> Activation.IDENTITY;
        };
    }

    /** Metrics reported for a task of this kind that names none. */
    public static List<String> defaultMetrics(TaskKind kind) {
        return switch (kind) {
            case BINARY -> List.of("auc", "logloss");
            case MULTICLASS -> List.of("accuracy", "logloss");
            case REGRESSION -> List.of("rmse", "mae");
        };
    }

    /** The task's own metric names, or its kind's defaults when it names none. */
    public static List<String> metricsOf(TaskSpec task) {
        return task.metrics().isEmpty() ? defaultMetrics(task.kind()) : task.metrics();
    }

    /** Numerically stable logistic function. */
    public static double sigmoid(double z) {
        if (z >= 0) {
            return 1.0 / (1.0 + Math.exp(-z));
        }
        double e = Math.exp(z);
        return e / (1.0 + e);
    }

    /**
     * Applies a kind's activation to pre-activations in place: {@code z} holds rows x width values
     * (width = classes for multiclass, 1 otherwise).
     */
    public static void activate(TaskKind kind, double[] z, int width) {
        switch (activation(kind)) {
            case SIGMOID:
                for (int i = 0; i < z.length; i++) {
                    z[i] = sigmoid(z[i]);
                }
                break;
            case SOFTMAX:
                for (int r = 0; r < z.length / width; r++) {
                    softmaxRow(z, r * width, width);
                }
                break;
            default:
                break;
        }
    }

    /** In-place softmax of {@code z[off .. off+width)}, shifted by the row maximum for stability. */
    public static void softmaxRow(double[] z, int off, int width) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < width; c++) {
            max = Math.max(max, z[off + c]);
        }
        double sum = 0;
        for (int c = 0; c < width; c++) {
            double e = Math.exp(z[off + c] - max);
            z[off + c] = e;
            sum += e;
        }
        for (int c = 0; c < width; c++) {
            z[off + c] /= sum;
        }
    }
}
