package org.mtl4j.balancers.clipping;

import java.util.Map;
import org.mtl4j.api.backend.ParameterBlock;
import org.mtl4j.api.balance.ClipReport;
import org.mtl4j.api.balance.Clipper;
import org.mtl4j.api.balance.ClippingContext;
import org.mtl4j.balancers.internal.Factories;
import org.mtl4j.balancers.internal.Params;

/**
 * {@code adaptive}: unit-wise adaptive gradient clipping, AGC (Brock, De, Smith &amp; Simonyan,
 * "High-Performance Large-Scale Image Recognition Without Normalization", ICML 2021, eq. 3). For every
 * unit i of every {@link ParameterBlock} (its {@code units} slices of {@code length()/units} values):
 * <pre>
 *   G_i &lt;- lambda ||W_i||* / ||G_i|| G_i    if ||G_i|| / ||W_i||* > lambda,    ||W_i||* = max(||W_i||, eps)
 * </pre>
 * with lambda = {@code clipping} (default 0.01) and eps = 1e-3. Uses {@code GradientVector.unitNorms} and
 * {@code scaleUnits}, which backends can implement on their own buffers. The report gives the norm over
 * all blocks' gradients before and after and the number of elements in clipped units. Units with a
 * non-finite gradient norm are left alone (the loop reports the divergence).
 */
public final class AdaptiveClipper implements Clipper {
    public static final String NAME = "adaptive";
    static final Map<String, Double> DEFAULTS = Factories.defaults("clipping", 0.01, "eps", 1e-3);
    private final double lambda;
    private final double eps;

    public AdaptiveClipper(double lambda, double eps) {
        if (!(lambda > 0) || Double.isInfinite(lambda)) {
            throw new IllegalArgumentException("adaptive clipping must be a positive finite number, found " + lambda);
        }
        if (!(eps >= 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("adaptive eps must be a finite number >= 0, found " + eps);
        }
        this.lambda = lambda;
        this.eps = eps;
    }

    public static Clipper.Factory factory() {
        return Factories.clipper("AGC, Brock et al. 2021: clip each unit's gradient to clipping * max(||W_i||, eps)",
                DEFAULTS, ctx -> {
                    Params p = Params.of("clipper", ctx, DEFAULTS);
                    return new AdaptiveClipper(p.positive("clipping", DEFAULTS.get("clipping")),
                            p.atLeast("eps", DEFAULTS.get("eps"), 0));
                });
    }

    @Override
    public ClipReport clip(ClippingContext ctx) {
        double before2 = 0;
        double after2 = 0;
        long elements = 0;
        for (ParameterBlock b : ctx.blocks()) {
            int units = b.units();
            if (units <= 0 || b.gradient().length() % units != 0 || b.values().length() != b.gradient().length()) {
                throw new IllegalArgumentException("adaptive clipping: parameter block '" + b.name() + "' has " + units
                        + " units for " + b.values().length() + " values and " + b.gradient().length()
                        + " gradient elements (units must be positive and divide both, which must be equal)");
            }
            int per = b.gradient().length() / units;
            double[] g = b.gradient().unitNorms(units);
            double[] w = b.values().unitNorms(units);
            double[] factors = new double[units];
            boolean any = false;
            for (int i = 0; i < units; i++) {
                before2 += g[i] * g[i];
                double max = lambda * Math.max(w[i], eps);
                factors[i] = 1;
                if (Double.isFinite(g[i]) && g[i] > max * (1 + 1e-12)) {
                    factors[i] = max / g[i];
                    any = true;
                    elements += per;
                    after2 += max * max;
                } else {
                    after2 += g[i] * g[i];
                }
            }
            if (any) {
                b.gradient().scaleUnits(factors);
            }
        }
        double before = Math.sqrt(before2);
        double after = Math.min(Math.sqrt(after2), before);
        return elements == 0 ? ClipReport.none(NAME, before) : new ClipReport(NAME, true, before, after, elements);
    }
}
