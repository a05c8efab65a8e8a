package org.mtl4j.backend.dl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mtl4j.api.backend.ArrayGradientVector;
import org.mtl4j.api.backend.GradientVector;
import org.mtl4j.api.backend.ParameterBlock;
import org.mtl4j.api.backend.ParameterScope;
import org.mtl4j.api.backend.TrainingStep;
import org.mtl4j.api.balance.AggregationContext;
import org.mtl4j.api.balance.Clipper;
import org.mtl4j.api.balance.ClippingContext;
import org.mtl4j.api.balance.GradientAggregator;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.backend.dl4j.internal.model.Dl4jModel;
import org.mtl4j.backend.dl4j.internal.model.SparseGradientVector;
import org.mtl4j.backend.dl4j.internal.nn.Mat;
import org.mtl4j.backend.dl4j.internal.nn.Param;
import org.mtl4j.backend.dl4j.internal.nn.RowBlock;
import org.mtl4j.balancers.aggregation.AlignedMtl;
import org.mtl4j.balancers.aggregation.CaGrad;
import org.mtl4j.balancers.aggregation.GradDrop;
import org.mtl4j.balancers.aggregation.GradVac;
import org.mtl4j.balancers.aggregation.ImtlG;
import org.mtl4j.balancers.aggregation.Mgda;
import org.mtl4j.balancers.aggregation.NashMtl;
import org.mtl4j.balancers.aggregation.PcGrad;
import org.mtl4j.balancers.clipping.AdaptiveClipper;
import org.mtl4j.balancers.clipping.GlobalNormClipper;
import org.mtl4j.balancers.clipping.PerTaskNormClipper;
import org.mtl4j.balancers.clipping.ValueClipper;

/**
 * Every gradient aggregator and clipper gives the same result on the backend's sparse gradients
 * (dense parameters + the touched rows of each embedding table) as on the same gradients written out
 * densely (the API's double-precision {@link ArrayGradientVector}), to 1e-6 of the largest element,
 * over three steps so that stateful aggregators (GradVac's EMA, Nash-MTL's warm start, the seeded
 * PCGrad order, GradDrop's draws) are compared along a trajectory.
 */
class SparseBalancersTest {
    private static final double TOL = 1e-6;

    static Stream<Arguments> aggregators() {
        int t = 4;
        return Stream.of(Arguments.of("pcgrad", (Supplier<GradientAggregator>) () -> new PcGrad(t, 7)),
                Arguments.of("mgda", (Supplier<GradientAggregator>) () -> new Mgda(t, 1000)),
                Arguments.of("cagrad", (Supplier<GradientAggregator>) () -> new CaGrad(t, 0.5, 500)),
                Arguments.of("imtl-g", (Supplier<GradientAggregator>) () -> new ImtlG(t)),
                Arguments.of("gradvac", (Supplier<GradientAggregator>) () -> new GradVac(t, 0.01, 7)),
                Arguments.of("graddrop", (Supplier<GradientAggregator>) () -> new GradDrop(t, 0.0, 7)),
                Arguments.of("aligned-mtl", (Supplier<GradientAggregator>) () -> new AlignedMtl(t)),
                Arguments.of("nash-mtl", (Supplier<GradientAggregator>) () -> new NashMtl(t, 1e-8)));
    }

    private static ModelSpec spec() {
        return Fixtures.spec(new Topology.SharedBottom(List.of(6)), Fixtures.mixedTasks(), OptimizerSpec.sgd(0.05, 0));
    }

    private static final double[] W = {0.9, 1.7, 0.4, 1.1};

