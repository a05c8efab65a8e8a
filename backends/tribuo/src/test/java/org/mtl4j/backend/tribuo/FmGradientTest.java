package org.mtl4j.backend.tribuo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.backend.GradientVector;
import org.mtl4j.api.backend.ParameterBlock;
import org.mtl4j.api.backend.ParameterScope;
import org.mtl4j.api.backend.TaskLosses;
import org.mtl4j.api.backend.TrainingStep;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.Topology;

/** The FM's analytic gradients against central finite differences, and the training-step contract. */
class FmGradientTest {

    static Stream<Topology> topologies() {
        return Stream.of(new Topology.SharedBottom(List.of(16)), new Topology.Independent(List.of()),
                new Topology.Ple(1, 1, 1, List.of(8)));
    }

    private static TribuoFmModel model(Topology topo) {
        TribuoFmModel m = new TribuoBackend().compile(Fixtures.spec(topo, Fixtures.allTasks(), OptimizerSpec.adam(0.01)),
                Fixtures.vocabularies(), java.util.Map.of());
        // Move away from the initial point (linear weights 0, heads 1) so every term is exercised.
        Random r = new Random(3);
        for (ParameterBlock b : m.step(Fixtures.batch(4, 1)).parameterBlocks()) {
            double[] v = b.values().toArray();
            for (int i = 0; i < v.length; i++) {
                v[i] += 0.3 * r.nextGaussian();
            }
            b.values().set(v);
        }
        return m;
    }

    private static double weightedLoss(TribuoFmModel m, Batch batch, double[] w) {
        TaskLosses l = m.losses(batch);
        double s = 0;
        for (int k = 0; k < w.length; k++) {
            s += w[k] * l.losses()[k];
        }
        return s;
    }

