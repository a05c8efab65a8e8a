package org.mtl4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.mtl4j.api.backend.ArrayGradientVector;
import org.mtl4j.api.backend.GradientVector;
import org.mtl4j.api.backend.ParameterBlock;
import org.mtl4j.api.balance.ClipReport;
import org.mtl4j.api.balance.Clipper;
import org.mtl4j.api.balance.ClippingContext;
import org.mtl4j.api.spec.PluginRef;

/**
 * The contract of a {@link Clipper}: extend it and implement {@link #factory()}. A clipper never
 * increases a norm (of the whole gradient, of each task gradient, of each parameter block), is
 * idempotent (clipping twice equals clipping once) and keeps finite values finite.
 */
public abstract class ClipperContract {

    protected abstract Clipper.Factory factory();

    protected PluginRef params() {
        return PluginRef.of("under-test");
    }

    /** Runs the whole contract on this plugin. */
    @TestFactory
    Stream<DynamicTest> clipperContract() {
        return suite(factory(), params());
    }

    /** The contract as dynamic tests, for suites that run it over many clippers. */
    public static Stream<DynamicTest> suite(Clipper.Factory factory, PluginRef params) {
        Checks c = new Checks(factory, params);
        return Stream.of(
                Stream.of(1e-4, 1.0, 1e3, 1e6).map(s -> DynamicTest.dynamicTest("never increases a norm (scale " + s + ")", () -> c.neverIncreasesANorm(s))),
                Stream.of(1.0, 1e3).map(s -> DynamicTest.dynamicTest("is idempotent (scale " + s + ")", () -> c.isIdempotent(s))),
                Stream.of(1e-8, 1.0, 1e8).map(s -> DynamicTest.dynamicTest("keeps finite values finite (scale " + s + ")", () -> c.keepsFiniteValuesFinite(s))))
                .flatMap(x -> x);
    }

    /** A context over two parameter blocks (3 units x 4 and 2 units x 5) of the given gradient scale. */
    private static Fixture fixture(double scale, long seed) {
        GradientVector grad = Gradients.random(1, 22, seed).get(0);
        grad.scale(scale);
        GradientVector values = Gradients.random(1, 22, seed + 1).get(0);
        double[] g = grad.toArray();
        double[] v = values.toArray();
        ArrayGradientVector g1 = new ArrayGradientVector(java.util.Arrays.copyOfRange(g, 0, 12));
        ArrayGradientVector g2 = new ArrayGradientVector(java.util.Arrays.copyOfRange(g, 12, 22));
        List<ParameterBlock> blocks = List.of(
                new ParameterBlock("w1", new ArrayGradientVector(java.util.Arrays.copyOfRange(v, 0, 12)), g1, 3, true, null),
                new ParameterBlock("w2", new ArrayGradientVector(java.util.Arrays.copyOfRange(v, 12, 22)), g2, 2, false, "t0"));
        List<GradientVector> tasks = new ArrayList<>(Gradients.random(2, 22, seed + 2));
        tasks.forEach(t -> t.scale(scale));
        return new Fixture(new ArrayGradientVector(g), blocks, tasks);
    }

    private record Fixture(GradientVector gradient, List<ParameterBlock> blocks, List<GradientVector> tasks) {
        ClippingContext context() {
            return new ClippingContext(0, List.of("t0", "t1"), gradient, blocks, tasks);
        }

        double[] norms() {
            double[] n = new double[2 + blocks.size() + tasks.size()];
            n[0] = gradient.norm();
            int i = 1;
            for (ParameterBlock b : blocks) {
                n[i++] = b.gradient().norm();
            }
            for (GradientVector t : tasks) {
                n[i++] = t.norm();
            }
            return n;
        }

        List<double[]> snapshot() {
            List<double[]> s = new ArrayList<>();
            s.add(gradient.toArray());
            blocks.forEach(b -> s.add(b.gradient().toArray()));
            tasks.forEach(t -> s.add(t.toArray()));
            return s;
        }
    }

    private record Checks(Clipper.Factory factory, PluginRef params) {
    void neverIncreasesANorm(double scale) {
        Fixture f = fixture(scale, 42);
        double[] before = f.norms();
        ClipReport report = factory.create(Fixtures.context(params, 2, 1)).clip(f.context());
        double[] after = f.norms();
        for (int i = 0; i < before.length; i++) {
            assertThat(after[i]).as("norm %d", i).isLessThanOrEqualTo(before[i] * (1 + 1e-9));
        }
        assertThat(report.normAfter()).isLessThanOrEqualTo(report.normBefore() * (1 + 1e-9));
    }

    void isIdempotent(double scale) {
        Fixture f = fixture(scale, 7);
        Clipper c = factory.create(Fixtures.context(params, 2, 1));
        c.clip(f.context());
        List<double[]> once = f.snapshot();
        c.clip(f.context());
        List<double[]> twice = f.snapshot();
        for (int i = 0; i < once.size(); i++) {
            double[] a = once.get(i);
            double[] b = twice.get(i);
            for (int j = 0; j < a.length; j++) {
                assertThat(b[j]).as("vector %d element %d", i, j).isCloseTo(a[j], within(1e-9 * Math.max(1, Math.abs(a[j]))));
            }
        }
    }

    void keepsFiniteValuesFinite(double scale) {
        Fixture f = fixture(scale, 3);
        factory.create(Fixtures.context(params, 2, 1)).clip(f.context());
        assertThat(f.gradient().isFinite()).isTrue();
        f.tasks().forEach(t -> assertThat(t.isFinite()).isTrue());
        f.blocks().forEach(b -> assertThat(b.gradient().isFinite()).isTrue());
    }
    }
}
