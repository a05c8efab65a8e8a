package org.mtl4j.api.backend;

import java.util.List;
import java.util.Map;

/**
 * The training-step contract of a backend for one batch, after the forward pass. The loop calls
 * either {@link #backward(double[])} (loss weighting: one backward pass), or
 * {@link #taskGradients(double[], ParameterScope)} then writes the aggregated shared gradient into
 * {@link #sharedGradient()} (gradient aggregation: T backward passes), then clips through
 * {@link #gradient()} / {@link #parameterBlocks()}, then {@link TrainableModel#applyUpdate()}.
 */
public interface TrainingStep {

    /** The per-task losses of this batch. */
    TaskLosses losses();

    /**
     * Gradient of sum_k w_k L_k over every parameter into the model's gradient buffer (replacing
     * what was there).
     */
    void backward(double[] taskWeights);

    /**
     * Per-task gradients of the unweighted task losses over the shared parameters in
     * {@code scope}, one per task in task order. As a side effect the WHOLE gradient buffer receives
     * exactly what {@link #backward(double[])} would put there, whatever the scope: for each task's
     * own (tower) parameters that task's gradient times {@code taskWeights[k]}, and for every shared
     * parameter (not only those in scope) the weighted sum. The returned vectors stay valid until the
     * next step.
     */
    List<GradientVector> taskGradients(double[] taskWeights, ParameterScope scope);

    /** The shared part of the gradient buffer, writable: aggregators write their result here. */
    GradientVector sharedGradient();

    /** The whole gradient buffer, writable (global clipping works on it). */
    GradientVector gradient();

    /** Parameter tensors with their gradients, for unit-wise clipping. */
    List<ParameterBlock> parameterBlocks();

    /**
     * Mean gate weights of this batch per gate ({@code "<task>"} for MMoE, {@code "<task>@<level>"}
     * for PLE), expert utilisation diagnostics. Empty for topologies without gates.
     */
    default Map<String, double[]> gateUtilisation() {
        return Map.of();
    }
}
