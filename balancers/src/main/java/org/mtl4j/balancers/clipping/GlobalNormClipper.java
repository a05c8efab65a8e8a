package org.mtl4j.balancers.clipping;

import java.util.Map;
import org.mtl4j.api.backend.GradientVector;
import org.mtl4j.api.balance.ClipReport;
import org.mtl4j.api.balance.Clipper;
import org.mtl4j.api.balance.ClippingContext;
import org.mtl4j.balancers.internal.Factories;
import org.mtl4j.balancers.internal.Params;

/**
 * {@code global-norm}: if {@code ||g|| > maxNorm}, {@code g <- g maxNorm / ||g||} over the whole gradient
 * buffer (Pascanu, Mikolov &amp; Bengio, "On the difficulty of training recurrent neural networks", ICML 2013,
 * Alg. 1). A non-finite norm is left alone and reported unclipped: the training loop reports the divergence.
 * {@code elementsClipped} is the vector's length when it was rescaled.
 */
public final class GlobalNormClipper implements Clipper {
    public static final String NAME = "global-norm";
    static final Map<String, Double> DEFAULTS = Factories.defaults("maxNorm", 1.0);
    private final double maxNorm;

    public GlobalNormClipper(double maxNorm) {
        if (!(maxNorm > 0) || Double.isInfinite(maxNorm)) {
            throw new IllegalArgumentException("global-norm maxNorm must be a positive finite number, found " + maxNorm);
        }
        this.maxNorm = maxNorm;
    }

    public static Clipper.Factory factory() {
        return Factories.clipper("rescale the whole gradient to norm <= maxNorm (Pascanu et al. 2013)", DEFAULTS, ctx -> {
            Params p = Params.of("clipper", ctx, DEFAULTS);
            return new GlobalNormClipper(p.positive("maxNorm", DEFAULTS.get("maxNorm")));
        });
    }

    @Override
    public ClipReport clip(ClippingContext ctx) {
        return clipNorm(NAME, ctx.gradient(), maxNorm);
    }

    /** Rescales {@code g} to norm {@code maxNorm} if it is larger (by more than a rounding error). */
    static ClipReport clipNorm(String name, GradientVector g, double maxNorm) {
        double norm = g.norm();
        if (!(norm > maxNorm * (1 + 1e-12)) || !Double.isFinite(norm)) {
            return ClipReport.none(name, norm);
        }
        g.scale(maxNorm / norm);
        return new ClipReport(name, true, norm, Math.min(g.norm(), norm), g.length());
    }
}
