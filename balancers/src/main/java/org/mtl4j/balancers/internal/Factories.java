package org.mtl4j.balancers.internal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.mtl4j.api.balance.BalancerContext;
import org.mtl4j.api.balance.Clipper;
import org.mtl4j.api.balance.GradientAggregator;
import org.mtl4j.api.balance.LossWeighting;

/** Small {@code Factory} implementations: a description, the defaults and a constructor reference. */
public final class Factories {
    private Factories() {
    }

    /** Defaults in the given order, unmodifiable (pairs of key, value). */
    public static Map<String, Double> defaults(Object... keyValues) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], ((Number) keyValues[i + 1]).doubleValue());
        }
        return Collections.unmodifiableMap(m);
    }

    public static LossWeighting.Factory weighting(String description, Map<String, Double> defaults,
            Function<BalancerContext, LossWeighting> maker) {
        return new Weighting(description, defaults, maker);
    }

    public static GradientAggregator.Factory aggregator(String description, Map<String, Double> defaults,
            Function<BalancerContext, GradientAggregator> maker) {
        return new Aggregator(description, defaults, maker);
    }

    public static Clipper.Factory clipper(String description, Map<String, Double> defaults,
            Function<BalancerContext, Clipper> maker) {
        return new Clipping(description, defaults, maker);
    }

    /** What the three factory kinds share: a description, the defaults and a constructor reference. */
    private abstract static class Described<T> {
        private final String kind;
        private final String description;
        private final Map<String, Double> defaults;
        private final Function<BalancerContext, T> maker;

        Described(String kind, String description, Map<String, Double> defaults, Function<BalancerContext, T> maker) {
            this.kind = kind;
            this.description = description;
            this.defaults = defaults;
            this.maker = maker;
        }

        public String description() {
            return description;
        }

        public Map<String, Double> defaults() {
            return defaults;
        }

        T make(BalancerContext ctx) {
            return maker.apply(ctx);
        }

        @Override
        public String toString() {
            return kind + ".Factory[" + description + "]";
        }
    }

    private static final class Weighting extends Described<LossWeighting> implements LossWeighting.Factory {
        Weighting(String description, Map<String, Double> defaults, Function<BalancerContext, LossWeighting> maker) {
            super("LossWeighting", description, defaults, maker);
        }

        @Override
        public LossWeighting create(BalancerContext ctx) {
            return make(ctx);
        }
    }

    private static final class Aggregator extends Described<GradientAggregator> implements GradientAggregator.Factory {
        Aggregator(String description, Map<String, Double> defaults, Function<BalancerContext, GradientAggregator> maker) {
            super("GradientAggregator", description, defaults, maker);
        }

        @Override
        public GradientAggregator create(BalancerContext ctx) {
            return make(ctx);
        }
    }

    private static final class Clipping extends Described<Clipper> implements Clipper.Factory {
        Clipping(String description, Map<String, Double> defaults, Function<BalancerContext, Clipper> maker) {
            super("Clipper", description, defaults, maker);
        }

        @Override
        public Clipper create(BalancerContext ctx) {
            return make(ctx);
        }
    }
}
