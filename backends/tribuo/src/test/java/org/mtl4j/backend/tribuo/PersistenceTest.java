package org.mtl4j.backend.tribuo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.backend.Predictions;
import org.mtl4j.api.backend.TrainableModel;
import org.mtl4j.api.backend.TrainingStep;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.spi.io.ModelArchive;
import org.mtl4j.spi.io.SpecCodec;
import org.tribuo.Model;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.impl.ArrayExample;
import org.tribuo.regression.Regressor;

/** Save/load round trips, checkpoints, per-task Tribuo models from the joint file, and their provenance. */
class PersistenceTest {

    private static TribuoFmModel trained(Topology topo) {
        TribuoFmModel m = new TribuoBackend().compile(Fixtures.spec(topo, Fixtures.allTasks(), OptimizerSpec.adamw(0.05, 0.01)),
                Fixtures.vocabularies(), Map.of("ctx", new org.mtl4j.api.data.Dataset.DenseStats(new double[] {0.1, -0.2},
                        new double[] {1.5, 0.5})));
        for (int s = 0; s < 20; s++) {
            TrainingStep st = m.step(Fixtures.batch(16, s));
            st.backward(new double[] {1, 1, 1, 1});
            m.applyUpdate();
        }
        return m;
    }

    private static void assertBitIdentical(Predictions a, Predictions b) {
        assertThat(b.outputs().keySet()).isEqualTo(a.outputs().keySet());
        for (String k : a.outputs().keySet()) {
            float[] x = a.output(k);
            float[] y = b.output(k);
            assertThat(y).hasSameSizeAs(x);
            for (int i = 0; i < x.length; i++) {
                assertThat(Float.floatToRawIntBits(y[i])).as("%s[%d]", k, i).isEqualTo(Float.floatToRawIntBits(x[i]));
            }
        }
    }

    @Test
    void saveAndLoadGiveBitIdenticalPredictionsForEveryTopology(@TempDir Path dir) throws Exception {
        for (Topology topo : List.of(new Topology.SharedBottom(List.of(8)), new Topology.Independent(List.of()),
                new Topology.Ple(1, 1, 1, List.of(8)))) {
            TribuoFmModel m = trained(topo);
            Path file = dir.resolve(topo.id() + ".mtl4j");
            m.save(file);
            TrainableModel back = new TribuoBackend().load(file);
            assertThat(back.spec()).isEqualTo(m.spec());
            assertThat(back.vocabularies()).isEqualTo(m.vocabularies());
            assertThat(back.provenance()).isEqualTo(m.provenance());
            Batch probe = Fixtures.batch(33, 99);
            Predictions before = m.predict(probe);
            assertThat(before.outputs()).containsKeys("ctr", "ctcvr", "ctcvr.conditional", "rating", "genre");
            assertBitIdentical(before, back.predict(probe));
            assertThat(ModelArchive.read(file).backend()).isEqualTo("tribuo");
        }
    }

    @Test
    void writeStateAndReadStateResumeTheOptimiserExactly() throws Exception {
        TribuoFmModel a = trained(new Topology.SharedBottom(List.of(8)));
        ByteArrayOutputStream state = new ByteArrayOutputStream();
        a.writeState(state);
        TribuoFmModel b = new TribuoBackend().compile(a.spec(), a.vocabularies(), a.denseStats());
        b.readState(new ByteArrayInputStream(state.toByteArray()));
        assertThat(b.updates()).isEqualTo(20);
        for (TribuoFmModel m : List.of(a, b)) {
            TrainingStep st = m.step(Fixtures.batch(16, 77));
            st.backward(new double[] {1, 0.5, 1, 1});
            m.applyUpdate();
        }
        assertBitIdentical(a.predict(Fixtures.batch(20, 5)), b.predict(Fixtures.batch(20, 5)));
    }

