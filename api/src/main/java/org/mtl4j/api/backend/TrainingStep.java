package org.mtl4j.api.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The training-step contract of a backend for one batch, after the forward pass. Two ways to fill
 * the gradient buffer, each an explicit call:
 * <ul>
 * <li>{@link #backward(double[])}: one backward pass of sum_k w_k L_k (loss weighting);</li>
 * <li>{@link #taskGradients(List)}: T backward passes, one per task, each task's gradient into a
 * buffer the caller owns (from {@link #newGradient()}, allocated once and reused); the gradient buffer
 * is NOT written. The caller reads the shared part through {@link #view(GradientVector, ParameterScope)}
 * (SHARED, or LAST_SHARED_LAYER, a slice of it: no extra passes), may sum per-task buffers of
 * several shards ({@link GradientVector#axpy}), then writes the buffer with
 * {@link #setGradient(double[], List)} and, when an aggregator combines the shared part, overwrites
 * {@link #sharedGradient()}.</li>
 * </ul>
 * Then the loop clips through {@link #gradient()} / {@link #parameterBlocks()} and calls
 * {@link TrainableModel#applyUpdate()}.
 */
public interface TrainingStep {

    /** The per-task losses of this batch. */
    TaskLosses losses();

    /**
     * Gradient of sum_k w_k L_k over every parameter into the model's gradient buffer (replacing
     * what was there). One backward pass.
     */
    void backward(double[] taskWeights);

    /**
     * A new zero vector over every parameter, laid out as {@link #gradient()}: a per-task gradient
     * buffer for {@link #taskGradients(List)}. Valid for every later step of the same model, so a
     * loop allocates T of them once and reuses them.
     */
    GradientVector newGradient();

    /**
     * T backward passes: {@code out.get(k)} receives the gradient of the unweighted loss L_k of task
     * k over every parameter (its zeros included: what was in the buffer is replaced). The model's
     * gradient buffer is not part of the result: afterwards it holds zeros, and only
     * {@link #setGradient} or {@link #backward} fill it.
     *
     * @param out one vector per task, in task order, each from {@link #newGradient()} of this model
     */
    void taskGradients(List<? extends GradientVector> out);

    /**
     * The part of {@code full} (a vector laid out as {@link #gradient()}: from {@link #newGradient()}
     * or the gradient buffer itself) that holds the parameters of {@code scope}: a view, writes go
     * through. {@link ParameterScope#LAST_SHARED_LAYER} is a slice of {@link ParameterScope#SHARED}.
     */
    GradientVector view(GradientVector full, ParameterScope scope);

    /**
     * Writes the gradient buffer explicitly: sum_k w_k g_k over every parameter, from per-task
     * gradients laid out as {@link #gradient()} (e.g. from {@link #taskGradients(List)}, possibly
     * summed over shards). With the same weights this is what {@link #backward} writes.
     */
    default void setGradient(double[] taskWeights, List<? extends GradientVector> taskGradients) {
        if (taskWeights.length != taskGradients.size()) {
            throw new IllegalArgumentException(taskWeights.length + " task weights for " + taskGradients.size()
                    + " task gradients");
        }
        GradientVector g = gradient();
        g.zero();
        for (int k = 0; k < taskWeights.length; k++) {
            if (taskWeights[k] != 0) {
                g.axpy(taskWeights[k], taskGradients.get(k));
            }
        }
    }

    /**
     * A convenience for tests and one-off use: allocates T new buffers, fills them with
     * {@link #taskGradients(List)} and returns their {@code scope} views. Loops use the buffer form.
     */
    default List<GradientVector> taskGradients(ParameterScope scope) {
        int t = losses().size();
        List<GradientVector> full = new ArrayList<>(t);
        for (int k = 0; k < t; k++) {
            full.add(newGradient());
        }
        taskGradients(full);
        List<GradientVector> out = new ArrayList<>(t);
        for (GradientVector g : full) {
            out.add(view(g, scope));
        }
        return out;
    }

    /** The shared part of the gradient buffer, writable: aggregators write their result here. */
    default GradientVector sharedGradient() {
        return view(gradient(), ParameterScope.SHARED);
    }

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
