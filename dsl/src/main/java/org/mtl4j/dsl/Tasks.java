package org.mtl4j.dsl;

import java.util.Arrays;
import java.util.List;
import org.mtl4j.api.spec.LossKind;
import org.mtl4j.api.spec.TaskKind;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.Defaults;

/**
 * Static entry points for tasks:
 * <pre>{@code
 * Tasks.binary("ctr").label("click").metrics("auc", "gauc").tower(32, 16)
 * Tasks.binary("ctcvr").label("conversion").chainedAfter("ctr")      // ESMM: pCTCVR = pCTR x pCVR
 * Tasks.multiclass("genre", 18).label("genre_id").auxiliary()
 * Tasks.regression("rating").label("stars").loss(LossKind.HUBER).weight(0.5).towerLearningRate(0.1)
 * }</pre>
 * The label defaults to the task's name; the loss to the kind's ({@code bce}, {@code cross-entropy},
 * {@code mse}); metrics to the kind's defaults; weight 1; tower [8]; tower learning-rate multiplier 1.
 */
public final class Tasks {
    private Tasks() {
    }

    /** A 0/1 label, sigmoid output, binary cross-entropy. */
    public static Task binary(String name) {
        return new Task(name, TaskKind.BINARY, 1);
    }

    /** One of {@code classes} classes (labels 0..classes-1), softmax output, cross-entropy. */
    public static Task multiclass(String name, int classes) {
        return new Task(name, TaskKind.MULTICLASS, classes);
    }

    /** A real value, identity output, MSE (or {@code loss(LossKind.HUBER)}). */
    public static Task regression(String name) {
        return new Task(name, TaskKind.REGRESSION, 1);
    }

    /** Builder of a {@link TaskSpec}; values are checked when the model is built. */
    public static final class Task {
        private final String name;
        private final TaskKind kind;
        private final int classes;
        private String label;
        private LossKind loss;
        private List<String> metrics = List.of();
        private double weight = Defaults.TASK_WEIGHT;
        private boolean auxiliary;
        private String chainedAfter;
        private List<Integer> tower;
        private double towerLearningRate = Defaults.TOWER_LEARNING_RATE;

        Task(String name, TaskKind kind, int classes) {
            this.name = name;
            this.kind = kind;
            this.classes = classes;
        }

        public String name() {
            return name;
        }

        /** The label column, or a derived label over one column such as {@code rating >= 4} (default: the task's name). */
        public Task label(String l) {
            this.label = l;
            return this;
        }

        /** The loss; it must suit the task kind (checked at build). */
        public Task loss(LossKind l) {
            this.loss = l;
            return this;
        }

        /** Metric names ({@code auc}, {@code ndcg@10}, a plugin's metric); none: the kind's defaults. */
        public Task metrics(String... names) {
            this.metrics = List.copyOf(Arrays.asList(names));
            return this;
        }

        /** Static loss weight (the {@code fixed} weighting's and the schedule's w0). */
        public Task weight(double w) {
            this.weight = w;
            return this;
        }

        /** Trained with the others but reported apart, not a product output. */
        public Task auxiliary() {
            this.auxiliary = true;
            return this;
        }

        /**
         * ESMM chaining (Ma et al., SIGIR 2018): this task's output is p(parent) x p(own tower), trained
         * on every row; the own tower's probability is the output {@code <name>.conditional}. Both tasks
         * must be binary.
         */
        public Task chainedAfter(String parent) {
            this.chainedAfter = parent;
            return this;
        }

        /** Hidden layer sizes of this task's tower (default [8]; none: the head reads the shared output). */
        public Task tower(int... units) {
            this.tower = Arrays.stream(units).boxed().toList();
            return this;
        }

        /** Multiplier on the learning rate of this task's tower. */
        public Task towerLearningRate(double multiplier) {
            this.towerLearningRate = multiplier;
            return this;
        }

        /** The record; throws the record's {@link IllegalArgumentException} on a bad value. */
        public TaskSpec toSpec() {
            return new TaskSpec(name, kind, label, classes, loss, metrics, weight, auxiliary, chainedAfter, tower,
                    towerLearningRate);
        }

        /**
         * A stand-in with the same name, kind, label, loss, metrics and chain but valid numbers, so that
         * the graph can still be checked when {@link #toSpec()} refused a value; null if even that fails.
         */
        TaskSpec standIn() {
            try {
                return new TaskSpec(name, kind, label, kind == TaskKind.MULTICLASS ? Math.max(2, classes) : 1, loss, metrics,
                        Defaults.TASK_WEIGHT, auxiliary, chainedAfter, Defaults.TASK_TOWER, Defaults.TOWER_LEARNING_RATE);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
    }
}
