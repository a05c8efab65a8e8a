package org.mtl4j.backend.dl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mtl4j.api.backend.TrainableModel;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.backend.dl4j.internal.model.Dl4jModel;

/**
 * A prediction replica predicts exactly what its model predicts on every topology and encoder, holds
 * no parameters of its own (it reads the model's buffer: training the model moves the replica), and
 * refuses to train or be saved.
 */
class PredictionReplicaTest {

    static Stream<Arguments> topologies() {
        return Fixtures.topologies().stream().map(Arguments::of);
    }

    private static void assertSamePredictions(TrainableModel a, Dl4jModel b, Batch batch, String what) {
        Map<String, float[]> x = a.predict(batch).outputs();
        Map<String, float[]> y = b.predict(batch).outputs();
        assertThat(y.keySet()).isEqualTo(x.keySet());
        for (String k : x.keySet()) {
            assertThat(y.get(k)).as("%s %s", what, k).containsExactly(x.get(k));
        }
    }

    @ParameterizedTest
    @MethodSource("topologies")
    void aReplicaPredictsWhatItsModelPredictsAndSharesItsParameters(Topology topology) {
        ModelSpec spec = Fixtures.spec(Fixtures.richInputs(), topology, Fixtures.mixedTasks(), OptimizerSpec.adam(1e-2));
        Dl4jModel model = (Dl4jModel) Fixtures.compile(spec);
        double[] w = {1, 1, 1, 1};
        Batch train = Fixtures.batch(spec, 32, 5, 3);
        for (int i = 0; i < 3; i++) {
            model.step(train).backward(w);
            model.applyUpdate();
        }
        Dl4jModel replica = model.predictionReplica();
        assertThat(replica.isReplica()).isTrue();
        assertThat(replica.parameters().data().addressPointer().address()).as("one parameter buffer")
                .isEqualTo(model.parameters().data().addressPointer().address());
        for (int n : new int[] {17, 1, 40}) {
            assertSamePredictions(model, replica, Fixtures.batch(spec, n, 90 + n, 0), topology.id() + " rows " + n);
        }
        // the model trains on: its replica predicts with the new parameters
        model.step(train).backward(w);
        model.applyUpdate();
        assertSamePredictions(model, replica, Fixtures.batch(spec, 17, 107, 0), topology.id() + " after a step");
        assertThat(replica.losses(train).losses()).containsExactly(model.losses(train).losses());
    }

    /** A padded serving batch: the outputs of its first rows only, equal to those rows of the whole batch's outputs. */
    @Test
    void predictingTheFirstRowsOfAPaddedBatchCopiesOnlyThoseRows() {
        ModelSpec spec = Fixtures.spec(new Topology.Mmoe(3, List.of(6), List.of()), Fixtures.mixedTasks(), OptimizerSpec.adam(1e-2));
        Dl4jModel model = (Dl4jModel) Fixtures.compile(spec);
        Batch padded = Fixtures.batch(spec, 32, 5, 0);
        Map<String, float[]> whole = model.predict(padded).outputs();
        for (int rows : new int[] {0, 1, 20, 32}) {
            for (Dl4jModel m : List.of(model, model.predictionReplica())) {
                org.mtl4j.api.backend.Predictions first = m.predict(padded, rows);
                assertThat(first.size()).isEqualTo(rows);
                assertThat(first.outputs().keySet()).isEqualTo(whole.keySet());
                for (String k : whole.keySet()) {
                    int width = whole.get(k).length / 32;
                    assertThat(first.output(k)).as("%s, %d rows", k, rows)
                            .containsExactly(java.util.Arrays.copyOf(whole.get(k), rows * width));
                }
            }
        }
        assertThatThrownBy(() -> model.predict(padded, 33)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rows must be in [0, 32], found 33");
    }

    @Test
    void replicasPredictConcurrentlyWithTheirModel() throws Exception {
        ModelSpec spec = Fixtures.spec(new Topology.Mmoe(3, List.of(6), List.of()), Fixtures.mixedTasks(), OptimizerSpec.adam(1e-2));
        Dl4jModel model = (Dl4jModel) Fixtures.compile(spec);
        Batch probe = Fixtures.batch(spec, 64, 3, 0);
        Map<String, float[]> expected = model.predict(probe).outputs();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Boolean>> runs = new java.util.ArrayList<>();
            for (int t = 0; t < 3; t++) {
                Dl4jModel mine = t == 0 ? model : model.predictionReplica();
                runs.add(pool.submit(() -> {
                    boolean same = true;
                    for (int i = 0; i < 50; i++) {
                        Map<String, float[]> got = mine.predict(probe).outputs();
                        for (String k : expected.keySet()) {
                            same &= java.util.Arrays.equals(got.get(k), expected.get(k));
                        }
                    }
                    return same;
                }));
            }
            for (Future<Boolean> f : runs) {
                assertThat(f.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aReplicaRefusesToTrainOrBeSaved() {
        ModelSpec spec = Fixtures.spec(new Topology.SharedBottom(List.of(6)), Fixtures.mixedTasks(), OptimizerSpec.adam(1e-2));
        Dl4jModel replica = ((Dl4jModel) Fixtures.compile(spec)).predictionReplica();
        Batch b = Fixtures.batch(spec, 8, 1, 0);
        assertThatThrownBy(() -> replica.step(b)).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("is a prediction replica").hasMessageContaining("cannot train");
        assertThatThrownBy(replica::applyUpdate).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> replica.save(java.nio.file.Path.of("never-written.mtl"))).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("cannot be saved");
        assertThat(java.nio.file.Files.exists(java.nio.file.Path.of("never-written.mtl"))).isFalse();
    }
}
