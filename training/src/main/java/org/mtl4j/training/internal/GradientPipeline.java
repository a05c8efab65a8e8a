package org.mtl4j.training.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.backend.GradientVector;
import org.mtl4j.api.backend.ParameterBlock;
import org.mtl4j.api.backend.ParameterScope;
import org.mtl4j.api.backend.TaskLosses;
import org.mtl4j.api.backend.TrainingStep;
import org.mtl4j.api.balance.AggregationContext;
import org.mtl4j.api.balance.ClipReport;
import org.mtl4j.api.balance.Clipper;
import org.mtl4j.api.balance.ClippingContext;
import org.mtl4j.api.balance.GradientAggregator;
import org.mtl4j.api.balance.LossWeighting;
import org.mtl4j.api.balance.PlainState;
import org.mtl4j.api.balance.Stateful;
import org.mtl4j.api.balance.WeightingContext;
import org.mtl4j.api.train.StepDiagnostics;
import org.mtl4j.api.train.TrainingDivergedException;
import org.mtl4j.training.CheckpointException;

/**
 * One run's way from a training step's losses to the gradient the optimiser applies: loss
 * weighting, then (when an aggregator, a per-task clipper, GradNorm or a diagnostics step needs
 * them) the per-task gradients, per-task clipping, aggregation, and final clipping. Holds the run's
 * balancers and the T per-task gradient buffers, allocated at the first step that needs them and
 * reused by every later step (no per-step allocation of gradients).
 *
 * <p>Cost: one backward pass for a plain weighting; T for everything else together (an aggregator,
 * GradNorm's last-shared-layer gradients, which are a view of the same per-task gradients, and
 * diagnostics). Diagnostics record per-task norms, pairwise cosines and the fraction of conflicting
 * pairs (cos &lt; 0; Yu et al., "Gradient Surgery for Multi-Task Learning", NeurIPS 2020, def. 1).
 */
public final class GradientPipeline {
    private final List<String> tasks;
    private final LossWeighting weighting;
    private final GradientAggregator aggregator;
    private final List<Clipper> clippers;
    private final List<Clipper> taskClippers;
    private final List<Clipper> finalClippers;
    private final DivergenceGuard guard;
    private List<GradientVector> buffers;
    private List<GradientVector> shared;
    private List<GradientVector> lastLayer;

    /** What one step produced, for the loop's sums and listeners. */
    public record Outcome(TaskLosses losses, double[] weights, StepDiagnostics diagnostics) {
    }

    public GradientPipeline(List<String> tasks, LossWeighting weighting, GradientAggregator aggregator, List<Clipper> clippers) {
        this.tasks = List.copyOf(tasks);
        this.weighting = weighting;
        this.aggregator = aggregator;
        this.clippers = List.copyOf(clippers);
        this.taskClippers = this.clippers.stream().filter(c -> c.stage() == Clipper.Stage.TASK_GRADIENTS).toList();
        this.finalClippers = this.clippers.stream().filter(c -> c.stage() != Clipper.Stage.TASK_GRADIENTS).toList();
        this.guard = new DivergenceGuard(tasks);
    }

    /** Divergence beyond NaN/Inf (issue 14): loss caps and rises per step, saturated outputs per epoch. */
    public DivergenceGuard guard() {
        return guard;
    }

    public LossWeighting weighting() {
        return weighting;
    }

