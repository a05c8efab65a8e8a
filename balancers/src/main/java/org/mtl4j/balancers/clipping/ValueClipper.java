package org.mtl4j.balancers.clipping;

import java.util.Map;
import org.mtl4j.api.backend.GradientVector;
import org.mtl4j.api.balance.ClipReport;
import org.mtl4j.api.balance.Clipper;
import org.mtl4j.api.balance.ClippingContext;
import org.mtl4j.balancers.internal.Factories;
import org.mtl4j.balancers.internal.Params;

/**
 * {@code value}: clamps every gradient element into {@code [-limit, limit]} (element-wise clipping, as
 * Keras' {@code clipvalue}); reports how many elements changed.
 */
public final class ValueClipper implements Clipper {
    public static final String NAME = "value";
    static final Map<String, Double> DEFAULTS = Factories.defaults("limit", 1.0);
    private final double limit;

    public ValueClipper(double limit) {
        if (!(limit > 0) || Double.isInfinite(limit)) {
            throw new IllegalArgumentException("value limit must be a positive finite number, found " + limit);
        }
        this.limit = limit;
    }

    public static Clipper.Factory factory() {
        return Factories.clipper("clamp each gradient element into [-limit, limit]", DEFAULTS, ctx -> {
            Params p = Params.of("clipper", ctx, DEFAULTS);
            return new ValueClipper(p.positive("limit", DEFAULTS.get("limit")));
        });
    }

    @Override
    public ClipReport clip(ClippingContext ctx) {
        GradientVector g = ctx.gradient();
        double before = g.norm();
        long changed = g.clampValues(limit);
        if (changed == 0) {
            return ClipReport.none(NAME, before);
        }
        return new ClipReport(NAME, true, before, g.norm(), changed);
    }
}
