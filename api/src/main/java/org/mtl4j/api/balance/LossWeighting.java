package org.mtl4j.api.balance;

import java.util.List;
import java.util.Map;
import org.mtl4j.api.backend.GradientVector;

/**
 * Chooses the task weights w_k of the total loss sum_k w_k L_k, once per step (one backward pass).
 * Stateful: an instance serves one training run.
 */
public interface LossWeighting extends Stateful {

    /** Weights for this step, task order. Must be finite and >= 0. */
    double[] weights(WeightingContext ctx);

    /**
     * True if {@link #afterBackward} needs the per-task gradients of the last shared layer
     * (GradNorm); the backend must then support per-task gradients.
     */
    default boolean needsTaskGradients() {
        return false;
    }

    /**
     * Called after the backward pass with each task's unweighted gradient over the last shared layer
     * (only when {@link #needsTaskGradients()}), to learn next step's weights.
     */
    default void afterBackward(WeightingContext ctx, double[] usedWeights, List<GradientVector> taskGradients) {
    }

    /** Called at each epoch end with the epoch's mean training loss per task (DWA, schedule). */
    default void onEpochEnd(int epoch, double[] meanLosses) {
    }

    /** Learned state worth showing (uncertainty's log variances ...), by name. */
    default Map<String, Double> state() {
        return Map.of();
    }

    /** Makes a weighting from its spec parameters. Bound by name in the plugin registry. */
    interface Factory extends PluginFactory<LossWeighting> {
        @Override
        LossWeighting create(BalancerContext ctx);
    }
}