    @ParameterizedTest(name = "{0}")
    @MethodSource("aggregators")
    void aggregatorGivesTheDenseResult(String name, Supplier<GradientAggregator> make) {
        ModelSpec spec = spec();
        Dl4jModel model = (Dl4jModel) Fixtures.compile(spec);
        GradientAggregator sparseAgg = make.get();
        GradientAggregator denseAgg = make.get();
        for (int s = 0; s < 3; s++) {
            // 6 rows of 12 users: most user rows untouched, tasks touch different rows through masks
            TrainingStep step = model.step(Fixtures.batch(spec, 6, 30 + s, 2));
            List<GradientVector> per = sharedTaskGradients(step, W);
            assertThat(per.get(0)).isInstanceOf(SparseGradientVector.class);
            SparseGradientVector first = (SparseGradientVector) per.get(0);
            assertThat(first.tableCount()).isEqualTo(2);
            RowBlock users = first.table(0).rows() == Fixtures.USERS ? first.table(0) : first.table(1);
            assertThat(users.count()).as("touched user rows").isBetween(1, 6);
            List<GradientVector> sparse = new ArrayList<>();
            List<GradientVector> dense = new ArrayList<>();
            for (int k = 0; k < per.size(); k++) {
                GradientVector c = per.get(k).copy();
                c.scale(W[k]);
                sparse.add(c);
                dense.add(new ArrayGradientVector(c.toArray()));
            }
            GradientVector out = step.sharedGradient();
            GradientVector denseOut = new ArrayGradientVector(new double[out.length()]);
            AggregationContext ctx = new AggregationContext(s, 0, step.losses().losses(), W.clone());
            sparseAgg.aggregate(sparse, out, ctx);
            denseAgg.aggregate(dense, denseOut, ctx);
            assertClose(name + " step " + s, out.toArray(), denseOut.toArray());
            // and the optimiser applies it: SGD moves every parameter by -lr * (the dense result)
            float[] before = Mat.of(model.parameters()).get(new float[(int) model.parameters().length()]);
            float[] g = Mat.of(model.gradients()).get(new float[before.length]);
            model.applyUpdate();
            float[] after = Mat.of(model.parameters()).get(new float[before.length]);
            for (int i = 0; i < before.length; i++) {
                assertThat((double) after[i]).as("%s param %d", name, i).isCloseTo(before[i] - 0.05 * g[i], within(1e-6));
            }
        }
    }

    @Test
    void clippersGiveTheDenseResult() {
        ModelSpec spec = spec();
        Dl4jModel model = (Dl4jModel) Fixtures.compile(spec);
        List<String> tasks = spec.taskNames();
        // global norm and value clipping on the whole gradient
        for (Clipper c : List.<Clipper>of(new GlobalNormClipper(0.05), new ValueClipper(0.01))) {
            TrainingStep step = model.step(Fixtures.batch(spec, 6, 50, 2));
            step.backward(W);
            GradientVector g = step.gradient();
            GradientVector dense = new ArrayGradientVector(g.toArray());
            var r1 = c.clip(new ClippingContext(1, tasks, g, List.of(), List.of()));
            var r2 = c.clip(new ClippingContext(1, tasks, dense, List.of(), List.of()));
            assertThat(r1.clipped()).as(c.getClass().getSimpleName()).isTrue().isEqualTo(r2.clipped());
            assertThat(r1.normBefore()).isCloseTo(r2.normBefore(), within(1e-6));
            assertClose(c.getClass().getSimpleName(), g.toArray(), dense.toArray());
        }
        // per-task norm clipping on the task gradients
        TrainingStep step = model.step(Fixtures.batch(spec, 6, 51, 2));
        List<GradientVector> per = sharedTaskGradients(step, W);
        List<GradientVector> sparse = new ArrayList<>();
        List<GradientVector> dense = new ArrayList<>();
        for (GradientVector v : per) {
            sparse.add(v.copy());
            dense.add(new ArrayGradientVector(v.toArray()));
        }
        new PerTaskNormClipper(0.01).clip(new ClippingContext(1, tasks, step.sharedGradient(), List.of(), sparse));
        new PerTaskNormClipper(0.01).clip(new ClippingContext(1, tasks, new ArrayGradientVector(new double[per.get(0).length()]),
                List.of(), dense));
        for (int k = 0; k < sparse.size(); k++) {
            assertThat(sparse.get(k).norm()).isCloseTo(Math.min(0.01, per.get(k).norm()), within(1e-6));
            assertClose("per-task " + k, sparse.get(k).toArray(), dense.get(k).toArray());
        }
    }

