package org.mtl4j.dsl;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import java.util.Arrays;
import org.mtl4j.api.balance.LossWeighting;
import org.mtl4j.api.metric.Metric;
import org.mtl4j.api.metric.MetricInput;
import org.mtl4j.api.spec.TaskKind;
import org.mtl4j.spi.MtlPlugin;
import org.mtl4j.spi.PluginBindings;

/** Small third-party-style plugins: a real loss weighting and a real metric, bound under chosen names. */
final class TestPlugins {
    private TestPlugins() {
    }

    /** w_k = 1/T for every task: the mean of the task losses. */
    static final LossWeighting.Factory MEAN = ctx -> c -> {
        double[] w = new double[c.losses().length];
        Arrays.fill(w, 1.0 / w.length);
        return w;
    };

    /** Fraction of rows whose rounded score equals the label, for binary tasks. */
    static final class HitRate implements Metric {
        @Override
        public String name() {
            return "hit-rate";
        }

        @Override
        public boolean higherIsBetter() {
            return true;
        }

        @Override
        public boolean supports(TaskKind kind) {
            return kind == TaskKind.BINARY;
        }

        @Override
        public double compute(MetricInput in) {
            int hits = 0;
            for (int i = 0; i < in.size(); i++) {
                hits += (in.scores()[i] >= 0.5f ? 1f : 0f) == in.labels()[i] ? 1 : 0;
            }
            return in.size() == 0 ? Double.NaN : hits / (double) in.size();
        }
    }

    /** A plugin binding a loss weighting and a metric under the given names. */
    static final class Acme implements MtlPlugin {
        private final String weighting;
        private final String metric;

        Acme(String weighting, String metric) {
            this.weighting = weighting;
            this.metric = metric;
        }

        @Override
        public String name() {
            return "acme";
        }

        @Override
        public Module module() {
            return new AbstractModule() {
                @Override
                protected void configure() {
                    PluginBindings.lossWeightings(binder()).addBinding(weighting).toInstance(MEAN);
                    PluginBindings.metrics(binder()).addBinding(metric).toInstance(new HitRate());
                }
            };
        }
    }

    /** A second plugin class, to collide with {@link Acme}. */
    static final class Other implements MtlPlugin {
        @Override
        public String name() {
            return "other";
        }

        @Override
        public Module module() {
            return new AbstractModule() {
                @Override
                protected void configure() {
                    PluginBindings.metrics(binder()).addBinding("hit-rate").toInstance(new HitRate());
                }
            };
        }
    }
}
