package org.mtl4j.api.spec;

import java.util.Arrays;
import java.util.Locale;

/** What a task predicts. The {@link #id()} is the name used in specs and plugin registries. */
public enum TaskKind {
    /** Probability of a 0/1 label (sigmoid output). */
    BINARY,
    /** One of {@code numClasses} classes (softmax output); labels are class indices 0..n-1. */
    MULTICLASS,
    /** A real value (identity output). */
    REGRESSION;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TaskKind of(String id) {
        for (TaskKind k : values()) {
            if (k.id().equalsIgnoreCase(id)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown task kind " + (id == null ? "null" : '"' + id + '"') + " (known: "
                + String.join(", ", Arrays.stream(values()).map(TaskKind::id).toList()) + ")");
    }
}
