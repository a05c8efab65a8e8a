package org.mtl4j.dsl;

import com.google.inject.Injector;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.function.Consumer;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.backend.Backend;
import org.mtl4j.api.backend.TrainedModel;
import org.mtl4j.api.balance.Clipper;
import org.mtl4j.api.balance.GradientAggregator;
import org.mtl4j.api.balance.LossWeighting;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.metric.Evaluation;
import org.mtl4j.api.metric.Metric;
import org.mtl4j.api.spec.Defaults;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.train.TrainingListener;
import org.mtl4j.dsl.internal.PluginContributions;
import org.mtl4j.dsl.internal.PluginDiscovery;
import org.mtl4j.dsl.internal.PluginRegistry;
import org.mtl4j.dsl.internal.SpecDraft;
import org.mtl4j.dsl.internal.SpecValidator;
import org.mtl4j.dsl.internal.TrainingRun;
import org.mtl4j.spi.io.ModelArchive;
import org.mtl4j.spi.MtlPlugin;
import org.mtl4j.spi.PluginKind;
import org.mtl4j.spi.UnknownPluginException;
import org.mtl4j.tasks.Metrics;
import org.mtl4j.training.Evaluator;
import org.mtl4j.training.Trainer;
import org.mtl4j.training.TrainingResult;

/**
 * The assembled plugins (one Guice injector) and what can be done with them: look a backend,
 * balancer or metric up by name, validate a spec, train, evaluate and load models. Get the shared
 * discovered one with {@link Mtl#runtime()}, or build one with chosen plugins:
 * <pre>{@code
 * MtlRuntime rt = Mtl.runtimeBuilder().withPlugins(new MyPlugin()).discover(true).build();
 * TrainingResult r = rt.train(spec, trainData, validData, new ProgressBar());
 * }</pre>
 * Unknown names fail listing the known ones: {@code MTL/UnknownPlugin: lossWeighting = "gradnrom"
 * (known: dwa, equal, fixed, gradnorm, rlw, schedule, uncertainty)}.
 */
public final class MtlRuntime {
    private final PluginRegistry registry;
    private final SpecValidator validator;

