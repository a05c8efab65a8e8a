package org.mtl4j.balancers.internal;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.balance.BalancerContext;

/**
 * Reads a balancer's parameters from its {@link org.mtl4j.api.spec.PluginRef}, rejecting unknown keys and
 * out-of-range values with a message that names the plugin, the key and the value found.
 */
public final class Params {
    private final String kind;
    private final BalancerContext ctx;

    private Params(String kind, BalancerContext ctx) {
        this.kind = kind;
        this.ctx = ctx;
    }

    /**
     * @param kind "loss weighting", "gradient aggregator" or "clipper"
     * @param defaults the known keys
     * @param taskPrefixes key prefixes followed by a task name ({@code "gamma."}); {@code ""} means a bare task name
     */
    public static Params of(String kind, BalancerContext ctx, Map<String, Double> defaults, String... taskPrefixes) {
        Params p = new Params(kind, ctx);
        List<String> tasks = ctx.taskNames();
        for (String key : ctx.ref().params().keySet()) {
            if (defaults.containsKey(key)) {
                continue;
            }
            boolean ok = false;
            for (String prefix : taskPrefixes) {
                if (key.startsWith(prefix) && key.length() > prefix.length()) {
                    String task = key.substring(prefix.length());
                    if (!tasks.contains(task) && prefix.isEmpty()) {
                        throw p.error("parameter '" + key + "' = " + ctx.ref().params().get(key)
                                + " is not a task of the model (known tasks: " + String.join(", ", tasks) + ")");
                    }
                    if (!tasks.contains(task)) {
                        throw p.error("parameter '" + key + "' names task \"" + task + "\", which is not a task of the model (known: "
                                + String.join(", ", tasks) + ")");
                    }
                    ok = true;
                }
            }
            if (!ok) {
                Set<String> known = new TreeSet<>(defaults.keySet());
                for (String prefix : taskPrefixes) {
                    known.add(prefix.isEmpty() ? "<task>" : prefix + "<task>");
                }
                throw p.error("unknown parameter '" + key + "' = " + ctx.ref().params().get(key) + " (known: "
                        + (known.isEmpty() ? "none" : String.join(", ", known)) + ")");
            }
        }
        return p;
    }

    public MtlException error(String what) {
        return new MtlException(kind + " '" + ctx.ref().name() + "': " + what);
    }

    /** The raw value or the default. */
    public double get(String key, double defaultValue) {
        double v = ctx.ref().param(key, defaultValue);
        if (!Double.isFinite(v)) {
            throw error("parameter '" + key + "' must be finite, found " + v);
        }
        return v;
    }

    public double atLeast(String key, double defaultValue, double min) {
        double v = get(key, defaultValue);
        if (v < min) {
            throw error("parameter '" + key + "' must be >= " + min + ", found " + v);
        }
        return v;
    }

    public double positive(String key, double defaultValue) {
        double v = get(key, defaultValue);
        if (!(v > 0)) {
            throw error("parameter '" + key + "' must be > 0, found " + v);
        }
        return v;
    }

    public double inRange(String key, double defaultValue, double lo, double hi) {
        double v = get(key, defaultValue);
        if (v < lo || v > hi) {
            throw error("parameter '" + key + "' must be in [" + lo + ", " + hi + "], found " + v);
        }
        return v;
    }

    /** A 0/1 switch. */
    public boolean flag(String key, boolean defaultValue) {
        double v = get(key, defaultValue ? 1 : 0);
        if (v != 0 && v != 1) {
            throw error("parameter '" + key + "' must be 0 or 1, found " + v);
        }
        return v == 1;
    }

    public long seed() {
        return ctx.seed();
    }
}
