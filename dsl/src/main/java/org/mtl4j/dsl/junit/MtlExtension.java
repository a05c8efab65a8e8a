package org.mtl4j.dsl.junit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.data.CsvDataset;
import org.mtl4j.data.FunnelGenerator;
import org.mtl4j.dsl.MtlRuntime;
import org.mtl4j.spi.MtlPlugin;

/**
 * A JUnit 5 extension that builds an mtl4j runtime with chosen plugins and keeps small generated
 * datasets at hand, as Jdbi's {@code JdbiExtension} does for databases:
 *
 * <pre>{@code
 * @RegisterExtension
 * static MtlExtension mtl = MtlExtension.withPlugins(new MyPlugin());
 *
 * @Test
 * void trains(MtlRuntime runtime) {
 *     ModelSpec spec = mtl.funnelSpec("dl4j").withBalancing(PluginRef.of("my-weighting"), null, null);
 *     var result = runtime.train(spec, mtl.funnel(spec, 20_000, 1), mtl.funnel(spec, 5_000, 2));
 * }
 * }</pre>
 *
 * Test methods may declare an {@link MtlRuntime} parameter. Generated files live in a temporary
 * directory removed after the test class; identical requests reuse one file.
 */
public final class MtlExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    private final List<MtlPlugin> plugins;
    private final boolean discover;
    private final Map<String, Path> files = new ConcurrentHashMap<>();
    private MtlRuntime runtime;
    private Path workDir;

    private MtlExtension(List<MtlPlugin> plugins, boolean discover) {
        this.plugins = List.copyOf(plugins);
        this.discover = discover;
    }

    /** Plugins found with ServiceLoader plus the given ones. */
    public static MtlExtension withPlugins(MtlPlugin... plugins) {
        return new MtlExtension(List.of(plugins), true);
    }

    /** Only the given plugins (no discovery): proves a plugin works on its own. */
    public static MtlExtension only(MtlPlugin... plugins) {
        return new MtlExtension(List.of(plugins), false);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        workDir = Files.createTempDirectory("mtl4j-test");
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (workDir != null) {
            try (Stream<Path> walk = Files.walk(workDir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** The runtime, built on first use. */
    public synchronized MtlRuntime runtime() {
        if (runtime == null) {
            runtime = MtlRuntime.builder().discover(discover).withPlugins(plugins.toArray(MtlPlugin[]::new)).build();
        }
        return runtime;
    }

    /** The temporary directory of this test class. */
    public Path workDir() {
        if (workDir == null) {
            throw new IllegalStateException("MtlExtension must be registered as a static @RegisterExtension field");
        }
        return workDir;
    }

    /** A funnel CSV (issue 2's generator, default world) of {@code rows} rows drawn with {@code rowSeed}. */
    public Path funnelCsv(long rows, long rowSeed) {
        return files.computeIfAbsent("funnel-" + rows + "-" + rowSeed, key -> {
            Path f = workDir().resolve(key + ".csv");
            new FunnelGenerator().writeCsv(f, rows, rowSeed);
            return f;
        });
    }

    /** The funnel demo spec on the named backend. */
    public ModelSpec funnelSpec(String backend) {
        return FunnelGenerator.demoSpec().withBackend(backend);
    }

    /** Funnel rows bound to {@code spec} (vocabularies built from this file; user ids grouped for GAUC). */
    public Dataset funnel(ModelSpec spec, long rows, long rowSeed) {
        return CsvDataset.builder(funnelCsv(rows, rowSeed), spec).groupBy("user_id").build();
    }

    /** Funnel rows bound to {@code spec} with the vocabularies of {@code train} (test data must reuse them). */
    public Dataset funnel(ModelSpec spec, long rows, long rowSeed, Dataset train) {
        return CsvDataset.builder(funnelCsv(rows, rowSeed), spec).vocabularies(train.vocabularies())
                .denseStats(train.denseStats()).groupBy("user_id").build();
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        return p.getParameter().getType() == MtlRuntime.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        return runtime();
    }

}
