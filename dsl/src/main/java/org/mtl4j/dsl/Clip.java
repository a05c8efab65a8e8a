package org.mtl4j.dsl;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Static entry points for gradient clipping, applied in the order given:
 * <pre>{@code
 * .clip(Clip.perTaskNorm(5.0), Clip.globalNorm(1.0))
 * }</pre>
 */
public final class Clip {
    private Clip() {
    }

    /** One clipper: a plugin name and its parameters. */
    public static final class Choice {
        private final String name;
        private final Map<String, Double> params;

        Choice(String name, Map<String, Double> params) {
            this.name = name;
            this.params = new LinkedHashMap<>(params == null ? Map.of() : params);
        }

        public String name() {
            return name;
        }

        public Map<String, Double> params() {
            return java.util.Collections.unmodifiableMap(params);
        }
    }

    /** Rescale the whole gradient to norm at most {@code maxNorm} (Pascanu et al. 2013). */
    public static Choice globalNorm(double maxNorm) {
        return new Choice("global-norm", Map.of("maxNorm", maxNorm));
    }

    /** Clamp each gradient element into [-limit, limit]. */
    public static Choice value(double limit) {
        return new Choice("value", Map.of("limit", limit));
    }

    /** Rescale each task's shared gradient to norm at most {@code maxNorm} before they are combined. */
    public static Choice perTaskNorm(double maxNorm) {
        return new Choice("per-task-norm", Map.of("maxNorm", maxNorm));
    }

    /** Adaptive gradient clipping, unit-wise ||g_i|| &lt;= lambda * max(||W_i||, eps) (Brock et al. 2021). */
    public static Choice adaptive(double lambda) {
        return new Choice("adaptive", Map.of("clipping", lambda));
    }

    /** A clipper plugin by name. */
    public static Choice of(String name, Map<String, Double> params) {
        return new Choice(name, params);
    }
}
