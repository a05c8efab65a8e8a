package org.mtl4j.backend.dl4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mtl4j.api.backend.TrainableModel;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.Topology;

/**
 * Every topology with every task kind (binary, ESMM-chained binary, multiclass, Huber regression)
 * and masked labels trains (the loss on the training batches falls), and save/load and
 * writeState/readState round-trip exactly.
 */
class TrainAndRoundTripTest {
    @TempDir
    Path dir;

    static Stream<Arguments> topologies() {
        return Fixtures.topologies().stream().map(Arguments::of);
    }

    private static double meanLoss(TrainableModel m, List<Batch> batches) {
        double s = 0;
        for (Batch b : batches) {
            for (double l : m.losses(b).losses()) {
                s += l;
            }
        }
        return s / batches.size();
    }

    @ParameterizedTest
    @MethodSource("topologies")
    void trainsAndRoundTrips(Topology topology) throws Exception {
        ModelSpec spec = Fixtures.spec(topology, Fixtures.mixedTasks(), OptimizerSpec.adam(1e-2));
        TrainableModel model = Fixtures.compile(spec);
        List<Batch> batches = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            batches.add(Fixtures.batch(spec, 64, 20 + i, 3));
        }
        double before = meanLoss(model, batches);
        double[] w = {1, 1, 1, 1};
        for (int epoch = 0; epoch < 15; epoch++) {
            for (Batch b : batches) {
                model.step(b).backward(w);
                model.applyUpdate();
            }
        }
        double after = meanLoss(model, batches);
        assertThat(after).as(topology.id()).isLessThan(0.8 * before);
        assertThat(model.updates()).isEqualTo(60);

        Batch probe = Fixtures.batch(spec, 33, 99, 0);
        Map<String, float[]> expected = model.predict(probe).outputs();
        Path file = dir.resolve("model.mtl");
        model.save(file);
        TrainableModel loaded = new Dl4jBackend().load(file);
        assertThat(loaded.spec()).isEqualTo(spec);
        assertThat(loaded.vocabularies()).isEqualTo(model.vocabularies());
        Map<String, float[]> actual = loaded.predict(probe).outputs();
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        for (String k : expected.keySet()) {
            assertThat(actual.get(k)).as(k).containsExactly(expected.get(k));
        }

        // writeState/readState: a copy continues training exactly as the original
        ByteArrayOutputStream state = new ByteArrayOutputStream();
        model.writeState(state);
        TrainableModel copy = Fixtures.compile(spec);
        copy.readState(new ByteArrayInputStream(state.toByteArray()));
        assertThat(copy.updates()).isEqualTo(60);
        for (TrainableModel m : List.of(model, copy)) {
            m.step(batches.get(0)).backward(w);
            m.applyUpdate();
        }
        Map<String, float[]> a = model.predict(probe).outputs();
        Map<String, float[]> b = copy.predict(probe).outputs();
        for (String k : a.keySet()) {
            assertThat(b.get(k)).as(k).containsExactly(a.get(k));
        }
    }
}
