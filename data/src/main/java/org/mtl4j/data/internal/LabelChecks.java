package org.mtl4j.data.internal;

import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.tasks.TaskKinds;

/**
 * Label semantics per task kind come from the tasks module ({@link TaskKinds#checkLabel}); the
 * data module names the raw cell itself, so the echo of the parsed value is dropped here.
 */
public final class LabelChecks {
    private LabelChecks() {
    }

    /** The problem with a label the task cannot take (without the value), or null when it is valid. */
    public static String check(TaskSpec task, float label) {
        String text = TaskKinds.checkLabel(task, label);
        if (text == null) {
            return null;
        }
        int i = text.lastIndexOf(", found ");
        return i > 0 ? text.substring(0, i) : text;
    }
}
