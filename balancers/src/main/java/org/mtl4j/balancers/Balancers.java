package org.mtl4j.balancers;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.balance.BalancerContext;
import org.mtl4j.api.balance.Clipper;
import org.mtl4j.api.balance.GradientAggregator;
import org.mtl4j.api.balance.LossWeighting;
import org.mtl4j.balancers.aggregation.AlignedMtl;
import org.mtl4j.balancers.aggregation.CaGrad;
import org.mtl4j.balancers.aggregation.GradDrop;
import org.mtl4j.balancers.aggregation.GradVac;
import org.mtl4j.balancers.aggregation.ImtlG;
import org.mtl4j.balancers.aggregation.Mgda;
import org.mtl4j.balancers.aggregation.NashMtl;
import org.mtl4j.balancers.aggregation.PcGrad;
import org.mtl4j.balancers.aggregation.SumAggregator;
import org.mtl4j.balancers.clipping.AdaptiveClipper;
import org.mtl4j.balancers.clipping.GlobalNormClipper;
import org.mtl4j.balancers.clipping.PerTaskNormClipper;
import org.mtl4j.balancers.clipping.ValueClipper;
import org.mtl4j.balancers.weighting.DwaWeighting;
import org.mtl4j.balancers.weighting.EqualWeighting;
import org.mtl4j.balancers.weighting.FixedWeighting;
import org.mtl4j.balancers.weighting.GradNormWeighting;
import org.mtl4j.balancers.weighting.RandomLossWeighting;
import org.mtl4j.balancers.weighting.ScheduleWeighting;
import org.mtl4j.balancers.weighting.UncertaintyWeighting;

/**
 * The built-in balancers by name, for the plugin registry (the DSL binds each map entry into its
 * {@code MapBinder}) and for direct use:
 * <pre>{@code
 * BalancerContext ctx = new BalancerContext(PluginRef.of("cagrad", Map.of("c", 0.4)), spec.tasks(), seed);
 * GradientAggregator agg = Balancers.gradientAggregator(ctx);
 * }</pre>
 * Every factory reads its parameters from the {@link org.mtl4j.api.spec.PluginRef} (unknown keys and
 * out-of-range values are errors naming the plugin, key and value) and lists them with their defaults in
 * {@code defaults()}.
 */
public final class Balancers {
    private static final Map<String, LossWeighting.Factory> WEIGHTINGS;
    private static final Map<String, GradientAggregator.Factory> AGGREGATORS;
    private static final Map<String, Clipper.Factory> CLIPPERS;

    static {
        Map<String, LossWeighting.Factory> w = new LinkedHashMap<>();
        w.put(EqualWeighting.NAME, EqualWeighting.factory());
        w.put(FixedWeighting.NAME, FixedWeighting.factory());
        w.put(UncertaintyWeighting.NAME, UncertaintyWeighting.factory());
        w.put(DwaWeighting.NAME, DwaWeighting.factory());
        w.put(RandomLossWeighting.NAME, RandomLossWeighting.factory());
        w.put(ScheduleWeighting.NAME, ScheduleWeighting.factory());
        w.put(GradNormWeighting.NAME, GradNormWeighting.factory());
        WEIGHTINGS = Collections.unmodifiableMap(w);

        Map<String, GradientAggregator.Factory> a = new LinkedHashMap<>();
        a.put(SumAggregator.NAME, SumAggregator.factory());
        a.put(PcGrad.NAME, PcGrad.factory());
        a.put(Mgda.NAME, Mgda.factory());
        a.put(CaGrad.NAME, CaGrad.factory());
        a.put(ImtlG.NAME, ImtlG.factory());
        a.put(GradVac.NAME, GradVac.factory());
        a.put(GradDrop.NAME, GradDrop.factory());
        a.put(AlignedMtl.NAME, AlignedMtl.factory());
        a.put(NashMtl.NAME, NashMtl.factory());
        AGGREGATORS = Collections.unmodifiableMap(a);

        Map<String, Clipper.Factory> c = new LinkedHashMap<>();
        c.put(GlobalNormClipper.NAME, GlobalNormClipper.factory());
        c.put(ValueClipper.NAME, ValueClipper.factory());
        c.put(PerTaskNormClipper.NAME, PerTaskNormClipper.factory());
        c.put(AdaptiveClipper.NAME, AdaptiveClipper.factory());
        CLIPPERS = Collections.unmodifiableMap(c);
    }

    private Balancers() {
    }

    /** equal, fixed, uncertainty, dwa, rlw, schedule, gradnorm (unmodifiable, in that order). */
    public static Map<String, LossWeighting.Factory> lossWeightings() {
        return WEIGHTINGS;
    }

    /** sum, pcgrad, mgda, cagrad, imtl-g, gradvac, graddrop, aligned-mtl, nash-mtl (unmodifiable, in that order). */
    public static Map<String, GradientAggregator.Factory> gradientAggregators() {
        return AGGREGATORS;
    }

    /** global-norm, value, per-task-norm, adaptive (unmodifiable, in that order). */
    public static Map<String, Clipper.Factory> clippers() {
        return CLIPPERS;
    }

    /** The built-in loss weighting named by {@code ctx.ref()}, or an error listing the known names. */
    public static LossWeighting lossWeighting(BalancerContext ctx) {
        return find("loss weighting", WEIGHTINGS, ctx).create(ctx);
    }

    /** The built-in gradient aggregator named by {@code ctx.ref()}, or an error listing the known names. */
    public static GradientAggregator gradientAggregator(BalancerContext ctx) {
        return find("gradient aggregator", AGGREGATORS, ctx).create(ctx);
    }

    /** The built-in clipper named by {@code ctx.ref()}, or an error listing the known names. */
    public static Clipper clipper(BalancerContext ctx) {
        return find("clipper", CLIPPERS, ctx).create(ctx);
    }

    private static <F> F find(String kind, Map<String, F> map, BalancerContext ctx) {
        String name = ctx.ref().name();
        F f = map.get(name);
        if (f == null) {
            throw new MtlException("unknown " + kind + " \"" + name + "\" (known: " + String.join(", ", map.keySet()) + ")");
        }
        return f;
    }
}
