package org.mtl4j.training.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InvalidClassException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BalancerStateFilterTest {

    /** A stateful balancer-like object whose state is what real balancers keep. */
    static final class State implements Serializable {
        private static final long serialVersionUID = 1L;
        final double[] logVariances = {0.1, -0.2};
        final List<double[]> history = new ArrayList<>(List.of(new double[] {1, 2}));
        final Random rng = new Random(3);
        final Map<String, Long> counts = new HashMap<>(Map.of("steps", 7L));
        Object extra;
    }

    private static byte[] bytes(Object o) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(buf)) {
            out.writeObject(o);
        }
        return buf.toByteArray();
    }

    private static Object read(byte[] b, BalancerStateFilter f) throws Exception {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(b))) {
            in.setObjectInputFilter(f);
            return in.readObject();
        }
    }

    @Test
    void admitsWhatBalancersKeep() throws Exception {
        BalancerStateFilter f = new BalancerStateFilter(State.class);
        State back;
        try {
            back = (State) read(bytes(new State()), f);
        } catch (java.io.InvalidClassException e) {
            throw new AssertionError("rejected " + f.rejected(), e);
        }
        assertThat(back.logVariances).containsExactly(0.1, -0.2);
        assertThat(back.counts).containsEntry("steps", 7L);
        assertThat(back.rng.nextInt()).isEqualTo(new Random(3).nextInt());
        assertThat(f.rejected()).isNull();
    }

    @Test
    void rejectsOtherClassesAndNamesThem() throws Exception {
        State s = new State();
        s.extra = URI.create("http://example.com/");
        BalancerStateFilter f = new BalancerStateFilter(State.class);
        assertThatThrownBy(() -> read(bytes(s), f)).isInstanceOf(InvalidClassException.class);
        assertThat(f.rejected()).isEqualTo("java.net.URI");
    }

    @Test
    void packageRules() {
        BalancerStateFilter plugin = new BalancerStateFilter(com.example.FakeBalancer.class);
        assertThat(plugin.allowed("com.example.mtlplugin.InverseLoss")).isTrue();
        assertThat(plugin.allowed("com.examples.Other")).isFalse();
        assertThat(plugin.allowed("org.mtl4j.balancers.weighting.Dwa")).isTrue();
        assertThat(plugin.allowed("java.util.ArrayList")).isTrue();
        assertThat(plugin.allowed("java.math.BigDecimal")).isTrue();
        assertThat(plugin.allowed("java.lang.Double")).isTrue();
        assertThat(plugin.allowed("java.lang.Runtime")).isFalse();
        assertThat(plugin.allowed("java.util.concurrent.ConcurrentHashMap")).isFalse();
        assertThat(plugin.allowed("javax.management.BadAttributeValueExpException")).isFalse();
        assertThat(plugin.allowed("org.apache.commons.collections.functors.InvokerTransformer")).isFalse();
    }
}
