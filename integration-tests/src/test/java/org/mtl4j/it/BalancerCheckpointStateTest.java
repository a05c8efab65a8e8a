package org.mtl4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.balance.BalancerContext;
import org.mtl4j.api.balance.PlainState;
import org.mtl4j.api.balance.Stateful;
import org.mtl4j.api.spec.PluginRef;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.balancers.Balancers;
import org.mtl4j.dsl.Mtl;
import org.mtl4j.dsl.MtlRuntime;

/**
 * Every built-in balancer, created through the plugin runtime as a training run creates it, saves its
 * state as plain data that survives the checkpoint format and is accepted by a fresh instance: no
 * built-in balancer loses its state on resume, and none needs Java serialisation.
 */
class BalancerCheckpointStateTest {

    @Test
    void everyBuiltInBalancerStateRoundTripsIntoAFreshInstance() throws Exception {
        MtlRuntime runtime = Mtl.runtime();
        List<TaskSpec> tasks = List.of(TaskSpec.binary("a", "a"), TaskSpec.regression("b", "b"), TaskSpec.binary("c", "c"));
        List<Supplier<Stateful>> factories = new ArrayList<>();
        for (String n : Balancers.lossWeightings().keySet()) {
            factories.add(() -> runtime.lossWeighting(n).create(new BalancerContext(PluginRef.of(n), tasks, 1)));
        }
        for (String n : Balancers.gradientAggregators().keySet()) {
            factories.add(() -> runtime.gradientAggregator(n).create(new BalancerContext(PluginRef.of(n), tasks, 1)));
        }
        for (String n : Balancers.clippers().keySet()) {
            factories.add(() -> runtime.clipper(n).create(new BalancerContext(PluginRef.of(n), tasks, 1)));
        }
        assertThat(factories).hasSize(Balancers.lossWeightings().size() + Balancers.gradientAggregators().size()
                + Balancers.clippers().size());
        for (Supplier<Stateful> f : factories) {
            Stateful b = f.get();
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(buf)) {
                b.saveState().write(out);
            }
            PlainState back = PlainState.read(new DataInputStream(new ByteArrayInputStream(buf.toByteArray())));
            Stateful fresh = f.get();
            fresh.restoreState(back);
            assertThat(fresh.saveState()).as(b.getClass().getName()).isEqualTo(b.saveState());
        }
    }
}
