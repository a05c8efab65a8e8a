package org.mtl4j.backend.dl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.backend.TrainableModel;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.spec.EncoderNetworks;
import org.mtl4j.api.spec.ImageInput;
import org.mtl4j.api.spec.InputSpec;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.backend.dl4j.internal.encoders.NetworkEncoder;
import org.mtl4j.backend.dl4j.internal.model.Dl4jModel;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * A user's DL4J network as an image encoder: fine-tuned inside every topology (finite differences through
 * the DL4J part), frozen (cached, untouched), saved with ModelSerializer inside the model archive, and
 * the errors of a network that does not fit.
 */
class NetworkEncoderTest {

    /** conv 2x3x3 (tanh) -> dense "features" 4 (tanh) -> softmax output 3: smooth, so finite differences see no kinks. */
    static ComputationGraph graph(long seed) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(seed).updater(new Sgd(0.1))
                .graphBuilder().addInputs("in")
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(2).activation(Activation.TANH).build(), "in")
                .addLayer("features", new DenseLayer.Builder().nOut(4).activation(Activation.TANH).build(), "conv")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "features")
                .setOutputs("out").setInputTypes(InputType.convolutional(4, 4, 1)).build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    static ModelSpec spec(Topology topology, String network, ImageInput.NetworkMode mode, String output, int dimension) {
        List<InputSpec> inputs = new ArrayList<>(Fixtures.inputs());
        inputs.add(new ImageInput("img", "img", 1, 4, 4, network, mode, output, dimension));
        return Fixtures.spec(inputs, topology, Fixtures.mixedTasks(), OptimizerSpec.adam(1e-2));
    }

    static Stream<Arguments> topologies() {
        return Fixtures.topologies().stream().map(Arguments::of);
    }

    /** The MTL loss's gradient reaches the network's parameters through DL4J's backprop, in every topology. */
    @ParameterizedTest
    @MethodSource("topologies")
    void fineTunedNetworkGradientMatchesFiniteDifferences(Topology topology) {
        Dl4jBackend.initNd4j();
        ModelSpec spec = spec(topology, EncoderNetworks.register("img", graph(3)), ImageInput.NetworkMode.FINE_TUNED, null, 4);
        Dl4jModel model = (Dl4jModel) Fixtures.compile(spec);
        List<String> names = List.copyOf(model.parameterTensors().keySet());
        assertThat(names).anyMatch(n -> n.startsWith("network:img") && n.endsWith(".conv_W"));
        assertThat(names).anyMatch(n -> n.startsWith("network:img") && n.endsWith(".features_b"));
        assertThat(names).noneMatch(n -> n.contains(".out_"));
        // the directions and coordinates of the network's parameters (the trunk's ReLU kinks are GradientCheckTest's)
        GradientCheckTest.check(spec, new double[] {0.8, 1.1, 0.6, 1.2}, false, "network:img");
    }

    @Test
    void fineTunedNetworkTrainsThroughTheModelsOptimiserAndRoundTrips(@TempDir Path dir) throws Exception {
        Dl4jBackend.initNd4j();
        ComputationGraph source = graph(5);
        INDArray before = source.getParam("conv_W").dup();
        ModelSpec spec = spec(new Topology.SharedBottom(List.of(8)), EncoderNetworks.register("img", source),
                ImageInput.NetworkMode.FINE_TUNED, "features", 4);
        Dl4jModel model = (Dl4jModel) Fixtures.compile(spec);
        NetworkEncoder enc = model.networks().encoders().get(0);
        assertThat(enc.network().getParam("conv_W")).isEqualTo(before);
        assertThat(enc.network().paramTable().keySet()).containsExactlyInAnyOrder("conv_W", "conv_b", "features_W", "features_b");
        double first = 0;
        double last = 0;
        for (int i = 0; i < 30; i++) {
            Batch b = Fixtures.batch(spec, 32, 40 + i % 3, 0);
            var step = model.step(b);
            double loss = Fixtures.weighted(step.losses().losses(), new double[] {1, 1, 1, 1});
            first = i == 0 ? loss : first;
            last = loss;
            step.backward(new double[] {1, 1, 1, 1});
            model.applyUpdate();
        }
        assertThat(last).isLessThan(first);
        // the network's parameters moved (the model's optimiser updated the views DL4J uses), the user's object did not
        assertThat(enc.network().getParam("conv_W")).isNotEqualTo(before);
        assertThat(source.getParam("conv_W")).isEqualTo(before);
        Path file = dir.resolve("model.mtl");
        model.save(file);
        TrainableModel loaded = new Dl4jBackend().load(file);
        Batch probe = Fixtures.batch(spec, 16, 99, 0);
        Map<String, float[]> a = model.predict(probe).outputs();
        Map<String, float[]> b = loaded.predict(probe).outputs();
        for (String k : a.keySet()) {
            assertThat(b.get(k)).as(k).containsExactly(a.get(k));
        }
        // the archive holds the fine-tuned network, readable by DL4J itself
        try (var zip = new java.util.zip.ZipFile(file.toFile())) {
            var entry = zip.stream().filter(e -> e.getName().endsWith("network-img.zip")).findFirst().orElseThrow();
            ComputationGraph saved = ModelSerializer.restoreComputationGraph(zip.getInputStream(entry), false);
            assertThat(saved.params()).isEqualTo(enc.network().params());
        }
    }

    /**
     * Data-parallel workers (issue 15) and prediction replicas (issue 16) build their own network over
     * the model's parameter views: two workers train a fine-tuned or a frozen branch as one worker does,
     * and a replica predicts what the model predicts.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(ImageInput.NetworkMode.class)
    void workersAndReplicasShareTheNetworkBranch(ImageInput.NetworkMode mode) {
        Dl4jBackend.initNd4j();
        float[][] trained = new float[2][];
        Dl4jModel last = null;
        for (int w = 1; w <= 2; w++) {
            ModelSpec base = spec(new Topology.Mmoe(2, List.of(6), List.of()), EncoderNetworks.register("img", graph(7)), mode,
                    "features", 4);
            ModelSpec spec = base.withTraining(new org.mtl4j.api.spec.TrainingSpec(1, 96, 7L, 0, null, 0, 1000, w));
            Dl4jModel model = (Dl4jModel) Fixtures.compile(spec);
            for (int i = 0; i < 3; i++) {
                var step = model.step(Fixtures.batch(spec, 96, 60 + i, 0));
                step.backward(new double[] {1, 1, 1, 1});
                model.applyUpdate();
            }
            trained[w - 1] = model.parameters().toFloatVector();
            last = model;
        }
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < trained[0].length; i++) {
            diff = Math.max(diff, Math.abs((double) trained[0][i] - trained[1][i]));
            scale = Math.max(scale, Math.abs(trained[0][i]));
        }
        assertThat(diff / scale).as("2 workers vs 1, " + mode).isLessThan(1e-5);
        Dl4jModel replica = last.predictionReplica();
        Batch probe = Fixtures.batch(last.spec(), 40, 98, 0);
        Map<String, float[]> a = last.predict(probe).outputs();
        Map<String, float[]> b = replica.predict(probe).outputs();
        for (String k : a.keySet()) {
            assertThat(b.get(k)).as(k).containsExactly(a.get(k));
        }
    }

    @Test
    void frozenNetworkIsCachedNotTrainedAndRoundTripsFromAFile(@TempDir Path dir) throws Exception {
        Dl4jBackend.initNd4j();
        // a MultiLayerNetwork from a file (as a YAML spec names it)
        MultiLayerNetwork mln = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(2).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(2).activation(Activation.TANH).build())
                .layer(new DenseLayer.Builder().nOut(5).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(4, 4, 1)).build());
        mln.init();
        Path net = dir.resolve("net.zip");
        ModelSerializer.writeModel(mln, net.toFile(), false);
        INDArray before = mln.getLayer(0).getParam("W").dup();
        ModelSpec spec = spec(new Topology.Mmoe(2, List.of(5), List.of()), net.toString(), null, null, 5);
        Dl4jModel model = (Dl4jModel) Fixtures.compile(spec);
        assertThat(model.parameterTensors().keySet()).noneMatch(n -> n.startsWith("network:"));
        NetworkEncoder enc = model.networks().encoders().get(0);
        assertThat(enc.fineTuned()).isFalse();
        Batch b = Fixtures.batch(spec, 20, 1, 0);
        for (int i = 0; i < 3; i++) {
            model.step(b).backward(new double[] {1, 1, 1, 1});
            model.applyUpdate();
        }
        assertThat(enc.cacheHitsAndMisses()).containsExactly(40, 20);
        assertThat(enc.network().getLayer(0).getParam("W")).isEqualTo(before);
        Path file = dir.resolve("model.mtl");
        model.save(file);
        Files.delete(net); // the archive is self-contained
        TrainableModel loaded = new Dl4jBackend().load(file);
        Map<String, float[]> x = model.predict(b).outputs();
        Map<String, float[]> y = loaded.predict(b).outputs();
        for (String k : x.keySet()) {
            assertThat(y.get(k)).as(k).containsExactly(x.get(k));
        }
    }

    /** LP-FT: a fine-tuned model initialised from a frozen one predicts what the frozen one predicts. */
    @Test
    void aFineTunedModelStartsFromAFrozenModelsHead() {
        Dl4jBackend.initNd4j();
        String ref = EncoderNetworks.register("img", graph(8));
        ModelSpec frozenSpec = spec(new Topology.SharedBottom(List.of(6)), ref, null, null, 4);
        Dl4jModel frozen = (Dl4jModel) Fixtures.compile(frozenSpec);
        for (int i = 0; i < 3; i++) {
            frozen.step(Fixtures.batch(frozenSpec, 16, i, 0)).backward(new double[] {1, 1, 1, 1});
            frozen.applyUpdate();
        }
        ModelSpec tunedSpec = spec(new Topology.SharedBottom(List.of(6)), ref, ImageInput.NetworkMode.FINE_TUNED, null, 4);
        Dl4jModel tuned = (Dl4jModel) Fixtures.compile(tunedSpec);
        Batch probe = Fixtures.batch(frozenSpec, 12, 77, 0);
        assertThat(tuned.predict(probe).output("ctr")).isNotEqualTo(frozen.predict(probe).output("ctr"));
        tuned.initFrom(frozen, false);
        Map<String, float[]> a = frozen.predict(probe).outputs();
        Map<String, float[]> b = tuned.predict(probe).outputs();
        for (String k : a.keySet()) {
            assertThat(b.get(k)).as(k).containsExactly(a.get(k));
        }
    }

    @Test
    void aNetworkThatDoesNotFitIsRefusedNamingTheInput() {
        Dl4jBackend.initNd4j();
        String ref = EncoderNetworks.register("img", graph(1));
        assertThatThrownBy(() -> Fixtures.compile(spec(new Topology.SharedBottom(List.of(4)), ref, null, null, 7)))
                .isInstanceOf(MtlException.class)
                .hasMessage("image input 'img': network " + ref + " outputs 4 features per image at layer 'features' "
                        + "(shape [4]), but the input declares dimension 7");
        assertThatThrownBy(() -> Fixtures.compile(spec(new Topology.SharedBottom(List.of(4)), ref, null, "fc", 4)))
                .isInstanceOf(MtlException.class)
                .hasMessage("image input 'img': network " + ref + " has no layer 'fc' (layers: [conv, features, out])");
        assertThatThrownBy(() -> Fixtures.compile(spec(new Topology.SharedBottom(List.of(4)), ref, null, "out", 3)))
                .isInstanceOf(MtlException.class)
                .hasMessage("image input 'img': network " + ref + ": layer 'out' is a loss layer (its gradient needs labels); "
                        + "name the layer before it with 'output'");
        assertThatThrownBy(() -> Fixtures.compile(spec(new Topology.SharedBottom(List.of(4)), "no-such.zip", null, null, 4)))
                .isInstanceOf(MtlException.class)
                .hasMessageStartingWith("image input 'img': network no-such.zip: no such file");
        String other = EncoderNetworks.register("img", new ByteArrayOutputStream());
        assertThatThrownBy(() -> Fixtures.compile(spec(new Topology.SharedBottom(List.of(4)), other, null, null, 4)))
                .isInstanceOf(MtlException.class)
                .hasMessage("image input 'img': network " + other
                        + " is a java.io.ByteArrayOutputStream, not a DL4J ComputationGraph or MultiLayerNetwork");
    }
}