    @Test
    void adaptiveClippingOfTouchedRowsIsAdaptiveClippingOfTheWholeTable() {
        ModelSpec spec = spec();
        Dl4jModel model = (Dl4jModel) Fixtures.compile(spec);
        TrainingStep step = model.step(Fixtures.batch(spec, 6, 60, 2));
        step.backward(W);
        // dense reference: one block per parameter, tables whole (units = rows)
        float[] values = Mat.of(model.parameters()).get(new float[(int) model.parameters().length()]);
        float[] grads = Mat.of(model.gradients()).get(new float[values.length]);
        List<ParameterBlock> denseBlocks = new ArrayList<>();
        for (Param p : model.store().params()) {
            double[] v = new double[(int) p.length()];
            double[] g = new double[(int) p.length()];
            for (int i = 0; i < v.length; i++) {
                v[i] = values[(int) p.offset() + i];
                g[i] = grads[(int) p.offset() + i];
            }
            denseBlocks.add(new ParameterBlock(p.name(), new ArrayGradientVector(v), new ArrayGradientVector(g), p.units(), p.shared(),
                    p.shared() ? null : p.owner()));
        }
        List<ParameterBlock> sparseBlocks = step.parameterBlocks();
        // a tight limit so that table rows are clipped too
        AdaptiveClipper agc = new AdaptiveClipper(1e-4, 1e-3);
        var r1 = agc.clip(new ClippingContext(1, List.of(), step.gradient(), sparseBlocks, List.of()));
        var r2 = agc.clip(new ClippingContext(1, List.of(), null, denseBlocks, List.of()));
        assertThat(r1.clipped()).isTrue().isEqualTo(r2.clipped());
        assertThat(r1.elementsClipped()).isEqualTo(r2.elementsClipped());
        float[] clipped = Mat.of(model.gradients()).get(new float[values.length]);
        double[] expected = new double[values.length];
        int b = 0;
        for (Param p : model.store().params()) {
            double[] g = denseBlocks.get(b++).gradient().toArray();
            System.arraycopy(g, 0, expected, (int) p.offset(), g.length);
        }
        double[] actual = new double[values.length];
        for (int i = 0; i < actual.length; i++) {
            actual[i] = clipped[i];
        }
        assertClose("agc", actual, expected);
        // the table rows were clipped, not only dense layers
        Param users = model.store().tables().get(0);
        double changed = 0;
        for (int i = 0; i < users.length(); i++) {
            changed += Math.abs(grads[(int) users.offset() + i] - clipped[(int) users.offset() + i]);
        }
        assertThat(changed).isPositive();
    }

    private static void assertClose(String what, double[] actual, double[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        double scale = 0;
        for (double x : expected) {
            scale = Math.max(scale, Math.abs(x));
        }
        assertThat(scale).as(what + ": non-zero").isPositive();
        for (int i = 0; i < actual.length; i++) {
            assertThat(actual[i]).as("%s element %d", what, i).isCloseTo(expected[i], within(TOL * Math.max(scale, 1e-3)));
        }
    }


    /**
     * The explicit step (issue 12): T passes into fresh buffers, the weighted sum written back as the
     * model's gradient, and the per-task SHARED views (what the loop's pipeline does).
     */
    private static List<GradientVector> sharedTaskGradients(TrainingStep step, double[] w) {
        List<GradientVector> full = new ArrayList<>();
        for (int k = 0; k < w.length; k++) {
            full.add(step.newGradient());
        }
        step.taskGradients(full);
        step.setGradient(w, full);
        List<GradientVector> out = new ArrayList<>();
        for (GradientVector g : full) {
            out.add(step.view(g, ParameterScope.SHARED));
        }
        return out;
    }
}
