package org.mtl4j.api.spec;

import java.util.List;
import org.mtl4j.api.Checks;

/**
 * One task: what it predicts, where its label comes from, how it is trained and reported.
 *
 * <p>A task {@code chainedAfter} a parent is an ESMM chain (Ma et al., SIGIR 2018): its output is
 * p(parent) x p(own tower), trained on every row with this task's label (e.g. {@code ctcvr =
 * click * conversion}); its own tower's probability (the pCVR) is exposed as the output
 * {@code <name>.conditional}. Whether the checks across tasks hold (the parent exists, no cycles,
 * the chain is binary) is validated by the DSL for the whole model.
 *
 * @param label a column name or a derived-label expression over one column (e.g. {@code rating >= 4})
 * @param numClasses classes of a multiclass task; 1 for binary and regression
 * @param metrics metric names reported for this task (empty: the task kind's defaults)
 * @param weight static loss weight (used by the {@code fixed} weighting and as the schedule's w0)
 * @param auxiliary trained, but reported apart and not part of the product outputs
 * @param chainedAfter the parent task of an ESMM chain, or null
 * @param tower hidden layer sizes of this task's tower
 * @param towerLearningRate multiplier on the learning rate of this task's tower parameters
 */
public record TaskSpec(String name, TaskKind kind, String label, int numClasses, LossKind loss, List<String> metrics,
        double weight, boolean auxiliary, String chainedAfter, List<Integer> tower, double towerLearningRate) {

    public static final String CONDITIONAL_SUFFIX = ".conditional";

    public TaskSpec {
        Checks.name("task name", name);
        Checks.notNull("task '" + name + "' kind", kind);
        label = label == null || label.isBlank() ? name : label;
        if (kind == TaskKind.MULTICLASS) {
            if (numClasses < 2) {
                throw new IllegalArgumentException("multiclass task '" + name + "' needs numClasses >= 2, found " + numClasses);
            }
        } else {
            numClasses = 1;
        }
        loss = loss == null ? LossKind.defaultFor(kind) : loss;
        metrics = List.copyOf(metrics == null ? List.of() : metrics);
        Checks.nonNegative("task '" + name + "' weight", weight);
        chainedAfter = chainedAfter == null || chainedAfter.isBlank() ? null : chainedAfter;
        tower = List.copyOf(tower == null ? Defaults.TASK_TOWER : tower);
        for (int units : tower) {
            Checks.positive("task '" + name + "' tower layer size", units);
        }
        Checks.positive("task '" + name + "' towerLearningRate", towerLearningRate);
    }

    /** A binary task with the {@link Defaults}: label column = name, weight 1, tower [8]. */
    public static TaskSpec binary(String name, String label) {
        return new TaskSpec(name, TaskKind.BINARY, label, 1, null, List.of(), Defaults.TASK_WEIGHT, false, null, Defaults.TASK_TOWER, Defaults.TOWER_LEARNING_RATE);
    }

    public static TaskSpec regression(String name, String label) {
        return new TaskSpec(name, TaskKind.REGRESSION, label, 1, null, List.of(), Defaults.TASK_WEIGHT, false, null, Defaults.TASK_TOWER, Defaults.TOWER_LEARNING_RATE);
    }

    public static TaskSpec multiclass(String name, String label, int classes) {
        return new TaskSpec(name, TaskKind.MULTICLASS, label, classes, null, List.of(), Defaults.TASK_WEIGHT, false, null, Defaults.TASK_TOWER, Defaults.TOWER_LEARNING_RATE);
    }

    /** Width of the task's output: number of classes for multiclass, else 1. */
    public int outputWidth() {
        return kind == TaskKind.MULTICLASS ? numClasses : 1;
    }

    public boolean chained() {
        return chainedAfter != null;
    }

    public TaskSpec withWeight(double w) {
        return new TaskSpec(name, kind, label, numClasses, loss, metrics, w, auxiliary, chainedAfter, tower, towerLearningRate);
    }

    public TaskSpec withTower(List<Integer> layers) {
        return new TaskSpec(name, kind, label, numClasses, loss, metrics, weight, auxiliary, chainedAfter, layers, towerLearningRate);
    }
}