    @ParameterizedTest
    @MethodSource("topologies")
    void backwardMatchesFiniteDifferencesForEveryTaskKindAndEsmm(Topology topo) {
        TribuoFmModel m = model(topo);
        Batch batch = Fixtures.batch(9, 11);
        double[] w = {0.7, 1.3, 0.4, 0.9};
        TrainingStep step = m.step(batch);
        step.backward(w);
        List<ParameterBlock> blocks = step.parameterBlocks();
        int checked = 0;
        for (ParameterBlock b : blocks) {
            double[] analytic = b.gradient().toArray();
            double[] values = b.values().toArray();
            for (int i = 0; i < values.length; i += Math.max(1, values.length / 23)) {
                double orig = values[i];
                double h = 1e-5;
                values[i] = orig + h;
                b.values().set(values);
                double up = weightedLoss(m, batch, w);
                values[i] = orig - h;
                b.values().set(values);
                double down = weightedLoss(m, batch, w);
                values[i] = orig;
                b.values().set(values);
                double numeric = (up - down) / (2 * h);
                assertThat(analytic[i]).as("%s[%d] under %s", b.name(), i, topo.id()).isCloseTo(numeric,
                        within(1e-6 + 1e-5 * Math.abs(numeric)));
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(50);
    }

    @ParameterizedTest
    @MethodSource("topologies")
    void taskGradientsAreTheUnweightedGradientsAndSetGradientWritesWhatBackwardWrites(Topology topo) {
        TribuoFmModel m = model(topo);
        Batch batch = Fixtures.batch(9, 12);
        double[] w = {0.7, 1.3, 0.4, 0.9};
        TrainingStep s1 = m.step(batch);
        s1.backward(w);
        double[] viaBackward = s1.gradient().toArray();
        double[] sharedViaBackward = s1.sharedGradient().toArray();

        TrainingStep s2 = m.step(batch);
        List<GradientVector> full = List.of(s2.newGradient(), s2.newGradient(), s2.newGradient(), s2.newGradient());
        s2.taskGradients(full);
        assertThat(s2.gradient().norm()).isZero(); // the gradient buffer is not a side effect
        List<GradientVector> tg = full.stream().map(g -> s2.view(g, ParameterScope.SHARED)).toList();
        s2.setGradient(w, full);
        double[] viaTasks = s2.gradient().toArray();
        int sharedLength = s2.sharedGradient().length();
        double sharedNorm = s2.sharedGradient().norm();
        for (int i = 0; i < viaBackward.length; i++) {
            assertThat(viaTasks[i]).isCloseTo(viaBackward[i], within(1e-12));
        }
        double[] sum = new double[sharedViaBackward.length];
        for (int k = 0; k < 4; k++) {
            double[] g = tg.get(k).toArray();
            for (int i = 0; i < sum.length; i++) {
                sum[i] += w[k] * g[i];
            }
        }
        for (int i = 0; i < sum.length; i++) {
            assertThat(sum[i]).isCloseTo(sharedViaBackward[i], within(1e-12));
        }
        // Task k's vector is the shared gradient of L_k alone: a backward with weight 1 on k only.
        for (int k = 0; k < 4; k++) {
            double[] onehot = new double[4];
            onehot[k] = 1;
            TrainingStep s3 = m.step(batch);
            s3.backward(onehot);
            double[] expect = s3.sharedGradient().toArray();
            TrainingStep s4 = m.step(batch);
            double[] got = s4.taskGradients(ParameterScope.LAST_SHARED_LAYER).get(k).toArray();
            for (int i = 0; i < expect.length; i++) {
                assertThat(got[i]).isCloseTo(expect[i], within(1e-12));
            }
        }
        if (topo instanceof Topology.Independent) {
            assertThat(sharedLength).isZero();
        } else {
            assertThat(sharedLength).isPositive();
            assertThat(sharedNorm).isPositive();
        }
    }

    @Test
    void sharedGradientIsZeroOutsideTheBatchsFeatureRows() {
        TribuoFmModel m = model(new Topology.SharedBottom(List.of(16)));
        Batch batch = Fixtures.batch(3, 5);
        TrainingStep s = m.step(batch);
        s.backward(new double[] {1, 1, 1, 1});
        ParameterBlock shared = s.parameterBlocks().get(0);
        assertThat(shared.shared()).isTrue();
        int[] users = ((org.mtl4j.api.data.Feature.Ids) batch.feature("user")).ids();
        int[] bagIds = ((org.mtl4j.api.data.Feature.Bag) batch.feature("genres")).ids();
        java.util.Set<Integer> active = new java.util.HashSet<>();
        for (int u : users) {
            active.add(u); // user table starts at feature 0
        }
        int userRows = Fixtures.vocabularies().get("user").size();
        for (int g : bagIds) {
            active.add(userRows + g);
        }
        int genreRows = Fixtures.vocabularies().get("genres").size();
        active.add(userRows + genreRows);
        active.add(userRows + genreRows + 1);
        double[] g = shared.gradient().toArray();
        int k = g.length / shared.units();
        int nonZeroRows = 0;
        for (int row = 0; row < shared.units(); row++) {
            boolean nz = false;
            for (int f = 0; f < k; f++) {
                nz |= g[row * k + f] != 0;
            }
            if (nz) {
                nonZeroRows++;
                assertThat(active).as("row %d has a gradient but is not in the batch", row).contains(row);
            }
        }
        assertThat(nonZeroRows).isEqualTo(active.size());
    }

    @Test
    void rowsWithoutALabelContributeNothing() {
        TribuoFmModel m = model(new Topology.SharedBottom(List.of(16)));
        Batch batch = Fixtures.batch(9, 11);
        Batch flipped = new Batch(batch.size(), batch.features(), relabel(batch), batch.masks(), batch.extras());
        TrainingStep a = m.step(batch);
        double la = a.losses().loss("ctr");
        a.backward(new double[] {1, 0, 0, 0});
        double[] ga = a.gradient().toArray();
        TrainingStep b = m.step(flipped);
        assertThat(b.losses().loss("ctr")).isEqualTo(la);
        assertThat(b.losses().labelled()[0]).isEqualTo(8);
        b.backward(new double[] {1, 0, 0, 0});
        assertThat(b.gradient().toArray()).containsExactly(ga);
    }

    private static java.util.Map<String, float[]> relabel(Batch batch) {
        java.util.Map<String, float[]> labels = new java.util.HashMap<>(batch.labels());
        float[] click = batch.labels("ctr").clone();
        click[2] = 1 - click[2]; // row 2 is masked for ctr
        labels.put("ctr", click);
        return labels;
    }
}
