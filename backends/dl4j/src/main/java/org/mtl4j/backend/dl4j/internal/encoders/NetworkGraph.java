package org.mtl4j.backend.dl4j.internal.encoders;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A {@link ComputationGraph} whose backward pass keeps the layers' inputs: DL4J's public
 * {@code backpropGradient(epsilons)} clears them, but the model may run one backward pass per task
 * after a single forward pass (per-task gradients), so it calls {@code calcBackpropGradients} with
 * {@code clearLayers = false}.
 */
final class NetworkGraph extends ComputationGraph {
    private static final long serialVersionUID = 1L;

    NetworkGraph(ComputationGraphConfiguration conf) {
        super(conf);
    }

    /** The gradient of the network's parameters for an external gradient of its (single) output, into its gradient view. */
    void backprop(INDArray epsilon) {
        calcBackpropGradients(false, false, epsilon);
    }
}
