package org.mtl4j.api.spec;

import java.util.Locale;

/** Per-task loss. Each task kind accepts some of them (see {@link #compatibleWith(TaskKind)}). */
public enum LossKind {
    /** Binary cross-entropy (log loss) on a sigmoid output. */
    BCE,
    /** Softmax cross-entropy. */
    CROSS_ENTROPY,
    /** Mean squared error. */
    MSE,
    /** Huber loss with delta 1. */
    HUBER;

    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static LossKind of(String id) {
        for (LossKind k : values()) {
            if (k.id().equalsIgnoreCase(id) || k.name().equalsIgnoreCase(id)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown loss \"" + id + "\" (known: bce, cross-entropy, mse, huber)");
    }

    public boolean compatibleWith(TaskKind kind) {
        return switch (kind) {
            case BINARY -> this == BCE;
            case MULTICLASS -> this == CROSS_ENTROPY;
            case REGRESSION -> this == MSE || this == HUBER;
        };
    }

    public static LossKind defaultFor(TaskKind kind) {
        return switch (kind) {
            case BINARY -> BCE;
            case MULTICLASS -> CROSS_ENTROPY;
            case REGRESSION -> MSE;
        };
    }
}
