package org.mtl4j.api.balance;

import java.util.List;
import org.mtl4j.api.backend.GradientVector;

/**
 * Combines the per-task gradients of the shared parameters into the one gradient the optimiser
 * applies (gradient surgery, multiple-gradient descent ...). Task-specific parameters keep their
 * own task's gradient; only shared parameters come through here. Stateful: one instance per run.
 */
public interface GradientAggregator extends Stateful {

    /**
     * Writes the combined gradient into {@code out}.
     *
     * @param taskGradients g_k already multiplied by the task's loss weight; must not be modified
     *     unless the aggregator documents it (the loop hands over copies it does not reuse)
     */
    void aggregate(List<GradientVector> taskGradients, GradientVector out, AggregationContext ctx);

    /** The per-task coefficients of the last combination where the method has them (MGDA's alphas), for diagnostics. */
    default double[] lastCoefficients() {
        return new double[0];
    }

    /** Makes an aggregator from its spec parameters. Bound by name in the plugin registry. */
    interface Factory extends PluginFactory<GradientAggregator> {
        @Override
        GradientAggregator create(BalancerContext ctx);
    }
}
