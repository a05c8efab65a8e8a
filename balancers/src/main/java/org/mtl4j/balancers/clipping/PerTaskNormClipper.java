package org.mtl4j.balancers.clipping;

import java.util.Map;
import org.mtl4j.api.backend.GradientVector;
import org.mtl4j.api.balance.ClipReport;
import org.mtl4j.api.balance.Clipper;
import org.mtl4j.api.balance.ClippingContext;
import org.mtl4j.balancers.internal.Factories;
import org.mtl4j.balancers.internal.Params;

/**
 * {@code per-task-norm}: at the {@link Clipper.Stage#TASK_GRADIENTS} stage, rescales each task's shared
 * gradient to norm {@code <= maxNorm} before the gradients are combined, so one exploding task cannot
 * swamp the others. The report gives the largest task-gradient norm before and after, and the total
 * length of the task gradients that were rescaled.
 */
public final class PerTaskNormClipper implements Clipper {
    public static final String NAME = "per-task-norm";
    static final Map<String, Double> DEFAULTS = Factories.defaults("maxNorm", 1.0);
    private final double maxNorm;

    public PerTaskNormClipper(double maxNorm) {
        if (!(maxNorm > 0) || Double.isInfinite(maxNorm)) {
            throw new IllegalArgumentException("per-task-norm maxNorm must be a positive finite number, found " + maxNorm);
        }
        this.maxNorm = maxNorm;
    }

    public static Clipper.Factory factory() {
        return Factories.clipper("rescale each task's shared gradient to norm <= maxNorm before aggregation", DEFAULTS, ctx -> {
            Params p = Params.of("clipper", ctx, DEFAULTS);
            return new PerTaskNormClipper(p.positive("maxNorm", DEFAULTS.get("maxNorm")));
        });
    }

    @Override
    public Stage stage() {
        return Stage.TASK_GRADIENTS;
    }

    @Override
    public ClipReport clip(ClippingContext ctx) {
        double maxBefore = 0;
        double maxAfter = 0;
        long elements = 0;
        boolean any = false;
        for (GradientVector g : ctx.taskGradients()) {
            ClipReport r = GlobalNormClipper.clipNorm(NAME, g, maxNorm);
            maxBefore = Math.max(maxBefore, r.normBefore());
            maxAfter = Math.max(maxAfter, r.normAfter());
            elements += r.elementsClipped();
            any |= r.clipped();
            if (!Double.isFinite(r.normBefore())) {
                maxBefore = r.normBefore();
                maxAfter = r.normAfter();
            }
        }
        return new ClipReport(NAME, any, maxBefore, maxAfter, elements);
    }
}
