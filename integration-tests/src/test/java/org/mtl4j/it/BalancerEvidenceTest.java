package org.mtl4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.backend.ArrayGradientVector;
import org.mtl4j.api.backend.GradientVector;
import org.mtl4j.api.backend.ParameterScope;
import org.mtl4j.api.backend.TrainableModel;
import org.mtl4j.api.backend.TrainingStep;
import org.mtl4j.api.balance.AggregationContext;
import org.mtl4j.api.balance.BalancerContext;
import org.mtl4j.api.balance.GradientAggregator;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.BatchStream;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.PluginRef;
import org.mtl4j.api.train.StepDiagnostics;
import org.mtl4j.api.train.TrainingDivergedException;
import org.mtl4j.api.train.TrainingHistory;
import org.mtl4j.data.InMemoryDataset;
import org.mtl4j.dsl.Balance;
import org.mtl4j.dsl.Clip;
import org.mtl4j.dsl.Inputs;
import org.mtl4j.dsl.Mtl;
import org.mtl4j.dsl.MtlRuntime;
import org.mtl4j.dsl.Optimizer;
import org.mtl4j.dsl.Sharing;
import org.mtl4j.dsl.Tasks;
import org.mtl4j.dsl.Training;

/**
 * Issue 5's end-to-end evidence on the real DL4J backend: gradient conflict shows in the diagnostics
 * and PCGrad / MGDA / CAGrad remove the conflicting component; uncertainty weighting and GradNorm
 * rescue a task drowned by a x1000 loss; global-norm and adaptive clipping keep an exploding run
 * finite, which diverges (naming the task) without them.
 */
class BalancerEvidenceTest {

    private static final MtlRuntime RUNTIME = Mtl.runtime();