    @Test
    void theJointFileLoadsBackAsPerTaskTribuoModelsWithJointProvenance(@TempDir Path dir) throws Exception {
        TribuoFmModel m = trained(new Topology.SharedBottom(List.of(8)));
        m.setProvenance(new org.mtl4j.api.backend.Provenance("tribuo", new TribuoBackend().version(), "0.1.0-SNAPSHOT",
                Map.of("tribuo", "4.3.2"), 7L, "fixture batches", null, "2026-11-28T01:00:00Z", Map.of("rows", "320")));
        Path file = dir.resolve("joint.mtl4j");
        m.save(file);
        Map<String, Model<?>> heads = TribuoTaskModels.load(file);
        assertThat(heads.keySet()).containsExactly("ctr", "ctcvr", "rating", "genre");

        // one row: user u2, genres {drama, action}, ctx (0.7, -1.1)
        Batch row = new Batch(1, Map.of("user", new org.mtl4j.api.data.Feature.Ids(new int[] {4}),
                "genres", new org.mtl4j.api.data.Feature.Bag(new int[] {0, 2}, new int[] {2, 4}),
                "ctx", new org.mtl4j.api.data.Feature.Dense(2, new float[] {0.7f, -1.1f})), Map.of(), Map.of(), Map.of());
        Predictions joint = m.predict(row);
        String[] names = {"user_id@u2", "genres@drama", "genres@action", "d0", "d1"};
        double[] values = {1, 0.5, 0.5, 0.7f, -1.1f};
        ArrayExample<Label> ex = new ArrayExample<>(new Label("1"), names, values);
        Model<Label> ctcvr = heads.get("ctcvr").castModel(Label.class);
        Prediction<Label> p = ctcvr.predict(ex);
        assertThat(p.getOutputScores().get("1").getScore()).isCloseTo(joint.output("ctcvr")[0], within(1e-6));
        assertThat(p.getOutputScores().get("0").getScore()).isCloseTo(1 - joint.output("ctcvr")[0], within(1e-6));
        Model<Label> genre = heads.get("genre").castModel(Label.class);
        Prediction<Label> pg = genre.predict(new ArrayExample<>(new Label("0"), names, values));
        for (int c = 0; c < 3; c++) {
            assertThat(pg.getOutputScores().get(Integer.toString(c)).getScore()).isCloseTo(joint.output("genre")[c], within(1e-6));
        }
        Model<Regressor> rating = heads.get("rating").castModel(Regressor.class);
        Prediction<Regressor> pr = rating.predict(new ArrayExample<>(new Regressor("DIM-0", 0), names, values));
        assertThat(pr.getOutput().getValues()[0]).isCloseTo(joint.output("rating")[0], within(1e-5));

        var prov = ctcvr.getProvenance();
        Map<String, ? extends Provenance> inst = prov.getInstanceProvenance().getMap();
        assertThat(inst.get("task").toString()).isEqualTo("ctcvr");
        assertThat(inst.get("sibling-tasks").toString()).isEqualTo("ctr,rating,genre");
        assertThat(inst.get("data-source").toString()).isEqualTo("fixture batches");
        assertThat(inst.get("summary.rows").toString()).isEqualTo("320");
        var trainer = prov.getTrainerProvenance().getConfiguredParameters();
        assertThat(trainer.get("seed").toString()).isEqualTo("7");
        assertThat(trainer.get("balancer").toString()).isEqualTo("lossWeighting=equal, gradientAggregation=none, clipping=[]");
        assertThat(SpecCodec.fromJson(trainer.get("mtl4j-spec").toString(), "provenance")).isEqualTo(m.spec());
        assertThat(prov.getDatasetProvenance().getNumExamples()).isEqualTo(320);
        assertThat(prov.getClassName()).isEqualTo(TribuoLabelTaskModel.class.getName());
    }

    @Test
    void loadingSomethingElseFailsNamingTheFile(@TempDir Path dir) throws Exception {
        TribuoFmModel m = trained(new Topology.SharedBottom(List.of(8)));
        Path other = dir.resolve("dl4j.mtl4j");
        ModelArchive.write(other, m.spec(), m.vocabularies(), new org.mtl4j.api.backend.Provenance("dl4j", "x", "x",
                Map.of(), 1L, null, null, "2026-01-01T00:00:00Z", Map.of()), Map.of("params.bin", new byte[] {1}));
        assertThatThrownBy(() -> new TribuoBackend().load(other))
                .hasMessage(other + ": model was saved by backend 'dl4j', not 'tribuo'");
        Path missing = dir.resolve("tribuo-no-params.mtl4j");
        ModelArchive.write(missing, m.spec(), m.vocabularies(), m.provenance(), Map.of());
        assertThatThrownBy(() -> new TribuoBackend().load(missing))
                .hasMessage(missing + ": not a tribuo model (missing entry tribuo-parameters.bin)");
        Path garbage = dir.resolve("garbage.mtl4j");
        Files.writeString(garbage, "not a zip");
        assertThatThrownBy(() -> new TribuoBackend().load(garbage)).hasMessageStartingWith(garbage.toString());
    }
}
