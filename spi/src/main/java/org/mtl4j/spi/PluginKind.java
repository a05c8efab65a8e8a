package org.mtl4j.spi;

import org.mtl4j.api.backend.Backend;
import org.mtl4j.api.balance.Clipper;
import org.mtl4j.api.balance.GradientAggregator;
import org.mtl4j.api.balance.LossWeighting;
import org.mtl4j.api.metric.Metric;
import org.mtl4j.api.spec.TaskKind;

/**
 * The kinds of things a plugin can bind by name, each with the type of its {@code MapBinder} values.
 * Task kinds are not among them: binary, multiclass and regression are a closed set that every
 * backend, loss and metric is written against ({@link TaskKind}), so a plugin could bind a name but
 * never make a new kind work; the old {@code task-kind} plugin kind was removed for that reason.
 */
public enum PluginKind {
    BACKEND("backend", "backend", Backend.class),
    LOSS_WEIGHTING("loss-weighting", "lossWeighting", LossWeighting.Factory.class),
    GRADIENT_AGGREGATOR("gradient-aggregator", "gradientAggregation", GradientAggregator.Factory.class),
    CLIPPER("clipper", "clipping", Clipper.Factory.class),
    METRIC("metric", "metrics", Metric.class);

    private final String id;
    private final String specField;
    private final Class<?> valueType;

    PluginKind(String id, String specField, Class<?> valueType) {
        this.id = id;
        this.specField = specField;
        this.valueType = valueType;
    }

    /** The kind's name in catalogues and messages ({@code loss-weighting}). */
    public String id() {
        return id;
    }

    /** The spec field that names a plugin of this kind ({@code lossWeighting}). */
    public String specField() {
        return specField;
    }

    /** The value type of the kind's {@code MapBinder<String, T>}. */
    public Class<?> valueType() {
        return valueType;
    }

    /** The kind whose map holds values of {@code type}, or null. */
    public static PluginKind forValueType(Class<?> type) {
        for (PluginKind k : values()) {
            if (k.valueType.equals(type)) {
                return k;
            }
        }
        return null;
    }
}