    /**
     * Rows where the tasks pull the shared layer apart: y1 = x0 + x1 + e, y2 = 3 (x2 - x0) + e, and
     * a binary task on sign(x3 + x1); big = 31.6 (x0 - x3) + e has a loss ~1000x the others'.
     */
    private static List<Map<String, String>> rows(int n, long seed) {
        Random r = new Random(seed);
        List<Map<String, String>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double[] x = {r.nextGaussian(), r.nextGaussian(), r.nextGaussian(), r.nextGaussian()};
            Map<String, String> row = new HashMap<>();
            for (int j = 0; j < 4; j++) {
                row.put("x" + j, Double.toString(x[j]));
            }
            row.put("y1", Double.toString(x[0] + x[1] + 0.1 * r.nextGaussian()));
            row.put("y2", Double.toString(3 * (x[2] - x[0]) + 0.1 * r.nextGaussian()));
            double logit = 2 * (x[3] + x[1]);
            row.put("click", r.nextDouble() < 1 / (1 + Math.exp(-logit)) ? "1" : "0");
            double big = 31.6 * (x[0] - x[3] + 0.3 * r.nextGaussian());
            row.put("big", Double.toString(big));
            row.put("huge", Double.toString(1000 * big)); // a loss about 1e9 times the others
            out.add(row);
        }
        return out;
    }

    private static org.mtl4j.dsl.ModelBuilder twoRegressions() {
        return Mtl.model("conflict").inputs(Inputs.dense("x", "x0", "x1", "x2", "x3"))
                .tasks(Tasks.regression("y1").tower(4), Tasks.regression("y2").tower(4))
                .sharing(Sharing.sharedBottom(8)).optimizer(Optimizer.adam(0.01));
    }

    private static double minDot(GradientVector g, List<GradientVector> tasks) {
        double m = Double.POSITIVE_INFINITY;
        for (GradientVector t : tasks) {
            m = Math.min(m, g.dot(t) / Math.max(1e-12, t.norm() * Math.max(g.norm(), 1e-12)));
        }
        return m;
    }

    @Test
    void conflictIsDiagnosedAndSurgeryRemovesTheConflictingComponent() {
        ModelSpec spec = RUNTIME.check(twoRegressions().training(Training.epochs(2).batchSize(64).seed(3).diagnosticsEvery(5)).build());
        Dataset data = InMemoryDataset.fromRows(spec, rows(4_000, 1));
        TrainingHistory history = train(spec, data).history();
        List<StepDiagnostics> diags = history.diagnostics();
        assertThat(diags).as("diagnostics recorded every 5 steps").hasSizeGreaterThan(20);
        double minCos = diags.stream().mapToDouble(d -> d.cosines()[0][1]).min().orElseThrow();
        double meanConflict = diags.stream().mapToDouble(StepDiagnostics::conflictFraction).average().orElseThrow();
        System.out.printf("equal weighting: min task cosine %.3f, mean conflicting-pair fraction %.2f%n", minCos, meanConflict);
        assertThat(minCos).as("most negative cosine of the task gradients").isLessThan(-0.1);
        assertThat(meanConflict).as("fraction of steps with conflicting task gradients").isGreaterThan(0.05);

        // On the same real per-task gradients, surgery leaves no task with a negative first-order change.
        TrainableModel model = RUNTIME.backend("dl4j").compile(spec, data.vocabularies(), data.denseStats());
        Map<String, GradientAggregator> aggs = new HashMap<>();
        for (String name : List.of("sum", "pcgrad", "mgda", "cagrad")) {
            aggs.put(name, RUNTIME.gradientAggregator(name).create(new BalancerContext(PluginRef.of(name), spec.tasks(), 1)));
        }
        int conflicting = 0;
        try (BatchStream s = data.batches(64, true, 9)) {
            for (int b = 0; s.hasNext() && b < 60; b++) {
                Batch batch = s.next();
                TrainingStep step = model.step(batch);
                List<GradientVector> grads = step.taskGradients(ParameterScope.SHARED).stream()
                        .map(g -> (GradientVector) new ArrayGradientVector(g.toArray())).toList();
                Map<String, Double> worst = new HashMap<>();
                for (var e : aggs.entrySet()) {
                    GradientVector out = ArrayGradientVector.zeros(grads.get(0).length());
                    e.getValue().aggregate(grads, out, new AggregationContext(b, 0, new double[] {1, 1}, new double[] {1, 1}));
                    worst.put(e.getKey(), minDot(out, grads));
                }
                if (worst.get("sum") < -1e-3) {
                    conflicting++;
                    assertThat(worst.get("pcgrad")).as("PCGrad worst task cosine, batch %d", b).isGreaterThan(-1e-6);
                    assertThat(worst.get("mgda")).as("MGDA worst task cosine, batch %d", b).isGreaterThan(-1e-6);
                    assertThat(worst.get("cagrad")).as("CAGrad worst task cosine, batch %d", b).isGreaterThan(worst.get("sum"));
                }
                step.backward(new double[] {1, 1});
                model.applyUpdate();
            }
        }
        assertThat(conflicting).as("batches where the plain sum hurts a task").isPositive();
    }

    /**
     * Trains on raw labels: these cases build their loss scales (x1000, x1e9) from the labels' scale,
     * which the default standardisation of regression labels (issue 14) would take away.
     */
    private static org.mtl4j.training.TrainingResult train(ModelSpec spec, Dataset data) {
        return RUNTIME.train(spec, data, null, b -> b.standardiseLabels(false));
    }

    private static double ctrAuc(ModelSpec spec, long seed) {
        Dataset train = InMemoryDataset.fromRows(spec, rows(12_000, seed));
        Dataset test = InMemoryDataset.builder(spec, rows(4_000, seed + 100)).build();
        return RUNTIME.evaluate(train(spec, train).model(), test).metric("click", "auc");
    }

    @Test
    void uncertaintyAndGradNormRescueATaskDrownedByAThousandfoldLoss() {
        var single = Mtl.model("single").inputs(Inputs.dense("x", "x0", "x1", "x2", "x3"))
                .tasks(Tasks.binary("click").tower(8)).sharing(Sharing.sharedBottom(16))
                .optimizer(Optimizer.adam(0.01)).training(Training.epochs(3).batchSize(64).seed(5));
        double alone = ctrAuc(RUNTIME.check(single.build()), 7);
        java.util.function.Function<Balance.Choice, ModelSpec> drowned = balance -> RUNTIME.check(
                Mtl.model("drowned").inputs(Inputs.dense("x", "x0", "x1", "x2", "x3"))
                        .tasks(Tasks.binary("click").tower(8), Tasks.regression("big").tower(8))
                        .sharing(Sharing.sharedBottom(16)).balance(balance)
                        .optimizer(Optimizer.adam(0.01)).training(Training.epochs(3).batchSize(64).seed(5)).build());
        System.out.printf("x1000 loss: click AUC alone %.4f, with equal weights %.4f%n", alone, ctrAuc(drowned.apply(Balance.equal()), 7));
        for (Balance.Choice balance : List.of(Balance.uncertainty(), Balance.gradnorm(1.5))) {
            ModelSpec spec = drowned.apply(balance);
            double auc = ctrAuc(spec, 7);
            System.out.printf("x1000 loss: click AUC alone %.4f, with %s %.4f%n", alone, spec.lossWeighting().name(), auc);
            assertThat(auc).as("click AUC next to a x1000 task with %s (alone: %.4f)", spec.lossWeighting().name(), alone)
                    .isGreaterThanOrEqualTo(alone - 0.02);
        }
    }

    private static ModelSpec exploding(Clip.Choice... clips) {
        return RUNTIME.check(Mtl.model("exploding").inputs(Inputs.dense("x", "x0", "x1", "x2", "x3"))
                .tasks(Tasks.regression("huge").tower(8), Tasks.regression("y1").tower(8))
                .sharing(Sharing.sharedBottom(16)).clip(clips)
                .optimizer(Optimizer.sgd(0.05)).training(Training.epochs(2).batchSize(32).seed(2)).build());
    }

    @Test
    void clippingKeepsAnExplodingRunFiniteAndItsAbsenceDivergesNamingTheTask() {
        List<Map<String, String>> data = rows(3_000, 4);
        ModelSpec bare = exploding();
        assertThatThrownBy(() -> train(bare, InMemoryDataset.fromRows(bare, data)))
                .isInstanceOf(TrainingDivergedException.class)
                .hasMessageContaining("task 'huge'");
        for (Clip.Choice clip : List.of(Clip.globalNorm(1.0), Clip.adaptive(0.01))) {
            ModelSpec spec = exploding(clip);
            Dataset ds = InMemoryDataset.fromRows(spec, data);
            var result = train(spec, ds);
            double loss = result.history().epochs().get(result.history().epochs().size() - 1).trainLoss().get("huge");
            System.out.printf("exploding run with %s: final train loss of 'huge' %.4g%n", spec.clipping().get(0).name(), loss);
            assertThat(loss).as("final loss with %s", spec.clipping().get(0).name()).isFinite();
        }
    }

}
