package org.mtl4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.dsl.Inputs;
import org.mtl4j.dsl.Mtl;
import org.mtl4j.dsl.ModelBuilder;
import org.mtl4j.dsl.Problem;
import org.mtl4j.dsl.SpecValidationException;
import org.mtl4j.dsl.Sharing;
import org.mtl4j.dsl.Tasks;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** A DL4J network that does not fit its image input is named at {@code build()}, not later at training. */
class NetworkBranchBuildTest {
    /** conv 3x3 -> dense "features" (4) -> softmax output (3), on 1x4x4 images. */
    private static MultiLayerNetwork network() {
        MultiLayerNetwork m = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(2).activation(Activation.TANH).build())
                .layer(new DenseLayer.Builder().name("features").nOut(4).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("out").nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(4, 4, 1)).build());
        m.init();
        return m;
    }

    private static ModelBuilder model(Inputs.Image image) {
        return Mtl.model("photos").backend("dl4j").inputs(Inputs.dense("age", "age"), image)
                .tasks(Tasks.binary("click")).sharing(Sharing.sharedBottom(8));
    }

    @Test
    void aNetworkWhoseWidthDiffersFromTheDeclaredDimensionIsNamedAtBuild() {
        MultiLayerNetwork net = network();
        assertThatThrownBy(() -> model(Inputs.image("photo", 1, 4, 4).network(net).dimension(7)).build())
                .isInstanceOfSatisfying(SpecValidationException.class, e -> {
                    assertThat(e.problems()).hasSize(1);
                    Problem p = e.problems().get(0);
                    assertThat(p.id()).isEqualTo("MTL/Unsupported");
                    assertThat(p.path()).isEqualTo("inputs[1].network");
                    assertThat(p.detail()).endsWith("outputs 4 features per image at layer 'features' (shape [4]), "
                            + "but the input declares dimension 7");
                });
        assertThatThrownBy(() -> model(Inputs.image("photo", 1, 4, 4).network(net).output("fc").dimension(4)).build())
                .isInstanceOf(SpecValidationException.class)
                .hasMessageContaining("inputs[1].network")
                .hasMessageContaining("has no layer 'fc'");
        assertThatThrownBy(() -> model(Inputs.image("photo", 1, 4, 4).network("no-such-network.zip").dimension(4)).build())
                .isInstanceOf(SpecValidationException.class)
                .hasMessageContaining("inputs[1].network = no-such-network.zip")
                .hasMessageContaining("no such file");
    }

    @Test
    void aNetworkThatFitsBuilds() {
        ModelSpec spec = model(Inputs.image("photo", 1, 4, 4).network(network()).dimension(4)).build();
        assertThat(spec.inputs()).hasSize(2);
    }
}
