package org.mtl4j.backend.dl4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.balance.BalancerContext;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.PluginRef;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.api.spec.TrainingSpec;
import org.mtl4j.backend.dl4j.internal.model.Dl4jModel;
import org.mtl4j.balancers.Balancers;
import org.mtl4j.training.Trainer;

/**
 * What a training step costs, counted in backward passes of the real DL4J model through the real
 * loop: GradNorm's last-shared-layer gradients are a view of the same per-task gradients an
 * aggregator uses, so GradNorm + PCGrad (with diagnostics on every step) costs T passes, not 2T.
 */
class StepCostTest {

    private static long passesPerStep(ModelSpec spec, String weighting, String aggregator, int diagnosticsEvery) {
        ModelSpec s = new ModelSpec(spec.name(), spec.inputs(), spec.tasks(), spec.topology(), null, null, null, spec.optimizer(),
                new TrainingSpec(2, 20, 7L, 0, null, diagnosticsEvery, 1000), "dl4j");
        Dl4jModel model = (Dl4jModel) Fixtures.compile(s);
        Dataset data = Fixtures.dataset(List.of(Fixtures.batch(s, 20, 1, 4), Fixtures.batch(s, 20, 2, 4),
                Fixtures.batch(s, 20, 3, 4)));
        Trainer.Builder b = Trainer.builder().lossWeighting(
                () -> Balancers.lossWeighting(new BalancerContext(PluginRef.of(weighting), s.tasks(), 7L)));
        if (aggregator != null) {
            b.gradientAggregator(() -> Balancers.gradientAggregator(new BalancerContext(PluginRef.of(aggregator), s.tasks(), 7L)));
        }
        long before = model.backwardPasses();
        b.build().fit(model, data, null);
        assertThat(model.updates()).isEqualTo(6);
        return (model.backwardPasses() - before) / model.updates();
    }

    @Test
    void gradNormWithPcGradCostsTBackwardPassesNotTwoT() {
        ModelSpec spec = Fixtures.spec(new Topology.Mmoe(3, List.of(5), List.of()), Fixtures.mixedTasks(), OptimizerSpec.adam(1e-3));
        int t = spec.tasks().size();
        assertThat(t).isEqualTo(4);
        assertThat(passesPerStep(spec, "gradnorm", "pcgrad", 1)).isEqualTo(t);
        assertThat(passesPerStep(spec, "gradnorm", "pcgrad", 0)).isEqualTo(t);
        assertThat(passesPerStep(spec, "gradnorm", null, 0)).isEqualTo(t);
        assertThat(passesPerStep(spec, "equal", "pcgrad", 0)).isEqualTo(t);
        // diagnostics alone: the T passes they need also give the update
        assertThat(passesPerStep(spec, "equal", null, 1)).isEqualTo(t);
        // a plain weighting: one pass
        assertThat(passesPerStep(spec, "uncertainty", null, 0)).isEqualTo(1);
    }
}
