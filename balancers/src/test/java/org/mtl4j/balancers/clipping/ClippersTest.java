package org.mtl4j.balancers.clipping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mtl4j.api.backend.ArrayGradientVector;
import org.mtl4j.api.backend.GradientVector;
import org.mtl4j.api.backend.ParameterBlock;
import org.mtl4j.api.balance.ClipReport;
import org.mtl4j.api.balance.Clipper;
import org.mtl4j.api.balance.ClippingContext;
import org.mtl4j.balancers.Balancers;
import org.mtl4j.balancers.TestVectors;

class ClippersTest {

    private static Clipper create(String name, Map<String, Double> params) {
        return Balancers.clippers().get(name).create(TestVectors.ctx(name, params, TestVectors.tasks(2)));
    }

    private static ClippingContext finalStage(GradientVector g) {
        ParameterBlock block = new ParameterBlock("all", TestVectors.v(new double[g.length()]), g, g.length(), true, null);
        return new ClippingContext(1, List.of("t0", "t1"), g, List.of(block), List.of());
    }

    @Test
    void globalNormRescalesToMaxNorm() {
        GradientVector g = TestVectors.v(3, 4);
        ClipReport r = create("global-norm", Map.of()).clip(finalStage(g));
        assertThat(g.toArray()).containsExactly(new double[] {0.6, 0.8}, within(1e-15));
        assertThat(r).isEqualTo(new ClipReport("global-norm", true, 5, r.normAfter(), 2));
        assertThat(r.normAfter()).isCloseTo(1, within(1e-15));
        GradientVector small = TestVectors.v(0.3, 0.4);
        assertThat(create("global-norm", Map.of("maxNorm", 2.0)).clip(finalStage(small))).isEqualTo(ClipReport.none("global-norm", 0.5));
        assertThat(small.toArray()).containsExactly(0.3, 0.4);
    }

    @Test
    void valueClampsElementsAndCountsThem() {
        GradientVector g = TestVectors.v(3, -0.5, -2);
        ClipReport r = create("value", Map.of()).clip(finalStage(g));
        assertThat(g.toArray()).containsExactly(1, -0.5, -1);
        assertThat(r.elementsClipped()).isEqualTo(2);
        assertThat(r.normBefore()).isCloseTo(Math.sqrt(13.25), within(1e-14));
        assertThat(r.normAfter()).isCloseTo(Math.sqrt(2.25), within(1e-14));
    }

    @Test
    void perTaskNormClipsEachTaskGradientBeforeAggregation() {
        Clipper c = create("per-task-norm", Map.of());
        assertThat(c.stage()).isEqualTo(Clipper.Stage.TASK_GRADIENTS);
        GradientVector big = TestVectors.v(0, 5, 0);
        GradientVector small = TestVectors.v(0.5, 0, 0);
        ClipReport r = c.clip(new ClippingContext(1, List.of("t0", "t1"), null, List.of(), List.of(big, small)));
        assertThat(big.toArray()).containsExactly(0, 1, 0);
        assertThat(small.toArray()).containsExactly(0.5, 0, 0);
        assertThat(r).isEqualTo(new ClipReport("per-task-norm", true, 5, 1, 3));
    }

    @Test
    void adaptiveClipsUnitWiseAgainstTheParameterNorm() {
        // two units of two values: W = [3 4 | 0 0] (norms 5, 0), G = [0.3 0.4 | 1 0] (norms 0.5, 1)
        // lambda = 0.01, eps = 1e-3: unit 0 limit 0.05 -> scaled by 0.1; unit 1 limit 0.01 * 1e-3 -> scaled by 1e-5
        GradientVector w = TestVectors.v(3, 4, 0, 0);
        GradientVector g = TestVectors.v(0.3, 0.4, 1, 0);
        ClippingContext ctx = new ClippingContext(1, List.of("t0"), g,
                List.of(new ParameterBlock("dense", w, g, 2, true, null)), List.of());
        ClipReport r = create("adaptive", Map.of()).clip(ctx);
        assertThat(g.toArray()).containsExactly(new double[] {0.03, 0.04, 1e-5, 0}, within(1e-17));
        assertThat(r.clipped()).isTrue();
        assertThat(r.elementsClipped()).isEqualTo(4);
        assertThat(r.normBefore()).isCloseTo(Math.sqrt(1.25), within(1e-15));
        assertThat(r.normAfter()).isCloseTo(Math.sqrt(0.0025 + 1e-10), within(1e-15));
        assertThat(w.toArray()).containsExactly(3, 4, 0, 0);
    }

