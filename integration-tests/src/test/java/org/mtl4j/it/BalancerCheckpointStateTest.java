package org.mtl4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.balance.BalancerContext;
import org.mtl4j.api.spec.PluginRef;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.balancers.Balancers;
import org.mtl4j.dsl.Mtl;
import org.mtl4j.dsl.MtlRuntime;
import org.mtl4j.training.internal.BalancerStateFilter;

/**
 * Every built-in balancer's checkpoint state passes the resume filter: the filter admits what the
 * balancers keep (double arrays, Random, lists, ScalarAdam ...), so no built-in balancer loses its
 * state on resume.
 */
class BalancerCheckpointStateTest {

    @Test
    void everyBuiltInBalancerStateIsReadBackThroughTheFilter() throws Exception {
        MtlRuntime runtime = Mtl.runtime();
        List<TaskSpec> tasks = List.of(TaskSpec.binary("a", "a"), TaskSpec.regression("b", "b"), TaskSpec.binary("c", "c"));
        List<Object> balancers = new ArrayList<>();
        for (String n : Balancers.lossWeightings().keySet()) {
            balancers.add(runtime.lossWeighting(n).create(new BalancerContext(PluginRef.of(n), tasks, 1)));
        }
        for (String n : Balancers.gradientAggregators().keySet()) {
            balancers.add(runtime.gradientAggregator(n).create(new BalancerContext(PluginRef.of(n), tasks, 1)));
        }
        for (String n : Balancers.clippers().keySet()) {
            balancers.add(runtime.clipper(n).create(new BalancerContext(PluginRef.of(n), tasks, 1)));
        }
        assertThat(balancers).hasSize(Balancers.lossWeightings().size() + Balancers.gradientAggregators().size()
                + Balancers.clippers().size());
        for (Object b : balancers) {
            assertThat(b).as(b.getClass().getName()).isInstanceOf(Serializable.class);
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(buf)) {
                out.writeObject(b);
            }
            BalancerStateFilter filter = new BalancerStateFilter(b.getClass());
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(buf.toByteArray()))) {
                in.setObjectInputFilter(filter);
                Object back = in.readObject();
                assertThat(back).isInstanceOf(b.getClass());
            } catch (java.io.InvalidClassException e) {
                throw new AssertionError(b.getClass().getName() + ": the filter rejected " + filter.rejected(), e);
            }
        }
    }
}
