package org.mtl4j.dsl.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.mtl4j.api.backend.Backend;
import org.mtl4j.api.backend.Provenance;
import org.mtl4j.api.backend.TrainableModel;
import org.mtl4j.api.balance.BalancerContext;
import org.mtl4j.api.balance.Clipper;
import org.mtl4j.api.balance.GradientAggregator;
import org.mtl4j.api.balance.LossWeighting;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.metric.Metric;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.PluginRef;
import org.mtl4j.api.train.TrainingListener;
import org.mtl4j.spi.PluginKind;
import org.mtl4j.tasks.LabelScaling;
import org.mtl4j.training.Trainer;
import org.mtl4j.training.TrainingResult;

/**
 * One training run of a validated spec: resolves the backend and balancers by name, compiles the
 * model with the training data's vocabularies and dense statistics, runs the {@link Trainer}, and
 * records provenance on the trained model.
 */
public final class TrainingRun {
    private final PluginRegistry registry;
    private final Function<String, Metric> metrics;

    public TrainingRun(PluginRegistry registry, Function<String, Metric> metrics) {
        this.registry = registry;
        this.metrics = metrics;
    }

    public TrainingResult run(ModelSpec spec, Dataset train, Dataset validation, Consumer<Trainer.Builder> options,
            List<TrainingListener> listeners) {
        Backend backend = registry.get(PluginKind.BACKEND, Backend.class, spec.backend(), "backend");
        if (train instanceof org.mtl4j.data.BoundDataset bound) {
            // counted by the data's validating pass: a task whose label column is empty everywhere fails here,
            // before anything is compiled or trained (issue 14), not with a warning after training
            bound.requireLabels();
        }
        long seed = spec.training().seed();
        Trainer.Builder b = Trainer.builder()
                .lossWeighting(registry.get(PluginKind.LOSS_WEIGHTING, LossWeighting.Factory.class,
                        spec.lossWeighting().name(), "lossWeighting").create(context(spec.lossWeighting(), spec, seed)))
                .gradientAggregator(aggregator(spec, seed))
                .clippers(clippers(spec, seed))
                .metrics(metrics)
                .listeners(listeners);
        if (options != null) {
            options.accept(b);
        }
        Trainer trainer = b.build();
        Map<String, Dataset.DenseStats> base = train.denseStats();
        if (trainer.initFrom() != null) {
            // continual training: the saved model's weights assume its own standardisation
            base = new java.util.LinkedHashMap<>(train.denseStats());
            base.putAll(trainer.initFrom().denseStats());
        }
        Map<String, Dataset.DenseStats> stats = trainer.standardisesLabels()
                ? LabelScaling.withLabelStats(spec, train, base) : base;
        TrainableModel model = backend.compile(spec, train.vocabularies(), stats);
        if (trainer.initFrom() != null) {
            try {
                model.initFrom(trainer.initFrom(), trainer.initOptimizer());
            } catch (RuntimeException e) {
                model.close();
                throw e;
            }
        }
        TrainingResult result;
        try {
            result = trainer.fit(model, train, validation);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        result.model().setProvenance(provenance(backend, spec, train, validation, result));
        return result;
    }

    private static BalancerContext context(PluginRef ref, ModelSpec spec, long seed) {
        return new BalancerContext(ref, spec.tasks(), seed);
    }

    private GradientAggregator aggregator(ModelSpec spec, long seed) {
        if (!spec.hasGradientAggregation()) {
            return null;
        }
        PluginRef ref = spec.gradientAggregation();
        return registry.get(PluginKind.GRADIENT_AGGREGATOR, GradientAggregator.Factory.class, ref.name(),
                "gradientAggregation").create(context(ref, spec, seed));
    }

    private List<Clipper> clippers(ModelSpec spec, long seed) {
        List<Clipper> out = new ArrayList<>();
        for (int i = 0; i < spec.clipping().size(); i++) {
            PluginRef ref = spec.clipping().get(i);
            out.add(registry.get(PluginKind.CLIPPER, Clipper.Factory.class, ref.name(), "clipping[" + i + "]")
                    .create(context(ref, spec, seed)));
        }
        return out;
    }

    /** The backend's own provenance (library versions) completed with what only the run knows. */
    static Provenance provenance(Backend backend, ModelSpec spec, Dataset train, Dataset validation, TrainingResult r) {
        Provenance own = r.model().provenance();
        Provenance base = own != null ? own : Provenance.compiled(backend.name(), backend.version(), Map.of(),
                spec.training().seed());
        Map<String, String> summary = new LinkedHashMap<>();
        summary.put("epochs", String.valueOf(r.history().epochs().size()));
        if (r.history().stopReason() != null) {
            summary.put("stopReason", r.history().stopReason());
        }
        summary.put("lossWeighting", describe(spec.lossWeighting()));
        summary.put("gradientAggregation", describe(spec.gradientAggregation()));
        summary.put("clipping", String.join(", ", spec.clipping().stream().map(TrainingRun::describe).toList()));
        if (r.validation() != null) {
            r.validation().metrics().forEach((task, ms) -> ms.forEach((m, v) -> summary.put("validation." + task + "." + m,
                    String.valueOf(v))));
        }
        return base.completed(spec.training().seed(), train.description(), validationDescription(spec, train, validation),
                summary);
    }

    /** {@code gradnorm {alpha=1.5}} or a bare name. */
    private static String describe(PluginRef ref) {
        return ref.params().isEmpty() ? ref.name() : ref.name() + " " + ref.params();
    }

    private static String validationDescription(ModelSpec spec, Dataset train, Dataset validation) {
        if (validation != null) {
            return validation.description();
        }
        double f = spec.training().validationFraction();
        return f > 0 ? "held out " + f + " of " + train.description() : null;
    }
}
