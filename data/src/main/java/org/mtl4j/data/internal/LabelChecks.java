package org.mtl4j.data.internal;

import org.mtl4j.api.spec.TaskSpec;

/**
 * Label semantics per task kind. Delegates to {@code org.mtl4j.tasks.TaskKinds.checkLabel} once the
 * tasks module provides it; kept here so that the data module states what it checks.
 */
public final class LabelChecks {
    private LabelChecks() {
    }

    /** An error text for a label the task cannot take, or null when it is valid. */
    public static String check(TaskSpec task, float label) {
        switch (task.kind()) {
            case BINARY:
                return label == 0f || label == 1f ? null
                        : "binary label of task '" + task.name() + "' must be 0 or 1";
            case MULTICLASS:
                return label >= 0 && label < task.numClasses() && label == Math.rint(label) ? null
                        : "class index of task '" + task.name() + "' must be an integer in [0, " + task.numClasses() + ")";
            default:
                return Float.isFinite(label) ? null : "label of task '" + task.name() + "' must be finite";
        }
    }
}
