package org.mtl4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.metric.Evaluation;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.PluginRef;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.api.spec.TrainingSpec;
import org.mtl4j.backend.tribuo.TribuoFmModel;
import org.mtl4j.data.CachedDataset;
import org.mtl4j.data.CsvDataset;
import org.mtl4j.data.FunnelGenerator;
import org.mtl4j.dsl.Mtl;
import org.mtl4j.dsl.MtlRuntime;
import org.mtl4j.spi.PluginKind;
import org.mtl4j.training.TrainingResult;

/**
 * Every loss weighting, gradient aggregator and clipper of the catalogue trains the FM through the
 * runtime (validation, compile, the one loop) on 20k funnel rows and learns click: test AUC at least
 * 0.65 (the oracle's is 0.79, chance 0.5). Here rather than in the backend's module because it
 * goes through the DSL's runtime, which the backend does not depend on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TribuoBalancerMatrixTest {
    private MtlRuntime runtime;
    private Dataset train;
    private Dataset test;
    private ModelSpec base;
    private final Map<String, String> results = new TreeMap<>();

    @BeforeAll
    void setUp() {
        runtime = Mtl.runtimeBuilder().discover(true).build();
        base = FunnelGenerator.demoSpec().withBackend("tribuo").withTopology(new Topology.Ple(1, 1, 1, List.of(8)))
                .withOptimizer(new OptimizerSpec("adagrad", 0.05, 0.9, 0.999, 1e-8, 0, 0.001))
                .withTraining(new TrainingSpec(1, 128, 3L, 0, null, 10, 100_000)).withoutHiddenLayers();
        train = CachedDataset.of(CsvDataset.builder(csv("train", 50_000, 5), base).build());
        test = CachedDataset.of(CsvDataset.builder(csv("test", 20_000, 2), base).vocabularies(train.vocabularies())
                .denseStats(train.denseStats()).build());
    }

    private static synchronized Path csv(String name, long rows, long rowSeed) {
        Path p = Path.of("target", "test-data", "funnel-w" + FunnelGenerator.Config.DEFAULT.seed() + "-" + name + "-" + rows
                + "-" + rowSeed + ".csv");
        if (!Files.isRegularFile(p)) {
            new FunnelGenerator().writeCsv(p, rows, rowSeed);
        }
        return p;
    }

    private double clickAuc(ModelSpec spec, String label) {
        TrainingResult r = runtime.train(spec, train, null);
        assertThat(r.model()).isInstanceOf(TribuoFmModel.class);
        assertThat(r.history().epochs()).hasSize(1);
        Evaluation e = runtime.evaluate(r.model(), test);
        double auc = e.metric("ctr", "auc");
        results.put(label, String.format("ctr %.4f ctcvr %.4f", auc, e.metric("ctcvr", "auc")));
        System.out.println("balancer matrix: " + label + ": " + results.get(label));
        return auc;
    }

    @Test
    void everyLossWeightingTrainsTheFm() {
        for (String name : runtime.names(PluginKind.LOSS_WEIGHTING)) {
            double auc = clickAuc(base.withBalancing(PluginRef.of(name), PluginRef.NONE, List.of()), "weighting " + name);
            assertThat(auc).as("loss weighting %s", name).isGreaterThanOrEqualTo(0.65);
        }
        assertThat(results.keySet()).contains("weighting equal", "weighting uncertainty", "weighting gradnorm");
    }

    @Test
    void everyGradientAggregatorTrainsTheFmThroughPerTaskGradients() {
        for (String name : runtime.names(PluginKind.GRADIENT_AGGREGATOR)) {
            double auc = clickAuc(base.withBalancing(PluginRef.of("equal"), PluginRef.of(name), List.of()), "aggregator " + name);
            assertThat(auc).as("gradient aggregator %s", name).isGreaterThanOrEqualTo(0.65);
        }
        assertThat(results.keySet()).contains("aggregator pcgrad", "aggregator mgda", "aggregator nash-mtl");
    }

    @Test
    void everyClipperTrainsTheFm() {
        for (String name : runtime.names(PluginKind.CLIPPER)) {
            ModelSpec spec = base.withBalancing(PluginRef.of("equal"), name.equals("per-task-norm") ? PluginRef.of("sum")
                    : PluginRef.NONE, List.of(PluginRef.of(name)));
            double auc = clickAuc(spec, "clipper " + name);
            assertThat(auc).as("clipper %s", name).isGreaterThanOrEqualTo(0.65);
        }
        assertThat(results.keySet()).contains("clipper global-norm", "clipper adaptive");
    }
}
