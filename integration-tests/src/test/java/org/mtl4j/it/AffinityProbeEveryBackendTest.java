package org.mtl4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mtl4j.api.backend.Backend;
import org.mtl4j.api.backend.TrainableModel;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.BatchStream;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.TaskKind;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.dsl.Mtl;
import org.mtl4j.testkit.TinyData;
import org.mtl4j.training.affinity.AffinityProbe;
import org.mtl4j.training.affinity.TaskAffinity;

/**
 * The affinity probe works through the SPI alone, on every backend: its run trains the model exactly as a
 * plain loop of step / backward / applyUpdate does (the lookahead is undone), and its matrices are finite.
 */
class AffinityProbeEveryBackendTest {

    static Stream<String> backends() {
        return Stream.of("dl4j", "tribuo");
    }

    private static Dataset fixed(List<Batch> batches) {
        return new Dataset() {
            @Override
            public String description() {
                return "fixed batches";
            }

            @Override
            public Map<String, Vocabulary> vocabularies() {
                return TinyData.vocabularies();
            }

            @Override
            public BatchStream batches(int batchSize, boolean shuffle, long seed) {
                Iterator<Batch> it = batches.iterator();
                return new BatchStream() {
                    @Override
                    public boolean hasNext() {
                        return it.hasNext();
                    }

                    @Override
                    public Batch next() {
                        return it.next();
                    }

                    @Override
                    public void close() {
                    }
                };
            }
        };
    }

    @ParameterizedTest
    @MethodSource("backends")
    void theProbeTrainsAsAPlainLoopAndMeasuresFiniteAffinity(String name) {
        Backend backend = Mtl.runtime().backend(name);
        ModelSpec spec = TinyData.spec(backend, new Topology.SharedBottom(List.of(8)), TaskKind.BINARY, TaskKind.REGRESSION,
                TaskKind.BINARY);
        List<Batch> batches = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            batches.add(TinyData.batch(spec, 64, 100 + i, 0.2));
        }
        TrainableModel probed = backend.compile(spec, TinyData.vocabularies(), Map.of());
        TaskAffinity a = AffinityProbe.builder().steps(6).lookaheadRate(0.05).build().measure(probed, fixed(batches));
        TrainableModel plain = backend.compile(spec, TinyData.vocabularies(), Map.of());
        for (Batch b : batches) {
            plain.step(b).backward(new double[] {1, 1, 1});
            plain.applyUpdate();
        }
        assertThat(probed.updates()).isEqualTo(plain.updates()).isEqualTo(6);
        Batch check = TinyData.batch(spec, 50, 7, 0);
        Map<String, float[]> p = probed.predict(check).outputs();
        Map<String, float[]> q = plain.predict(check).outputs();
        for (String k : q.keySet()) {
            for (int i = 0; i < q.get(k).length; i++) {
                assertThat((double) p.get(k)[i]).as("%s %s[%d]", name, k, i).isCloseTo(q.get(k)[i], within(1e-5));
            }
        }
        assertThat(a.sampledSteps()).isEqualTo(6);
        for (int i = 0; i < 3; i++) {
            assertThat(a.cosine()[i][i]).as("%s cos(%d, %d)", name, i, i).isCloseTo(1.0, within(1e-6));
            for (int j = 0; j < 3; j++) {
                assertThat(a.lookahead()[i][j]).as("%s Z(%d -> %d)", name, i, j).isFinite();
            }
            // a step on a task's own gradient lowers its loss on the batch (small step)
            assertThat(a.lookahead()[i][i]).as("%s Z(%d -> %d)", name, i, i).isPositive();
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aModelWithoutSharedParametersIsRefused(String name) {
        ModelSpec spec = TinyData.spec(Mtl.runtime().backend(name), new Topology.Independent(List.of(8)), TaskKind.BINARY,
                TaskKind.REGRESSION);
        TrainableModel m = Mtl.runtime().backend(name).compile(spec, TinyData.vocabularies(), Map.of());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AffinityProbe.builder().steps(2).build()
                .measure(m, fixed(List.of(TinyData.batch(spec, 32, 1, 0), TinyData.batch(spec, 32, 2, 0)))))
                .hasMessage("affinity is measured on shared parameters, and model 'tiny' (topology independent, backend "
                        + name + ") has none: probe a topology that shares, e.g. shared-bottom");
    }
}
