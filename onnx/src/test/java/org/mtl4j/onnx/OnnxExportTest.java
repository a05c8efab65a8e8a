package org.mtl4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mtl4j.api.backend.Predictions;
import org.mtl4j.api.backend.TrainableModel;
import org.mtl4j.api.backend.TrainedModel;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.backend.dl4j.Dl4jBackend;
import org.mtl4j.backend.tribuo.TribuoBackend;

/**
 * Every topology x encoder set: a small dl4j model trained for a few steps, exported, loaded in ONNX
 * Runtime and scored on the same rows as mtl4j's own predict (two batch sizes: the batch axis is
 * dynamic). Every output must agree within 1e-5.
 */
class OnnxExportTest {
    static final double TOLERANCE = 1e-5;
    static OrtEnvironment env;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        env = OrtEnvironment.getEnvironment();
    }

    /** The largest difference seen over every case of the class, reported once at the end. */
    static double worstSeen;

    @AfterAll
    static void report() {
        System.out.printf(java.util.Locale.ROOT, "[onnx] largest |onnx - predict| over all exports: %.3g%n", worstSeen);
    }

    static Stream<Arguments> grid() {
        List<Arguments> l = new ArrayList<>();
        for (Topology t : ExportFixtures.topologies()) {
            for (String set : ExportFixtures.encoderSets()) {
                l.add(Arguments.of(t, set));
            }
        }
        return l.stream();
    }

    @ParameterizedTest(name = "{0} x {1}")
    @MethodSource("grid")
    void onnxRuntimeScoresWhatPredictScores(Topology topology, String set) throws Exception {
        ModelSpec spec = ExportFixtures.spec(topology, set);
        TrainableModel model = new Dl4jBackend().compile(spec, ExportFixtures.vocabularies(), ExportFixtures.stats());
        ExportFixtures.train(model, 3);
        Path out = dir.resolve("m.onnx");
        OnnxExport.Result r = OnnxExport.export(model, out);
        assertThat(r.inputs()).containsExactlyElementsOf(spec.inputs().stream().map(i -> i.name()).toList());
        assertThat(r.outputs()).containsExactly("ctr", "ctcvr", "ctcvr" + TaskSpec.CONDITIONAL_SUFFIX, "genre", "rating");
        assertWellFormed(out);
        assertScoresEqual(model, spec, out, r.outputs());
    }

    /** Every initialiser is used by a node; every input and output has the symbolic batch axis first. */
    static void assertWellFormed(Path onnx) throws Exception {
        OnnxMl.ModelProto m = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(onnx));
        java.util.Set<String> consumed = new java.util.HashSet<>();
        m.getGraph().getNodeList().forEach(n -> consumed.addAll(n.getInputList()));
        for (OnnxMl.TensorProto t : m.getGraph().getInitializerList()) {
            assertThat(consumed).as("initialiser %s is used", t.getName()).contains(t.getName());
        }
        List<OnnxMl.ValueInfoProto> io = new ArrayList<>(m.getGraph().getInputList());
        io.addAll(m.getGraph().getOutputList());
        for (OnnxMl.ValueInfoProto v : io) {
            assertThat(v.getType().getTensorType().getShape().getDim(0).getDimParam()).as(v.getName()).isEqualTo("batch");
        }
        assertThat(m.getOpsetImport(0).getVersion()).isEqualTo(13);
    }

    /** ONNX Runtime on {@code onnx} vs {@code model.predict} on the same rows, for 23 rows and for 1. */
    static void assertScoresEqual(TrainableModel model, ModelSpec spec, Path onnx, List<String> outputs) throws Exception {
        try (OrtSession session = env.createSession(onnx.toString(), new OrtSession.SessionOptions())) {
            for (int n : new int[] {23, 1}) {
                Batch b = ExportFixtures.batch(spec, n, 7 + n, model.backendName().equals("dl4j"));
                Predictions expected = model.predict(b);
                Map<String, OnnxTensor> in = ExportFixtures.tensors(env, spec, b);
                try (OrtSession.Result res = session.run(in)) {
                    for (String name : outputs) {
                        float[] want = expected.output(name);
                        OnnxValue v = res.get(name).orElseThrow();
                        FloatBuffer got = ((OnnxTensor) v).getFloatBuffer();
                        assertThat(got.remaining()).as(name).isEqualTo(want.length);
                        double worst = 0;
                        for (int i = 0; i < want.length; i++) {
                            worst = Math.max(worst, Math.abs(got.get(i) - want[i]));
                        }
                        worstSeen = Math.max(worstSeen, worst);
                        assertThat(worst).as("max |onnx - predict| of output '%s' (%d rows)", name, n).isLessThanOrEqualTo(TOLERANCE);
                    }
                } finally {
                    in.values().forEach(OnnxTensor::close);
                }
            }
        }
    }

    @Test
    void aSavedAndReloadedModelExportsTheSameScores() throws Exception {
        ModelSpec spec = ExportFixtures.spec(new Topology.Ple(2, 1, 1, List.of(5)), "sequence");
        TrainableModel model = new Dl4jBackend().compile(spec, ExportFixtures.vocabularies(), ExportFixtures.stats());
        ExportFixtures.train(model, 3);
        Path saved = dir.resolve("m.mtl");
        model.save(saved);
        try (TrainableModel loaded = new Dl4jBackend().load(saved)) {
            OnnxExport.Result r = OnnxExport.export(loaded, dir.resolve("loaded.onnx"));
            assertScoresEqual(model, spec, r.onnx(), r.outputs());
        }
    }

    @Test
    void sideFileListsEveryVocabularyInRowOrder() throws Exception {
        ModelSpec spec = ExportFixtures.spec(new Topology.Mmoe(2, List.of(4), List.of()), "ids");
        TrainableModel model = new Dl4jBackend().compile(spec, ExportFixtures.vocabularies(), ExportFixtures.stats());
        OnnxExport.Result r = OnnxExport.export(model, dir.resolve("funnel.onnx"));
        assertThat(r.sideFile()).isEqualTo(dir.resolve("funnel.inputs.json"));
        JsonNode root = new ObjectMapper().readTree(Files.readAllBytes(r.sideFile()));
        assertThat(root.get("model").asText()).isEqualTo("export-ids");
        JsonNode user = root.get("inputs").get(1);
        assertThat(user.get("name").asText()).isEqualTo("user");
        assertThat(user.get("dtype").asText()).isEqualTo("int64");
        JsonNode tokens = user.get("vocabulary").get("tokens");
        List<String> listed = new ArrayList<>();
        tokens.forEach(t -> listed.add(t.asText()));
        assertThat(listed).isEqualTo(ExportFixtures.vocabularies().get("user").tokens());
        // row of a token = 2 + its position, as Vocabulary.index says
        assertThat(2 + listed.indexOf("u3")).isEqualTo(ExportFixtures.vocabularies().get("user").index("u3"));
        JsonNode genres = root.get("inputs").get(4);
        assertThat(genres.get("vocabulary").get("kind").asText()).isEqualTo("hashed");
        assertThat(genres.get("vocabulary").get("hashBuckets").asInt()).isEqualTo(5);
        assertThat(root.get("outputs").get(2).get("name").asText()).isEqualTo("ctcvr.conditional");
    }

    /** The FM has one factor width and refuses id inputs of other widths: every one at the widest (4). */
    private static ModelSpec oneFactorWidth(ModelSpec s) {
        List<org.mtl4j.api.spec.InputSpec> inputs = s.inputs().stream().map(in -> in instanceof org.mtl4j.api.spec.CategoricalInput c
                ? new org.mtl4j.api.spec.CategoricalInput(c.name(), c.column(), 4, c.vocabulary(), c.table())
                : in instanceof org.mtl4j.api.spec.MultiHotInput m ? new org.mtl4j.api.spec.MultiHotInput(m.name(), m.column(),
                        m.separator(), 4, m.pooling(), m.vocabulary(), m.table()) : in).toList();
        return new ModelSpec(s.name(), inputs, s.tasks(), s.topology(), s.lossWeighting(), s.gradientAggregation(), s.clipping(),
                s.optimizer(), s.training(), s.backend());
    }

    static Stream<Topology> tribuoTopologies() {
        return Stream.of(new Topology.Independent(List.of(4)), new Topology.SharedBottom(List.of(4)), new Topology.Ple(1, 2, 1, List.of(4)));
    }

    /** The tribuo backend's FM: dense, categorical (one table shared by two inputs), mean and hashed sum bags; every task kind, ESMM. */
    @ParameterizedTest(name = "tribuo {0}")
    @MethodSource("tribuoTopologies")
    void aTribuoFactorizationMachineScoresWhatPredictScores(Topology topology) throws Exception {
        ModelSpec spec = oneFactorWidth(ExportFixtures.spec(topology, "ids").withBackend(TribuoBackend.NAME).withoutHiddenLayers());
        TrainableModel model = new TribuoBackend().compile(spec, ExportFixtures.vocabularies(), ExportFixtures.stats());
        ExportFixtures.train(model, 3);
        Path out = dir.resolve("fm.onnx");
        OnnxExport.Result r = OnnxExport.export(model, out);
        assertThat(r.outputs()).containsExactly("ctr", "ctcvr", "ctcvr" + TaskSpec.CONDITIONAL_SUFFIX, "genre", "rating");
        assertWellFormed(out);
        assertScoresEqual(model, spec, out, r.outputs());
    }

    @Test
    void aModelOfAnotherBackendIsRefusedNamingIt() throws Exception {
        ModelSpec spec = ExportFixtures.spec(new Topology.SharedBottom(List.of(4)), "ids");
        TrainableModel inner = new Dl4jBackend().compile(spec, ExportFixtures.vocabularies(), ExportFixtures.stats());
        TrainedModel foreign = new ThirdPartyModel(inner);
        Path out = dir.resolve("foreign.onnx");
        assertThatThrownBy(() -> OnnxExport.export(foreign, out)).isInstanceOf(OnnxExportException.class)
                .hasMessage("cannot export model 'export-ids' to ONNX: backend 'acme' has no ONNX mapping (exportable backends: dl4j, tribuo)");
        assertThat(out).doesNotExist();
        assertThat(OnnxExport.sideFile(out)).doesNotExist();
    }

    /** An image encoded by a user's DL4J network is not mapped to ONNX layers: the export names the input. */
    @Test
    void anInputEncodedByADl4jNetworkIsRefusedNamingIt() throws Exception {
        org.deeplearning4j.nn.multilayer.MultiLayerNetwork net = new org.deeplearning4j.nn.multilayer.MultiLayerNetwork(
                new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder().seed(1).list()
                        .layer(new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().nOut(3).build())
                        .setInputType(org.deeplearning4j.nn.conf.inputs.InputType.feedForward(2 * 8 * 6)).build());
        net.init();
        String ref = org.mtl4j.api.spec.EncoderNetworks.register("photo", net);
        List<org.mtl4j.api.spec.InputSpec> inputs = new ArrayList<>(ExportFixtures.inputs("ids"));
        inputs.add(new org.mtl4j.api.spec.ImageInput("photo", "photo", 2, 8, 6, ref, null, null, 3));
        ModelSpec base = ExportFixtures.spec(new Topology.SharedBottom(List.of(4)), "ids");
        ModelSpec spec = new ModelSpec(base.name(), inputs, base.tasks(), base.topology(), null, null, null, base.optimizer(),
                base.training(), "dl4j");
        TrainableModel model = new Dl4jBackend().compile(spec, ExportFixtures.vocabularies(), ExportFixtures.stats());
        Path out = dir.resolve("network.onnx");
        assertThatThrownBy(() -> OnnxExport.export(model, out)).isInstanceOf(OnnxExportException.class)
                .hasMessageContaining("input 'photo' is encoded by a DL4J network (" + ref + "), which the exporter does not "
                        + "map to ONNX layers; export the network's features as a vector input instead");
        assertThat(out).doesNotExist();
    }

    /** A model of a third-party backend ("acme") that mtl4j-onnx knows nothing about; it predicts through another model. */
    private record ThirdPartyModel(TrainedModel inner) implements TrainedModel {
        @Override
        public ModelSpec spec() {
            return inner.spec();
        }

        @Override
        public String backendName() {
            return "acme";
        }

        @Override
        public Map<String, org.mtl4j.api.data.Vocabulary> vocabularies() {
            return inner.vocabularies();
        }

        @Override
        public org.mtl4j.api.backend.Provenance provenance() {
            return inner.provenance();
        }

        @Override
        public Predictions predict(Batch batch) {
            return inner.predict(batch);
        }

        @Override
        public Map<String, Long> parameterCounts() {
            return inner.parameterCounts();
        }

        @Override
        public void save(Path file) {
            throw new UnsupportedOperationException("acme models are not saved in this test");
        }
    }
}