    /**
     * Fills the step's gradient buffer for this batch and returns the losses and weights used.
     *
     * @throws TrainingDivergedException on a non-finite loss (before any gradient), weight or gradient
     */
    public Outcome run(TrainingStep ts, long step, int epoch, boolean diagnose) {
        TaskLosses tl = ts.losses();
        for (int k = 0; k < tasks.size(); k++) {
            if (!Double.isFinite(tl.losses()[k])) {
                throw new TrainingDivergedException(tasks.get(k), step, "loss");
            }
        }
        guard.check(tl.losses(), tl.labelled(), step);
        WeightingContext wc = new WeightingContext(step, epoch, tl.losses().clone(), tl.labelled().clone());
        double[] w = checkWeights(weighting.weights(wc), step);
        boolean combine = aggregator != null || !taskClippers.isEmpty();
        boolean perTask = combine || weighting.needsTaskGradients() || diagnose;
        List<String> clipped = new ArrayList<>();
        double[] norms = null;
        double[][] cos = null;
        if (perTask) {
            taskGradients(ts);
            List<Integer> bad = new ArrayList<>();
            for (int k = 0; k < buffers.size(); k++) {
                if (!buffers.get(k).isFinite()) {
                    bad.add(k);
                }
            }
            if (!bad.isEmpty()) {
                throw new TrainingDivergedException(guard.worst(bad), step, "gradient");
            }
            if (diagnose) {
                norms = new double[tasks.size()];
                cos = cosines(shared, norms);
            }
            if (weighting.needsTaskGradients()) {
                weighting.afterBackward(wc, w.clone(), lastLayer);
            }
            ts.setGradient(w, buffers);
            if (combine) {
                for (int k = 0; k < shared.size(); k++) {
                    shared.get(k).scale(w[k]);
                }
                GradientVector out = ts.sharedGradient();
                for (Clipper c : taskClippers) {
                    record(c.clip(new ClippingContext(step, tasks, out, List.of(), shared)), clipped);
                }
                if (aggregator != null) {
                    aggregator.aggregate(shared, out, new AggregationContext(step, epoch, tl.losses().clone(), w.clone()));
                } else {
                    out.zero();
                    for (GradientVector g : shared) {
                        out.axpy(1.0, g);
                    }
                }
            }
        } else {
            ts.backward(w);
        }
        // the combined gradient on the same (shared) parameters as the per-task norms, before final clipping
        double normBefore = diagnose ? ts.sharedGradient().norm() : Double.NaN;
        if (!finalClippers.isEmpty()) {
            List<ParameterBlock> blocks = ts.parameterBlocks();
            for (Clipper c : finalClippers) {
                record(c.clip(new ClippingContext(step, tasks, ts.gradient(), blocks, List.of())), clipped);
            }
        }
        if (!ts.gradient().isFinite()) {
            throw new TrainingDivergedException(culprit(ts, perTask), step, "gradient");
        }
        StepDiagnostics d = null;
        if (diagnose) {
            int conflicts = 0;
            int pairs = 0;
            for (int i = 0; i < tasks.size(); i++) {
                for (int j = i + 1; j < tasks.size(); j++) {
                    pairs++;
                    conflicts += cos[i][j] < 0 ? 1 : 0;
                }
            }
            d = new StepDiagnostics(step, epoch, tl.losses().clone(), w.clone(), norms, cos,
                    pairs == 0 ? 0 : (double) conflicts / pairs, normBefore, List.copyOf(clipped),
                    Map.copyOf(ts.gateUtilisation()));
        }
        return new Outcome(tl, w, d);
    }

    /** The per-task gradients into the run's buffers (allocated once) and their views. */
    private void taskGradients(TrainingStep ts) {
        if (buffers == null) {
            List<GradientVector> b = new ArrayList<>(tasks.size());
            List<GradientVector> s = new ArrayList<>(tasks.size());
            List<GradientVector> l = new ArrayList<>(tasks.size());
            for (int k = 0; k < tasks.size(); k++) {
                GradientVector g = ts.newGradient();
                b.add(g);
                s.add(ts.view(g, ParameterScope.SHARED));
                l.add(ts.view(g, ParameterScope.LAST_SHARED_LAYER));
            }
            buffers = List.copyOf(b);
            shared = List.copyOf(s);
            lastLayer = List.copyOf(l);
        }
        ts.taskGradients(buffers);
    }

