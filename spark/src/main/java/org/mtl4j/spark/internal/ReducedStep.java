package org.mtl4j.spark.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.backend.GradientVector;
import org.mtl4j.api.backend.ParameterBlock;
import org.mtl4j.api.backend.ParameterScope;
import org.mtl4j.api.backend.TaskLosses;
import org.mtl4j.api.backend.TrainingStep;

/**
 * The driver's view of one distributed step, as the local gradient pipeline expects a step to be:
 * the losses and per-task gradients are the reduced ones of the whole global batch (sums over shards
 * divided by the global labelled counts N_k), and the gradient buffer, views and parameter blocks are
 * the driver model's own (from a forward pass of one row, whose results are not used), so weighting,
 * per-task clipping, aggregation, final clipping and the optimiser run exactly as in local training.
 * {@link #backward} writes sum_k w_k g_k from the reduced per-task gradients: with the same weights,
 * what a backward pass over the whole batch writes.
 */
public final class ReducedStep implements TrainingStep {
    private final TrainingStep local;
    private final TaskLosses losses;
    private final List<GradientVector> gradients;

    private ReducedStep(TrainingStep local, TaskLosses losses, List<GradientVector> gradients) {
        this.local = local;
        this.losses = losses;
        this.gradients = gradients;
    }

    /**
     * @param buffers T vectors of the driver model (from {@code newGradient()}), reused every step; filled here
     */
    public static ReducedStep of(TrainingStep local, List<String> tasks, ShardResult sum, List<GradientVector> buffers) {
        int t = tasks.size();
        double[] loss = new double[t];
        int[] labelled = new int[t];
        List<GradientVector> g = new ArrayList<>(t);
        for (int k = 0; k < t; k++) {
            long n = sum.labelled()[k];
            labelled[k] = (int) Math.min(Integer.MAX_VALUE, n);
            loss[k] = n == 0 ? 0 : sum.lossSum()[k] / n;
            GradientVector b = buffers.get(k);
            EncodedGradient e = sum.gradient(k);
            if (e == null) {
                b.zero();
            } else {
                e.decodeInto(b);
                b.scale(1.0 / n);
            }
            g.add(b);
        }
        return new ReducedStep(local, new TaskLosses(tasks, loss, labelled), g);
    }

    @Override
    public TaskLosses losses() {
        return losses;
    }

    @Override
    public void backward(double[] taskWeights) {
        setGradient(taskWeights, gradients);
    }

    @Override
    public GradientVector newGradient() {
        return local.newGradient();
    }

    @Override
    public void taskGradients(List<? extends GradientVector> out) {
        for (int k = 0; k < gradients.size(); k++) {
            out.get(k).assign(gradients.get(k));
        }
        local.gradient().zero();
    }

    @Override
    public GradientVector view(GradientVector full, ParameterScope scope) {
        return local.view(full, scope);
    }

    @Override
    public void setGradient(double[] taskWeights, List<? extends GradientVector> taskGradients) {
        local.setGradient(taskWeights, taskGradients);
    }

    @Override
    public GradientVector gradient() {
        return local.gradient();
    }

    @Override
    public List<ParameterBlock> parameterBlocks() {
        return local.parameterBlocks();
    }

    @Override
    public Map<String, double[]> gateUtilisation() {
        return Map.of();
    }
}
