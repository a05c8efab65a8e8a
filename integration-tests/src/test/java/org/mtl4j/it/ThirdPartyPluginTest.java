package org.mtl4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.metric.Evaluation;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.PluginRef;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.TrainingSpec;
import org.mtl4j.dsl.MtlRuntime;
import org.mtl4j.spi.PluginKind;
import org.mtl4j.dsl.junit.MtlExtension;
import org.mtl4j.training.TrainingResult;

/**
 * The plugin in {@code integration-tests/plugin-fixture} is its own jar; mtl4j finds it with
 * ServiceLoader and a spec uses its loss weighting and its metric by name, with no change to mtl4j.
 */
class ThirdPartyPluginTest {

    @RegisterExtension
    static MtlExtension mtl = MtlExtension.withPlugins();

    @Test
    void discoveredByName(MtlRuntime runtime) {
        assertThat(runtime.names(PluginKind.LOSS_WEIGHTING)).contains("inverse-loss", "equal", "gradnorm");
        assertThat(runtime.names(PluginKind.METRIC)).contains("brier", "auc");
    }

    @Test
    void aSpecUsesTheThirdPartyWeightingAndMetricByName(MtlRuntime runtime) {
        ModelSpec base = mtl.funnelSpec("dl4j");
        List<TaskSpec> tasks = base.tasks().stream()
                .map(t -> new TaskSpec(t.name(), t.kind(), t.label(), t.numClasses(), t.loss(), List.of("auc", "brier"),
                        t.weight(), t.auxiliary(), t.chainedAfter(), t.tower(), t.towerLearningRate()))
                .toList();
        ModelSpec spec = runtime.check(base.withTasks(tasks)
                .withBalancing(PluginRef.of("inverse-loss", java.util.Map.of("beta", 0.05)), PluginRef.NONE, List.of())
                .withOptimizer(org.mtl4j.api.spec.OptimizerSpec.adam(0.005))
                .withTraining(new TrainingSpec(2, 256, 3L, 0.0, null, 0, 50_000)));
        Dataset train = mtl.funnel(spec, 30_000, 1);
        Dataset test = mtl.funnel(spec, 10_000, 2, train);
        TrainingResult result = runtime.train(spec, train, null);
        Evaluation eval = runtime.evaluate(result.model(), test);
        double brier = eval.metric("ctr", "brier");
        System.out.printf("third-party plugin run: ctr AUC %.4f, Brier %.4f%n", eval.metric("ctr", "auc"), brier);
        // a constant prediction at the base rate 0.10 has Brier 0.09: the trained model must do better
        assertThat(brier).isBetween(0.0, 0.09);
        assertThat(eval.metric("ctr", "auc")).isGreaterThan(0.6);
    }
}