    private static void record(ClipReport r, List<String> clipped) {
        if (r != null && r.clipped()) {
            clipped.add(r.clipper());
        }
    }

    private double[] checkWeights(double[] w, long step) {
        if (w == null || w.length != tasks.size()) {
            throw new MtlException("loss weighting returned " + (w == null ? "null" : w.length + " weights") + " for "
                    + tasks.size() + " tasks " + tasks + " at step " + step);
        }
        for (int k = 0; k < w.length; k++) {
            if (!Double.isFinite(w[k])) {
                throw new TrainingDivergedException(tasks.get(k), step, "loss weight");
            }
            if (w[k] < 0) {
                throw new MtlException("loss weighting returned weight " + w[k] + " for task '" + tasks.get(k) + "' at step "
                        + step + " (weights must be >= 0)");
            }
        }
        return w;
    }

    /** Pairwise cosines (0 where a gradient is zero; 1 on the diagonal of non-zero ones); fills {@code norms}. */
    public static double[][] cosines(List<GradientVector> g, double[] norms) {
        int n = g.size();
        for (int k = 0; k < n; k++) {
            norms[k] = g.get(k).norm();
        }
        double[][] cos = new double[n][n];
        for (int i = 0; i < n; i++) {
            cos[i][i] = norms[i] > 0 ? 1 : 0;
            for (int j = i + 1; j < n; j++) {
                double c = norms[i] > 0 && norms[j] > 0 ? g.get(i).dot(g.get(j)) / (norms[i] * norms[j]) : 0;
                cos[i][j] = c;
                cos[j][i] = c;
            }
        }
        return cos;
    }

    /** The task to blame for a non-finite final gradient: a task block, else a task gradient, else "*". */
    private String culprit(TrainingStep ts, boolean perTaskDone) {
        // every task whose own gradient is non-finite; of several, the one whose loss rose most
        java.util.Set<Integer> bad = new java.util.TreeSet<>();
        for (ParameterBlock b : ts.parameterBlocks()) {
            if (b.task() != null && tasks.contains(b.task()) && !b.gradient().isFinite()) {
                bad.add(tasks.indexOf(b.task()));
            }
        }
        if (!perTaskDone) {
            try {
                taskGradients(ts);
                for (int k = 0; k < buffers.size(); k++) {
                    if (!shared.get(k).isFinite()) {
                        bad.add(k);
                    }
                }
            } catch (RuntimeException e) {
                // the backend cannot give per-task gradients: the task stays unknown
            }
        }
        return bad.isEmpty() ? "*" : guard.worst(List.copyOf(bad));
    }

    /** The balancers' states as plain data: the weighting, the aggregator, then each clipper. */
    public List<PlainState> saveStates() {
        List<PlainState> out = new ArrayList<>();
        out.add(weighting.saveState());
        out.add(aggregator == null ? PlainState.EMPTY : aggregator.saveState());
        for (Clipper c : clippers) {
            out.add(c.saveState());
        }
        return out;
    }

    /** Restores what {@link #saveStates()} wrote into this run's fresh balancers. */
    public void restoreStates(List<PlainState> states, Path file) {
        if (states.size() != 2 + clippers.size()) {
            throw new CheckpointException("checkpoint " + file + " was written with " + (states.size() - 2)
                    + " clippers, this run has " + clippers.size() + ": resume with the spec the run started with", true, null);
        }
        restore(weighting, states.get(0), file);
        if (aggregator != null) {
            restore(aggregator, states.get(1), file);
        }
        for (int i = 0; i < clippers.size(); i++) {
            restore(clippers.get(i), states.get(2 + i), file);
        }
    }

    private static void restore(Stateful balancer, PlainState state, Path file) {
        try {
            balancer.restoreState(state);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("checkpoint " + file + ": the saved state does not fit balancer "
                    + balancer.getClass().getName() + ": " + e.getMessage(), true, e);
        }
    }
}