    @Test
    void adaptiveLeavesUnitsUnderTheirLimit() {
        // lambda = 0.2: unit 0 limit 1 > 0.5 (kept); unit 1 limit 0.2 * 1e-3 < 1 (clipped to 2e-4)
        GradientVector w = TestVectors.v(3, 4, 0, 0);
        GradientVector g = new TestVectors.OtherVector(0.3, 0.4, 1, 0); // the interface's default unit methods
        ClippingContext ctx = new ClippingContext(1, List.of("t0"), g,
                List.of(new ParameterBlock("dense", w, g, 2, true, null)), List.of());
        ClipReport r = create("adaptive", Map.of("clipping", 0.2)).clip(ctx);
        assertThat(g.toArray()).containsExactly(new double[] {0.3, 0.4, 2e-4, 0}, within(1e-17));
        assertThat(r.elementsClipped()).isEqualTo(2);
    }

    @Test
    void adaptiveRejectsABlockWhoseUnitsDoNotDivideIt() {
        GradientVector g = TestVectors.v(1, 2, 3);
        ClippingContext ctx = new ClippingContext(1, List.of("t0"), g,
                List.of(new ParameterBlock("bias", TestVectors.v(1, 1, 1), g, 2, true, null)), List.of());
        assertThatThrownBy(() -> create("adaptive", Map.of()).clip(ctx))
                .hasMessage("adaptive clipping: parameter block 'bias' has 2 units for 3 values and 3 gradient elements"
                        + " (units must be positive and divide both, which must be equal)");
    }

    @Test
    void unitNormsAndScaleUnitsAgreeBetweenArrayAndDefaultImplementations() {
        double[] x = {1, 2, 2, 0, 3, 4};
        ArrayGradientVector a = TestVectors.v(x);
        GradientVector o = new TestVectors.OtherVector(x);
        assertThat(a.unitNorms(3)).containsExactly(new double[] {Math.sqrt(5), 2, 5}, within(1e-15));
        assertThat(o.unitNorms(3)).containsExactly(a.unitNorms(3));
        a.scaleUnits(new double[] {1, 0.5});
        o.scaleUnits(new double[] {1, 0.5});
        assertThat(a.toArray()).containsExactly(1, 2, 2, 0, 1.5, 2);
        assertThat(o.toArray()).containsExactly(a.toArray());
        assertThatThrownBy(() -> a.unitNorms(4)).hasMessage("units must be positive and divide the gradient length 6, found 4");
        assertThatThrownBy(() -> o.scaleUnits(new double[0])).hasMessage("units must be positive and divide the gradient length 6, found 0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"global-norm", "value", "per-task-norm", "adaptive"})
    void neverIncreasesANormAndIsIdempotent(String name) {
        Random rng = new Random(name.hashCode());
        for (int trial = 0; trial < 200; trial++) {
            double scale = Math.pow(10, rng.nextInt(7) - 3);
            double[] gx = new double[12];
            double[] wx = new double[12];
            for (int i = 0; i < 12; i++) {
                gx[i] = rng.nextGaussian() * scale;
                wx[i] = rng.nextGaussian();
            }
            Clipper c = create(name, Map.of());
            GradientVector g = TestVectors.v(gx);
            GradientVector g2 = TestVectors.v(gx.clone());
            ClippingContext ctx = context(c, g, g2, TestVectors.v(wx));
            double before = g.norm() + g2.norm();
            ClipReport r = c.clip(ctx);
            assertThat(g.norm()).isLessThanOrEqualTo(TestVectors.norm(gx) * (1 + 1e-15));
            assertThat(r.normAfter()).isLessThanOrEqualTo(r.normBefore());
            assertThat(g.norm() + g2.norm()).isLessThanOrEqualTo(before * (1 + 1e-15));
            double[] once = g.toArray();
            ClipReport again = c.clip(context(c, g, g2, TestVectors.v(wx)));
            assertThat(g.toArray()).as("%s trial %d", name, trial).containsExactly(once, within(1e-12 * (1 + TestVectors.norm(once))));
            assertThat(again.clipped()).as("%s trial %d second pass", name, trial).isFalse();
        }
    }

    private static ClippingContext context(Clipper c, GradientVector g, GradientVector g2, GradientVector w) {
        if (c.stage() == Clipper.Stage.TASK_GRADIENTS) {
            return new ClippingContext(1, List.of("t0", "t1"), null, List.of(), List.of(g, g2));
        }
        return new ClippingContext(1, List.of("t0"), g, List.of(new ParameterBlock("b", w, g, 4, true, null)), List.of());
    }

    @Test
    void aNonFiniteGradientIsReportedNotHidden() {
        GradientVector g = TestVectors.v(1, Double.POSITIVE_INFINITY);
        ClipReport r = create("global-norm", Map.of()).clip(finalStage(g));
        assertThat(r.clipped()).isFalse();
        assertThat(r.normBefore()).isInfinite();
        assertThat(g.isFinite()).isFalse();
    }
}
