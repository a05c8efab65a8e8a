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
        return new LossWeighting.Factory() {
            @Override
            public LossWeighting create(BalancerContext ctx) {
                return maker.apply(ctx);
            }

            @Override
            public String description() {
                return description;
            }

            @Override
            public Map<String, Double> defaults() {
                return defaults;
            }

            @Override
            public String toString() {
                return "LossWeighting.Factory[" + description + "]";
            }
        };
    }

    public static GradientAggregator.Factory aggregator(String description, Map<String, Double> defaults,
            Function<BalancerContext, GradientAggregator> maker) {
        return new GradientAggregator.Factory() {
            @Override
            public GradientAggregator create(BalancerContext ctx) {
                return maker.apply(ctx);
            }

            @Override
            public String description() {
                return description;
            }

            @Override
            public Map<String, Double> defaults() {
                return defaults;
            }

            @Override
            public String toString() {
                return "GradientAggregator.Factory[" + description + "]";
            }
        };
    }

    public static Clipper.Factory clipper(String description, Map<String, Double> defaults,
            Function<BalancerContext, Clipper> maker) {
        return new Clipper.Factory() {
            @Override
            public Clipper create(BalancerContext ctx) {
                return maker.apply(ctx);
            }

            @Override
            public String description() {
                return description;
            }

            @Override
            public Map<String, Double> defaults() {
                return defaults;
            }

            @Override
            public String toString() {
                return "Clipper.Factory[" + description + "]";
            }
        };
    }
}
