package org.mtl4j.backend.dl4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mtl4j.api.backend.Predictions;
import org.mtl4j.api.backend.TaskLosses;
import org.mtl4j.api.balance.BalancerContext;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.PluginRef;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.api.spec.TrainingSpec;
import org.mtl4j.backend.dl4j.internal.model.Dl4jModel;
import org.mtl4j.balancers.Balancers;
import org.mtl4j.training.Trainer;

/**
 * Synchronous data-parallel workers (issue 15): N = 2 workers and N = 1 with the same global batches
 * give the same parameters after K steps (every topology, ESMM chain, multiclass and Huber tasks,
 * two embedding tables with sparse row gradients, label masks that leave the two shards with very
 * different labelled counts, so a per-shard normalisation would be visibly wrong), with a plain
 * weighting (one weighted backward pass per shard) and with GradNorm + PCGrad + diagnostics (per-task
 * gradients of the whole batch reduced from the shards). Prediction and losses split rows the same way.
 */
class WorkersTest {
    private static final int STEPS = 3;
    private static final int ROWS = 150;

    static Stream<Arguments> topologies() {
        return Fixtures.topologies().stream().map(Arguments::of);
    }

    private static ModelSpec spec(Topology topology, int workers, int diagnosticsEvery) {
        ModelSpec s = Fixtures.spec(topology, Fixtures.mixedTasks(), OptimizerSpec.adam(1e-2));
        return s.withTraining(new TrainingSpec(1, ROWS, 7L, 0, null, diagnosticsEvery, 1000, workers));
    }

    /**
     * Fixture batches whose masks leave the first third of the rows unlabelled for every task but the
     * first (and every third row after it): shard 0 of 2 holds far fewer labels than shard 1.
     */
    private static List<Batch> batches(ModelSpec spec) {
        List<Batch> out = new java.util.ArrayList<>();
        for (int i = 0; i < STEPS; i++) {
            Batch b = Fixtures.batch(spec, ROWS, 100 + i, 0);
            Map<String, float[]> masks = new HashMap<>();
            boolean first = true;
            for (TaskSpec t : spec.tasks()) {
                float[] m = new float[ROWS];
                for (int r = 0; r < ROWS; r++) {
                    m[r] = first || (r >= ROWS / 3 && r % 3 != 0) ? 1f : 0f;
                }
                masks.put(t.name(), m);
                first = false;
            }
            out.add(new Batch(ROWS, b.features(), b.labels(), masks, b.extras()));
        }
        return out;
    }

    private static float[] train(ModelSpec spec, List<Batch> data, boolean balancers) {
        Dl4jModel model = (Dl4jModel) Fixtures.compile(spec);
        assertThat(model.workers()).isEqualTo(spec.training().workers());
        Trainer.Builder b = Trainer.builder();
        if (balancers) {
            b.lossWeighting(() -> Balancers.lossWeighting(new BalancerContext(PluginRef.of("gradnorm"), spec.tasks(), 7L)))
                    .gradientAggregator(() -> Balancers.gradientAggregator(new BalancerContext(PluginRef.of("pcgrad"), spec.tasks(), 7L)));
        }
        b.build().fit(model, Fixtures.dataset(data), null);
        assertThat(model.updates()).isEqualTo(STEPS);
        return model.parameters().toFloatVector();
    }

    /** max |a - b| relative to max |a|. */
    private static double relativeDifference(float[] a, float[] b) {
        assertThat(b).hasSameSizeAs(a);
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < a.length; i++) {
            diff = Math.max(diff, Math.abs((double) a[i] - b[i]));
            scale = Math.max(scale, Math.abs(a[i]));
        }
        return diff / scale;
    }

    @ParameterizedTest
    @MethodSource("topologies")
    void twoWorkersTrainAsOne(Topology topology) {
        List<Batch> data = batches(spec(topology, 1, 0));
        float[] initial = ((Dl4jModel) Fixtures.compile(spec(topology, 1, 0))).parameters().toFloatVector();
        float[] one = train(spec(topology, 1, 0), data, false);
        float[] two = train(spec(topology, 2, 0), data, false);
        assertThat(relativeDifference(initial, one)).as("training moved the parameters").isGreaterThan(1e-3);
        assertThat(relativeDifference(one, two)).isLessThan(1e-5);
    }

    @ParameterizedTest
    @MethodSource("topologies")
    void twoWorkersGivePerTaskGradientsOfTheWholeBatch(Topology topology) {
        List<Batch> data = batches(spec(topology, 1, 1));
        float[] one = train(spec(topology, 1, 1), data, true);
        float[] two = train(spec(topology, 2, 1), data, true);
        assertThat(relativeDifference(one, two)).isLessThan(1e-5);
    }

    @Test
    void threeWorkersAreDeterministic() {
        Topology mmoe = new Topology.Mmoe(3, List.of(6, 4), List.of(5));
        List<Batch> data = batches(spec(mmoe, 1, 0));
        float[] a = train(spec(mmoe, 3, 0), data, true);
        float[] b = train(spec(mmoe, 3, 0), data, true);
        assertThat(b).containsExactly(a);
        assertThat(relativeDifference(train(spec(mmoe, 1, 0), data, true), a)).isLessThan(1e-5);
    }

    @Test
    void predictionAndLossesSplitRowsAsOneWorkerWould() {
        Topology ple = new Topology.Ple(2, 2, 1, List.of(5, 4));
        ModelSpec s1 = spec(ple, 1, 0);
        Batch b = batches(s1).get(0);
        Dl4jModel one = (Dl4jModel) Fixtures.compile(s1);
        Dl4jModel two = (Dl4jModel) Fixtures.compile(spec(ple, 2, 0));
        Predictions p1 = one.predict(b);
        Predictions p2 = two.predict(b);
        assertThat(p2.outputs().keySet()).isEqualTo(p1.outputs().keySet());
        for (String k : p1.outputs().keySet()) {
            float[] x = p1.output(k);
            float[] y = p2.output(k);
            assertThat(y).hasSameSizeAs(x);
            for (int i = 0; i < x.length; i++) {
                assertThat((double) y[i]).as(k + "[" + i + "]").isCloseTo(x[i], org.assertj.core.data.Offset.offset(1e-5));
            }
        }
        TaskLosses l1 = one.losses(b);
        TaskLosses l2 = two.losses(b);
        assertThat(l2.labelled()).containsExactly(l1.labelled());
        for (int k = 0; k < l1.size(); k++) {
            assertThat(l2.losses()[k]).isCloseTo(l1.losses()[k], org.assertj.core.data.Offset.offset(1e-6 * Math.max(1, l1.losses()[k])));
        }
        // a batch too small to split runs on the calling thread and still agrees
        Batch small = b.rows(0, 40);
        assertThat(two.predict(small).output("ctr")).containsExactly(one.predict(small).output("ctr"));
    }

    @Test
    void aStepIsStaleAfterAParallelPrediction() {
        Dl4jModel two = (Dl4jModel) Fixtures.compile(spec(new Topology.SharedBottom(List.of(8, 6)), 2, 0));
        Batch b = batches(spec(new Topology.SharedBottom(List.of(8, 6)), 2, 0)).get(0);
        var step = two.step(b);
        two.predict(b);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> step.backward(new double[] {1, 1, 1, 1}))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("is stale");
    }
}
