package org.mtl4j.balancers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.balance.BalancerContext;
import org.mtl4j.api.balance.Clipper;
import org.mtl4j.api.spec.PluginRef;
import org.mtl4j.api.spec.TaskSpec;

class BalancersTest {
    private static final List<TaskSpec> TASKS = List.of(TaskSpec.binary("ctr", "click"), TaskSpec.regression("price", "y"),
            TaskSpec.multiclass("genre", "g", 4));

    @Test
    void everyAgreedNameIsRegisteredInOrder() {
        assertThat(Balancers.lossWeightings()).containsOnlyKeys("equal", "fixed", "uncertainty", "dwa", "rlw", "schedule", "gradnorm");
        assertThat(List.copyOf(Balancers.lossWeightings().keySet()))
                .containsExactly("equal", "fixed", "uncertainty", "dwa", "rlw", "schedule", "gradnorm");
        assertThat(List.copyOf(Balancers.gradientAggregators().keySet()))
                .containsExactly("sum", "pcgrad", "mgda", "cagrad", "imtl-g", "gradvac", "graddrop", "aligned-mtl", "nash-mtl");
        assertThat(List.copyOf(Balancers.clippers().keySet())).containsExactly("global-norm", "value", "per-task-norm", "adaptive");
        assertThatThrownBy(() -> Balancers.clippers().put("x", null)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void everyFactoryDescribesItselfAndCreatesWithItsDefaults() {
        Balancers.lossWeightings().forEach((name, f) -> {
            assertThat(f.description()).as(name).isNotBlank();
            assertThat(f.create(new BalancerContext(PluginRef.of(name, f.defaults()), TASKS, 1))).as(name).isNotNull();
        });
        Balancers.gradientAggregators().forEach((name, f) -> {
            assertThat(f.description()).as(name).isNotBlank();
            assertThat(f.create(new BalancerContext(PluginRef.of(name, f.defaults()), TASKS, 1))).as(name).isNotNull();
        });
        Balancers.clippers().forEach((name, f) -> {
            assertThat(f.description()).as(name).isNotBlank();
            assertThat(f.create(new BalancerContext(PluginRef.of(name, f.defaults()), TASKS, 1))).as(name).isNotNull();
        });
    }

    @Test
    void defaultsAreThePapersValues() {
        assertThat(Balancers.lossWeightings().get("gradnorm").defaults()).contains(entry("alpha", 1.5));
        assertThat(Balancers.lossWeightings().get("dwa").defaults()).containsExactly(entry("temperature", 2.0));
        assertThat(Balancers.gradientAggregators().get("cagrad").defaults()).contains(entry("c", 0.5));
        assertThat(Balancers.gradientAggregators().get("gradvac").defaults()).containsExactly(entry("beta", 0.01));
        assertThat(Balancers.gradientAggregators().get("graddrop").defaults()).containsExactly(entry("leak", 0.0));
        assertThat(Balancers.clippers().get("adaptive").defaults()).containsExactly(entry("clipping", 0.01), entry("eps", 1e-3));
        assertThat(Balancers.clippers().get("global-norm").defaults()).containsExactly(entry("maxNorm", 1.0));
        assertThat(Balancers.clippers().get("value").defaults()).containsExactly(entry("limit", 1.0));
        assertThat(Balancers.clippers().get("per-task-norm").defaults()).containsExactly(entry("maxNorm", 1.0));
    }

    @Test
    void lookupByNameAndItsErrors() {
        assertThat(Balancers.clipper(new BalancerContext(PluginRef.of("per-task-norm"), TASKS, 1)).stage())
                .isEqualTo(Clipper.Stage.TASK_GRADIENTS);
        assertThatThrownBy(() -> Balancers.gradientAggregator(new BalancerContext(PluginRef.of("pcgard"), TASKS, 1)))
                .isInstanceOf(MtlException.class)
                .hasMessage("unknown gradient aggregator \"pcgard\" (known: sum, pcgrad, mgda, cagrad, imtl-g, gradvac, graddrop,"
                        + " aligned-mtl, nash-mtl)");
        assertThatThrownBy(() -> Balancers.lossWeighting(new BalancerContext(PluginRef.of("gradnorm", Map.of("alpah", 1.0)), TASKS, 1)))
                .isInstanceOf(MtlException.class)
                .hasMessage("loss weighting 'gradnorm': unknown parameter 'alpah' = 1.0 (known: adam, alpha, lr)");
        assertThatThrownBy(() -> Balancers.gradientAggregator(new BalancerContext(PluginRef.of("cagrad", Map.of("c", -0.5)), TASKS, 1)))
                .hasMessage("gradient aggregator 'cagrad': parameter 'c' must be >= 0.0, found -0.5");
        assertThatThrownBy(() -> Balancers.clipper(new BalancerContext(PluginRef.of("global-norm", Map.of("maxNorm", 0.0)), TASKS, 1)))
                .hasMessage("clipper 'global-norm': parameter 'maxNorm' must be > 0, found 0.0");
        assertThatThrownBy(() -> Balancers.lossWeighting(new BalancerContext(PluginRef.of("uncertainty", Map.of("adam", 2.0)), TASKS, 1)))
                .hasMessage("loss weighting 'uncertainty': parameter 'adam' must be 0 or 1, found 2.0");
    }

    @Test
    void uncertaintyUsesTheRegressionAndClassificationForms() {
        var w = Balancers.lossWeighting(new BalancerContext(PluginRef.of("uncertainty"), TASKS, 1));
        assertThat(w.weights(new org.mtl4j.api.balance.WeightingContext(0, 0, new double[] {1, 1, 1}, new int[] {1, 1, 1})))
                .containsExactly(1.0, 0.5, 1.0);
    }
}