    private MtlRuntime(PluginRegistry registry) {
        this.registry = registry;
        this.validator = new SpecValidator(registry);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Chooses the plugins of a runtime. */
    public static final class Builder {
        private final List<MtlPlugin> explicit = new ArrayList<>();
        private boolean discover = true;
        private ClassLoader loader;

        private Builder() {
        }

        /** Installs plugins explicitly (in addition to discovered ones, unless {@code discover(false)}). */
        public Builder withPlugins(MtlPlugin... plugins) {
            explicit.addAll(Arrays.asList(plugins));
            return this;
        }

        /** Whether to add the plugins {@link java.util.ServiceLoader} finds (default true). */
        public Builder discover(boolean discover) {
            this.discover = discover;
            return this;
        }

        /** The class loader discovery searches (default: the thread's context class loader). */
        public Builder classLoader(ClassLoader loader) {
            this.loader = loader;
            return this;
        }

        /**
         * @throws org.mtl4j.spi.DuplicatePluginException when two plugins bind one name of one kind
         */
        public MtlRuntime build() {
            ClassLoader cl = loader != null ? loader : Thread.currentThread().getContextClassLoader();
            List<MtlPlugin> found = discover ? PluginDiscovery.discover(cl == null ? MtlRuntime.class.getClassLoader() : cl)
                    : List.of();
            return new MtlRuntime(PluginRegistry.create(PluginDiscovery.merge(explicit, found)));
        }
    }

    /** The installed plugins, explicit ones first. */
    public List<MtlPlugin> plugins() {
        return registry.plugins();
    }

    /** The Guice injector holding every plugin's bindings. */
    public Injector injector() {
        return registry.injector();
    }

    public Backend backend(String name) {
        return registry.get(PluginKind.BACKEND, Backend.class, name, PluginKind.BACKEND.specField());
    }

    public LossWeighting.Factory lossWeighting(String name) {
        return registry.get(PluginKind.LOSS_WEIGHTING, LossWeighting.Factory.class, name,
                PluginKind.LOSS_WEIGHTING.specField());
    }

    public GradientAggregator.Factory gradientAggregator(String name) {
        return registry.get(PluginKind.GRADIENT_AGGREGATOR, GradientAggregator.Factory.class, name,
                PluginKind.GRADIENT_AGGREGATOR.specField());
    }

    public Clipper.Factory clipper(String name) {
        return registry.get(PluginKind.CLIPPER, Clipper.Factory.class, name, PluginKind.CLIPPER.specField());
    }

    /** A metric by the name a spec writes, {@code auc} or {@code ndcg@10} (the cut-off is applied). */
    public Metric metric(String name) {
        int at = name.indexOf('@');
        registry.get(PluginKind.METRIC, Metric.class, at < 0 ? name : name.substring(0, at), PluginKind.METRIC.specField());
        return Metrics.resolve(name, registry.map(PluginKind.METRIC, Metric.class));
    }

    /** The system property that names the default backend (as DJL's {@code ai.djl.default_engine}). */
    public static final String BACKEND_PROPERTY = "mtl4j.backend";
    /** The environment variable that names the default backend when the property is not set. */
    public static final String BACKEND_ENV = "MTL4J_BACKEND";

    /**
     * The backend a model gets when it names none, chosen as DJL chooses its default engine: the
     * system property {@value #BACKEND_PROPERTY}, else the environment variable {@value #BACKEND_ENV},
     * else the backend of the highest-ranked plugin ({@link MtlPlugin#rank()}; a tie goes to the
     * alphabetically first name). The dl4j backend ranks 100 and tribuo 0, so {@code dl4j} is the
     * default when both are installed; {@code dl4j} also when no backend is installed (the spec then
     * fails validation naming it).
     *
     * @throws UnknownPluginException when the property or variable names a backend nobody registered
     */
    public String defaultBackend() {
        return defaultBackend(System::getProperty, System::getenv);
    }

    String defaultBackend(java.util.function.UnaryOperator<String> properties, java.util.function.UnaryOperator<String> env) {
        SortedSet<String> installed = names(PluginKind.BACKEND);
        String chosen = properties.apply(BACKEND_PROPERTY);
        String from = "-D" + BACKEND_PROPERTY;
        if (chosen == null || chosen.isBlank()) {
            chosen = env.apply(BACKEND_ENV);
            from = BACKEND_ENV;
        }
        if (chosen != null && !chosen.isBlank()) {
            chosen = chosen.trim();
            if (!installed.contains(chosen)) {
                throw new UnknownPluginException(PluginKind.BACKEND, from, chosen, installed);
            }
            return chosen;
        }
        String best = null;
        int bestRank = Integer.MIN_VALUE;
        for (MtlPlugin p : registry.plugins()) {
            for (String name : new java.util.TreeSet<>(PluginContributions.of(p).getOrDefault(PluginKind.BACKEND, Set.of()))) {
                if (best == null || p.rank() > bestRank || (p.rank() == bestRank && name.compareTo(best) < 0)) {
                    best = name;
                    bestRank = p.rank();
                }
            }
        }
        return best != null ? best : Defaults.BACKEND;
    }

    /** Every registered name of a kind, sorted. */
    public SortedSet<String> names(PluginKind kind) {
        return registry.names(kind);
    }

    /** Kind id ({@code backend}, {@code loss-weighting} ...) to its sorted names, for {@code mtl4j plugins}. */
    public Map<String, SortedSet<String>> catalogue() {
        return registry.catalogue();
    }

    /** Every problem of a spec (the checks of the DSL's {@code build()}); empty when it is fine. */
    public List<Problem> validate(ModelSpec spec) {
        return validator.validate(spec);
    }

    /** Validation of parts the DSL assembled (some may be missing after a record refused its values). */
    List<Problem> validate(SpecDraft draft) {
        return validator.validate(draft);
    }

    /** Throws a {@link SpecValidationException} listing every problem of the spec, if it has any. */
    public ModelSpec check(ModelSpec spec) {
        List<Problem> problems = validate(spec);
        if (!problems.isEmpty()) {
            throw new SpecValidationException(spec.name(), problems);
        }
        return spec;
    }

    /**
     * Validates the spec, compiles it on its backend with the training data's vocabularies and dense
     * statistics, and trains it with the spec's balancers.
     *
     * @param validation validation data, or null ({@code training.validationFraction} then decides)
     */
    public TrainingResult train(ModelSpec spec, Dataset train, Dataset validation, TrainingListener... listeners) {
        return train(spec, train, validation, null, listeners);
    }

    /**
     * As {@link #train(ModelSpec, Dataset, Dataset, TrainingListener...)}, with a hook that sets
     * further trainer options (checkpoints, resume) before the run.
     */
    public TrainingResult train(ModelSpec spec, Dataset train, Dataset validation, Consumer<Trainer.Builder> options,
            TrainingListener... listeners) {
        check(spec);
        return new TrainingRun(registry, this::metric).run(spec, train, validation, options, List.of(listeners));
    }

    /** Per-task metrics of a model on a dataset, with this runtime's metrics (plugins included). */
    public Evaluation evaluate(TrainedModel model, Dataset data) {
        return Evaluator.evaluate(model, data, this::metric);
    }

    /** Loads a saved model with the backend that wrote it (named in the file). */
    public TrainedModel load(Path file) throws IOException {
        String name = ModelArchive.backendOf(file);
        Backend b = registry.map(PluginKind.BACKEND, Backend.class).get(name);
        if (b == null) {
            throw new org.mtl4j.spi.io.ModelFileException(UnknownPluginException.ID + ": " + file + " was saved by backend " + '"' + name + '"'
                    + ", which is not installed (" + UnknownPluginException.knownText(names(PluginKind.BACKEND)) + ")");
        }
        return b.load(file);
    }
}
