package org.mtl4j.spi;

import com.google.inject.Binder;
import com.google.inject.multibindings.MapBinder;
import org.mtl4j.api.backend.Backend;
import org.mtl4j.api.balance.Clipper;
import org.mtl4j.api.balance.GradientAggregator;
import org.mtl4j.api.balance.LossWeighting;
import org.mtl4j.api.metric.Metric;

/**
 * The named extension points. A plugin module calls, e.g.,
 * {@code PluginBindings.lossWeightings(binder()).addBinding("my-weighting").toInstance(factory)}.
 */
public final class PluginBindings {
    private PluginBindings() {
    }

    public static MapBinder<String, Backend> backends(Binder binder) {
        return MapBinder.newMapBinder(binder, String.class, Backend.class);
    }

    public static MapBinder<String, LossWeighting.Factory> lossWeightings(Binder binder) {
        return MapBinder.newMapBinder(binder, String.class, LossWeighting.Factory.class);
    }

    public static MapBinder<String, GradientAggregator.Factory> gradientAggregators(Binder binder) {
        return MapBinder.newMapBinder(binder, String.class, GradientAggregator.Factory.class);
    }

    public static MapBinder<String, Clipper.Factory> clippers(Binder binder) {
        return MapBinder.newMapBinder(binder, String.class, Clipper.Factory.class);
    }

    public static MapBinder<String, Metric> metrics(Binder binder) {
        return MapBinder.newMapBinder(binder, String.class, Metric.class);
    }
}
