package org.mtl4j.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;
import static org.mtl4j.training.Fixtures.clickAndValue;
import static org.mtl4j.training.Fixtures.maxAbsDiff;
import static org.mtl4j.training.Fixtures.spec;
import static org.mtl4j.training.Fixtures.training;
import static org.mtl4j.training.Fixtures.twoTasks;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.backend.ParameterScope;
import org.mtl4j.api.backend.TrainingStep;
import org.mtl4j.api.balance.Clipper;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.metric.Evaluation;
import org.mtl4j.api.metric.MetricInput;
import org.mtl4j.api.spec.EarlyStopping;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.TaskKind;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.train.EpochSummary;
import org.mtl4j.api.train.StepDiagnostics;
import org.mtl4j.api.train.TrainingDivergedException;
import org.mtl4j.tasks.Metrics;
import org.mtl4j.training.testmodel.ArrayDataset;
import org.mtl4j.training.testmodel.LinearMtlModel;

class TrainerTest {

    @Test
    void lossDecreasesAndMetricsApproachTheKnownTruth() {
        ArrayDataset train = twoTasks(4000, 6, 0.5, 1);
        ArrayDataset valid = twoTasks(2000, 6, 0.5, 2);
        ModelSpec spec = spec(6, 6, clickAndValue(), OptimizerSpec.adam(0.02), training(4, 64, 7, null, 0));
        LinearMtlModel model = new LinearMtlModel(spec);
        Evaluation before = Evaluator.evaluate(model, valid);

        TrainingResult r = Trainer.builder().build().fit(model, train, valid);

        Batch v = Fixtures.all(valid);
        double oracleAuc = Metrics.resolve("auc").compute(new MetricInput(TaskKind.BINARY, 1, v.labels("click"),
                v.extras().get("p_true"), null, 0));
        assertThat(r.history().epochs()).hasSize(4);
        assertThat(r.history().stopReason()).isEqualTo("completed 4 epochs");
        List<EpochSummary> e = r.history().epochs();
        assertThat(e.get(3).trainLoss().get("value")).isLessThan(e.get(0).trainLoss().get("value"));
        assertThat(r.validation().losses().get("click")).isLessThan(0.8 * before.losses().get("click"));
        // within 0.01 of the AUC of the true probabilities; the noise sd is 0.5, so RMSE cannot beat ~0.5
        assertThat(r.validation().metric("click", "auc")).isGreaterThan(oracleAuc - 0.01);
        assertThat(r.validation().metric("value", "rmse")).isLessThan(0.55);
        assertThat(r.validation().rows()).containsEntry("click", 2000L);
        assertThat(model.updates()).isEqualTo(4 * 63);
        assertThat(model.provenance().trainData()).isEqualTo("array dataset (4000 rows)");
        assertThat(model.provenance().summary()).containsEntry("steps", "252");
    }

    @Test
    void lossWeightsScaleTheGradientExactly() {
        ArrayDataset ds = twoTasks(32, 4, 0.5, 3);
        ModelSpec spec = spec(4, 3, clickAndValue(), OptimizerSpec.sgd(0.1, 0), training(1, 32, 5, null, 0));
        LinearMtlModel trained = new LinearMtlModel(spec);
        double[] theta0 = trained.parameters().clone();
        Trainer.builder().lossWeighting(new Fixtures.FixedWeights(2, 0.5)).build().fit(trained, ds, null);

        LinearMtlModel ref = new LinearMtlModel(spec);
        TrainingStep s = ref.step(Fixtures.all(ds));
        s.backward(new double[] {1, 0});
        double[] g1 = s.gradient().toArray();
        s.backward(new double[] {0, 1});
        double[] g2 = s.gradient().toArray();
        double[] expected = new double[theta0.length];
        double[] unweighted = new double[theta0.length];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = theta0[i] - 0.1 * (2 * g1[i] + 0.5 * g2[i]);
            unweighted[i] = theta0[i] - 0.1 * (g1[i] + g2[i]);
        }
        assertThat(maxAbsDiff(trained.parameters(), expected)).isLessThan(1e-12);
        assertThat(maxAbsDiff(trained.parameters(), unweighted)).isGreaterThan(1e-3);
    }

    private static double[] run(ModelSpec spec, ArrayDataset ds, Trainer trainer) {
        LinearMtlModel m = new LinearMtlModel(spec);
        trainer.fit(m, ds, null);
        return m.parameters();
    }

    @Test
    void aggregatorAndTaskClipperPathsEqualTheBackwardPathForAPlainSum() {
        ArrayDataset ds = twoTasks(200, 4, 0.5, 4);
        ModelSpec spec = spec(4, 3, clickAndValue(), OptimizerSpec.adam(0.01), training(2, 16, 5, null, 0));
        double[] backward = run(spec, ds, Trainer.builder().lossWeighting(new Fixtures.FixedWeights(2, 0.5)).build());
        Fixtures.SumAggregator sum = new Fixtures.SumAggregator();
        double[] aggregated = run(spec, ds, Trainer.builder().lossWeighting(new Fixtures.FixedWeights(2, 0.5))
                .gradientAggregator(sum).build());
        double[] taskClipped = run(spec, ds, Trainer.builder().lossWeighting(new Fixtures.FixedWeights(2, 0.5))
                .clippers(List.of(new Fixtures.PerTaskNormClipper(1e9))).build());
        assertThat(sum.calls).isEqualTo(2 * 13);
        assertThat(maxAbsDiff(aggregated, backward)).isLessThan(1e-12);
        assertThat(maxAbsDiff(taskClipped, backward)).isLessThan(1e-12);
        // a per-task clip that bites changes the result
        double[] clipped = run(spec, ds, Trainer.builder().lossWeighting(new Fixtures.FixedWeights(2, 0.5))
                .clippers(List.of(new Fixtures.PerTaskNormClipper(0.01))).build());
        assertThat(maxAbsDiff(clipped, backward)).isGreaterThan(1e-3);
    }

    /** A weighting that, like GradNorm, learns from the last shared layer's per-task gradients. */
    private static final class LastLayerWeights extends Fixtures.HistoryWeights {
        int calls;
        int length;

        @Override
        public boolean needsTaskGradients() {
            return true;
        }

        @Override
        public void afterBackward(org.mtl4j.api.balance.WeightingContext ctx, double[] used,
                List<org.mtl4j.api.backend.GradientVector> g) {
            calls++;
            length = g.get(0).length();
        }
    }

    @Test
    void aGradNormLikeWeightingWithAnAggregatorAndDiagnosticsCostsTBackwardPasses() {
        ArrayDataset ds = twoTasks(200, 4, 0.5, 4);
        ModelSpec spec = spec(4, 3, clickAndValue(), OptimizerSpec.adam(0.01), training(2, 16, 5, null, 1));
        LinearMtlModel m = new LinearMtlModel(spec);
        LastLayerWeights w = new LastLayerWeights();
        Fixtures.SumAggregator sum = new Fixtures.SumAggregator();
        Trainer.builder().lossWeighting(w).gradientAggregator(sum).build().fit(m, ds, null);
        long steps = m.updates();
        assertThat(steps).isEqualTo(26);
        assertThat(w.calls).isEqualTo(26);
        assertThat(sum.calls).isEqualTo(26);
        assertThat(w.length).isEqualTo(3 * 4 + 3); // the last (only) shared layer, a view of the shared gradient
        assertThat(m.backwardPasses()).isEqualTo(2 * steps); // T = 2 passes per step, not 2T
        LinearMtlModel plain = new LinearMtlModel(spec(4, 3, clickAndValue(), OptimizerSpec.adam(0.01),
                training(2, 16, 5, null, 0)));
        Trainer.builder().build().fit(plain, ds, null);
        assertThat(plain.backwardPasses()).isEqualTo(plain.updates()); // a plain weighting: one pass per step
    }

    @Test
    void oneTrainerWithFactoriesRunsTwiceWithTheSameResult() {
        ArrayDataset ds = twoTasks(200, 4, 0.5, 4);
        ArrayDataset valid = twoTasks(100, 4, 0.5, 5);
        ModelSpec spec = spec(4, 3, clickAndValue(), OptimizerSpec.adam(0.01), training(3, 16, 5, null, 2));
        Trainer trainer = Trainer.builder().lossWeighting(Fixtures.HistoryWeights::new)
                .gradientAggregator(Fixtures.SumAggregator::new)
                .clipperFactories(List.of(() -> new Fixtures.GlobalNormClipper(0.5))).build();
        LinearMtlModel first = new LinearMtlModel(spec);
        TrainingResult a = trainer.fit(first, ds, valid);
        LinearMtlModel second = new LinearMtlModel(spec);
        TrainingResult b = trainer.fit(second, ds, valid);
        assertThat(second.parameters()).containsExactly(first.parameters());
        assertThat(b.history().epochs()).hasSize(3);
        for (int e = 0; e < 3; e++) {
            assertThat(b.history().epochs().get(e).trainLoss()).isEqualTo(a.history().epochs().get(e).trainLoss());
            assertThat(b.history().epochs().get(e).weights()).isEqualTo(a.history().epochs().get(e).weights());
        }
        // the stateful weighting really changed the weights: a trainer sharing one instance would differ
        assertThat(a.history().epochs().get(2).weights().get("click")).isNotEqualTo(1.0);
        Trainer once = Trainer.builder().lossWeighting(new Fixtures.HistoryWeights()).build();
        once.fit(new LinearMtlModel(spec), ds, null);
        assertThatThrownBy(() -> once.fit(new LinearMtlModel(spec), ds, null)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("a Trainer built with balancer instances runs once");
    }

    @Test
    void diagnosticsDoNotChangeTheUpdate() {
        ArrayDataset ds = twoTasks(200, 4, 0.5, 4);
        ModelSpec quiet = spec(4, 3, clickAndValue(), OptimizerSpec.adam(0.01), training(2, 16, 5, null, 0));
        ModelSpec diag = spec(4, 3, clickAndValue(), OptimizerSpec.adam(0.01), training(2, 16, 5, null, 1));
        double[] a = run(quiet, ds, Trainer.builder().build());
        LinearMtlModel m = new LinearMtlModel(diag);
        TrainingResult r = Trainer.builder().clippers(List.of(new Fixtures.GlobalNormClipper(1e9))).build().fit(m, ds, null);
        assertThat(maxAbsDiff(m.parameters(), a)).isLessThan(1e-12);
        assertThat(r.history().diagnostics()).hasSize(26);
        StepDiagnostics d = r.history().diagnostics().get(0);
        assertThat(d.step()).isZero();
        assertThat(d.gradientNorms()).hasSize(2);
        assertThat(java.util.Arrays.stream(d.gradientNorms()).min().orElseThrow()).isPositive();
        assertThat(d.clipped()).isEmpty();
        assertThat(d.gradientNorm()).isPositive();
    }

    @Test
    void theCombinedGradientNormIsTakenOnTheSharedParametersLikeThePerTaskNorms() {
        ArrayDataset ds = twoTasks(32, 4, 0.5, 4);
        ModelSpec spec = spec(4, 3, clickAndValue(), OptimizerSpec.sgd(0.1, 0), training(1, 32, 5, null, 1));
        TrainingResult r = Trainer.builder().lossWeighting(new Fixtures.FixedWeights(2, 0.5)).build()
                .fit(new LinearMtlModel(spec), ds, null);
        // by hand: the per-task gradients of the shared slice at the initial parameters, weighted and summed
        LinearMtlModel ref = new LinearMtlModel(spec);
        TrainingStep s = ref.step(Fixtures.all(ds));
        List<org.mtl4j.api.backend.GradientVector> full = List.of(s.newGradient(), s.newGradient());
        s.taskGradients(full);
        org.mtl4j.api.backend.GradientVector sum = s.view(full.get(0), ParameterScope.SHARED).copy();
        sum.scale(2);
        sum.axpy(0.5, s.view(full.get(1), ParameterScope.SHARED));
        StepDiagnostics d = r.history().diagnostics().get(0);
        assertThat(d.gradientNorm()).isCloseTo(sum.norm(), within(1e-9));
        // the whole gradient (towers included) is larger: that was the old, mismatched definition
        s.setGradient(new double[] {2, 0.5}, full);
        assertThat(s.gradient().norm()).isGreaterThan(sum.norm() + 1e-6);
    }

    @Test
    void finalClipperEventsAreRecorded() {
        ArrayDataset ds = twoTasks(64, 4, 0.5, 4);
        ModelSpec spec = spec(4, 3, clickAndValue(), OptimizerSpec.sgd(0.1, 0), training(1, 32, 5, null, 1));
        LinearMtlModel m = new LinearMtlModel(spec);
        TrainingResult r = Trainer.builder().clippers(List.<Clipper>of(new Fixtures.GlobalNormClipper(1e-3))).build()
                .fit(m, ds, null);
        assertThat(r.history().diagnostics()).hasSize(2)
                .allSatisfy(d -> assertThat(d.clipped()).containsExactly("global-norm"));
    }

    @Test
    void hugeLearningRateDivergesNamingTheTask() {
        ArrayDataset ds = twoTasks(256, 4, 0.5, 5, 100.0);
        ModelSpec spec = spec(4, 3, clickAndValue(), OptimizerSpec.sgd(1.0, 0), training(5, 32, 5, null, 0));
        LinearMtlModel m = new LinearMtlModel(spec);
        TrainingDivergedException e = catchThrowableOfType(TrainingDivergedException.class,
                () -> Trainer.builder().build().fit(m, ds, null));
        assertThat(e).isNotNull();
        assertThat(e.task()).isEqualTo("value");
        // caught before it overflows: a loss beyond 1e15 is a divergence (issue 14)
        assertThat(e.getMessage()).matches("training diverged at step " + e.step() + ": loss of task 'value' is \\d\\.\\d\\de\\+\\d+, "
                + "beyond 1.00e\\+15 \\(labels far out of scale, or a learning rate far too high\\)");
        assertThat(e.step()).isPositive();
        // checked before updating: the failing step applied nothing, the parameters are the last finite ones
        assertThat(m.updates()).isEqualTo(e.step());
        assertThat(java.util.Arrays.stream(m.parameters()).allMatch(Double::isFinite)).isTrue();
    }

    @Test
    void nonFiniteGradientDivergesNamingTheTask() {
        // finite losses, but a weight of 1e308 overflows the weighted gradient of task 'value'
        ArrayDataset ds = twoTasks(64, 4, 0.5, 5, 100.0);
        ModelSpec spec = spec(4, 3, clickAndValue(), OptimizerSpec.sgd(0.1, 0), training(1, 32, 5, null, 0));
        for (boolean aggregate : new boolean[] {false, true}) {
            LinearMtlModel m = new LinearMtlModel(spec);
            double[] before = m.parameters().clone();
            Trainer.Builder b = Trainer.builder().lossWeighting(new Fixtures.FixedWeights(1, 1e308));
            if (aggregate) {
                b.gradientAggregator(new Fixtures.SumAggregator());
            }
            assertThatThrownBy(() -> b.build().fit(m, ds, null)).isInstanceOf(TrainingDivergedException.class)
                    .hasMessage("training diverged at step 0: gradient of task 'value' is not finite");
            assertThat(m.parameters()).containsExactly(before);
        }
    }

    @Test
    void badWeightsAreRejected() {
        ArrayDataset ds = twoTasks(64, 4, 0.5, 5);
        ModelSpec spec = spec(4, 3, clickAndValue(), OptimizerSpec.sgd(0.1, 0), training(1, 32, 5, null, 0));
        assertThatThrownBy(() -> Trainer.builder().lossWeighting(new Fixtures.FixedWeights(1, -2)).build()
                .fit(new LinearMtlModel(spec), ds, null))
                .hasMessage("loss weighting returned weight -2.0 for task 'value' at step 0 (weights must be >= 0)");
        assertThatThrownBy(() -> Trainer.builder().lossWeighting(new Fixtures.FixedWeights(1)).build()
                .fit(new LinearMtlModel(spec), ds, null))
                .hasMessage("loss weighting returned 1 weights for 2 tasks [click, value] at step 0");
        assertThatThrownBy(() -> Trainer.builder().lossWeighting(new Fixtures.FixedWeights(Double.NaN, 1)).build()
                .fit(new LinearMtlModel(spec), ds, null))
                .hasMessage("training diverged at step 0: loss weight of task 'click' is not finite");
    }

    @Test
    void earlyStoppingRestoresTheBestEpoch() {
        // 30 rows, 25 features, noisy labels: the model overfits after a few epochs
        ArrayDataset train = twoTasks(30, 25, 2.0, 6);
        ArrayDataset valid = twoTasks(1000, 25, 2.0, 7);
        ModelSpec spec = spec(25, 25, clickAndValue(), OptimizerSpec.adam(0.03),
                training(200, 10, 5, EarlyStopping.onLoss(3), 0));
        LinearMtlModel m = new LinearMtlModel(spec);
        TrainingResult r = Trainer.builder().build().fit(m, train, valid);

        List<EpochSummary> epochs = r.history().epochs();
        assertThat(epochs.size()).isLessThan(200);
        double[] mean = epochs.stream().mapToDouble(e -> (e.validationLoss().get("click") + e.validationLoss().get("value")) / 2)
                .toArray();
        int best = 0;
        for (int i = 1; i < mean.length; i++) {
            if (mean[i] < mean[best]) {
                best = i;
            }
        }
        assertThat(best).isEqualTo(epochs.size() - 4);
        assertThat(mean[mean.length - 1]).isGreaterThan(mean[best]);
        double finalMean = (r.validation().losses().get("click") + r.validation().losses().get("value")) / 2;
        assertThat(finalMean).isCloseTo(mean[best], within(1e-9));
        assertThat(r.history().stopReason()).startsWith("early stopping after epoch " + epochs.size()
                + ": the mean validation loss did not improve for 3 epochs (best ");
        assertThat(r.history().stopReason()).endsWith("at epoch " + (best + 1) + ")");
        assertThat(r.history().modelEpoch()).isEqualTo(best);
        assertThat(r.history().restoredBest()).isTrue();
        assertThat(r.history().modelEpochDescription()).isEqualTo("epoch " + (best + 1) + " (best)");
        assertThat(m.provenance().summary()).containsEntry("modelEpoch", "epoch " + (best + 1) + " (best)");
    }

    @Test
    void withoutEarlyStoppingTheModelHoldsTheLastEpoch() {
        ModelSpec spec = spec(4, 3, clickAndValue(), OptimizerSpec.adam(0.01), training(3, 16, 5, null, 0));
        TrainingResult r = Trainer.builder().build().fit(new LinearMtlModel(spec), twoTasks(50, 4, 0.5, 1), null);
        assertThat(r.history().modelEpoch()).isEqualTo(2);
        assertThat(r.history().modelEpochDescription()).isEqualTo("epoch 3 (last)");
    }

    @Test
    void earlyStoppingOnTheMeanOfAMetricOverTasksAndOnAWeightedLoss() {
        ArrayDataset train = twoTasks(30, 25, 2.0, 6);
        ArrayDataset valid = twoTasks(1000, 25, 2.0, 7);
        // "*" with auc: the mean auc of the tasks that report it (here click only)
        ModelSpec star = spec(25, 25, clickAndValue(), OptimizerSpec.adam(0.03),
                training(200, 10, 5, new EarlyStopping("*", "auc", 2, 0), 0));
        TrainingResult r = Trainer.builder().build().fit(new LinearMtlModel(star), train, valid);
        double[] auc = r.history().epochs().stream().mapToDouble(e -> e.validationMetrics().get("click").get("auc")).toArray();
        int bestAuc = argBest(auc, true);
        assertThat(r.history().epochs().size()).isLessThan(200);
        assertThat(r.history().modelEpoch()).isEqualTo(bestAuc);
        assertThat(r.validation().metric("click", "auc")).isCloseTo(auc[bestAuc], within(1e-12));
        assertThat(r.history().stopReason()).contains("the mean validation auc of tasks click did not improve");

        // a weighted criterion: 0.25 x click loss + 0.75 x value loss
        ModelSpec weighted = spec(25, 25, clickAndValue(), OptimizerSpec.adam(0.03),
                training(200, 10, 5, new EarlyStopping("click:1, value:3", "loss", 3, 0), 0));
        TrainingResult w = Trainer.builder().build().fit(new LinearMtlModel(weighted), train, valid);
        double[] mix = w.history().epochs().stream()
                .mapToDouble(e -> 0.25 * e.validationLoss().get("click") + 0.75 * e.validationLoss().get("value")).toArray();
        int bestMix = argBest(mix, false);
        assertThat(w.history().modelEpoch()).isEqualTo(bestMix);
        assertThat(w.history().stopReason()).contains("the weighted validation loss (click 0.250, value 0.750) did not improve");
        double finalMix = 0.25 * w.validation().losses().get("click") + 0.75 * w.validation().losses().get("value");
        assertThat(finalMix).isCloseTo(mix[bestMix], within(1e-9));

        ModelSpec none = spec(4, 3, clickAndValue(), OptimizerSpec.adam(0.01),
                training(2, 16, 5, new EarlyStopping("*", "accuracy", 2, 0), 0));
        assertThatThrownBy(() -> Trainer.builder().build().fit(new LinearMtlModel(none), twoTasks(50, 4, 0.5, 1),
                twoTasks(50, 4, 0.5, 2))).hasMessage("early stopping on task \"*\" watches accuracy, which no non-auxiliary task"
                        + " reports (tasks: [click, value]); name the metric of a task, or watch \"loss\"");
        ModelSpec badWeight = spec(4, 3, clickAndValue(), OptimizerSpec.adam(0.01),
                training(2, 16, 5, new EarlyStopping("click:-1, value", "loss", 2, 0), 0));
        assertThatThrownBy(() -> Trainer.builder().build().fit(new LinearMtlModel(badWeight), twoTasks(50, 4, 0.5, 1),
                twoTasks(50, 4, 0.5, 2))).hasMessage("early stopping task \"click:-1, value\": the weight of 'click' must be a"
                        + " positive number, found \"-1\"");
    }

    private static int argBest(double[] v, boolean higher) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (higher ? v[i] > v[best] : v[i] < v[best]) {
                best = i;
            }
        }
        return best;
    }

    @Test
    void earlyStoppingOnATaskMetric() {
        ArrayDataset train = twoTasks(30, 25, 2.0, 6);
        ArrayDataset valid = twoTasks(1000, 25, 2.0, 7);
        ModelSpec spec = spec(25, 25, clickAndValue(), OptimizerSpec.adam(0.03),
                training(200, 10, 5, new EarlyStopping("click", "auc", 2, 0), 0));
        TrainingResult r = Trainer.builder().build().fit(new LinearMtlModel(spec), train, valid);
        double bestAuc = r.history().epochs().stream().mapToDouble(e -> e.validationMetrics().get("click").get("auc")).max()
                .orElseThrow();
        assertThat(r.history().epochs().size()).isLessThan(200);
        assertThat(r.validation().metric("click", "auc")).isCloseTo(bestAuc, within(1e-12));
    }

    @Test
    void earlyStoppingWithoutValidationDataFails() {
        ModelSpec spec = spec(4, 3, clickAndValue(), OptimizerSpec.adam(0.01), training(2, 16, 5, EarlyStopping.onLoss(2), 0));
        assertThatThrownBy(() -> Trainer.builder().build().fit(new LinearMtlModel(spec), twoTasks(50, 4, 0.5, 1), null))
                .isInstanceOf(MtlException.class)
                .hasMessage("early stopping on the mean validation loss needs validation data: pass a validation set or set "
                        + "training.validationFraction > 0");
        ModelSpec unknown = spec(4, 3, clickAndValue(), OptimizerSpec.adam(0.01),
                training(2, 16, 5, new EarlyStopping("ctr", "auc", 2, 0), 0));
        assertThatThrownBy(() -> Trainer.builder().build().fit(new LinearMtlModel(unknown), twoTasks(50, 4, 0.5, 1),
                twoTasks(50, 4, 0.5, 2))).hasMessage("early stopping names task 'ctr', the model has [click, value]");
        ModelSpec notReported = spec(4, 3, clickAndValue(), OptimizerSpec.adam(0.01),
                training(2, 16, 5, new EarlyStopping("click", "rmse", 2, 0), 0));
        assertThatThrownBy(() -> Trainer.builder().build().fit(new LinearMtlModel(notReported), twoTasks(50, 4, 0.5, 1),
                twoTasks(50, 4, 0.5, 2)))
                .hasMessage("early stopping watches rmse of task 'click', which is not among its metrics [auc, logloss] (or \"loss\")");
    }

    @Test
    void validationFractionHoldsOutRowsByHash() {
        ArrayDataset ds = twoTasks(1000, 4, 0.5, 8);
        ModelSpec spec = spec(4, 3, clickAndValue(), OptimizerSpec.adam(0.01),
                new org.mtl4j.api.spec.TrainingSpec(1, 50, 3, 0.2, null, 0, 100));
        LinearMtlModel m = new LinearMtlModel(spec);
        TrainingResult r = Trainer.builder().build().fit(m, ds, null);
        long held = 0;
        for (long i = 0; i < 1000; i++) {
            if (HoldoutDataset.isHeldOut(i, 3, 0.2)) {
                held++;
            }
        }
        assertThat(held).isBetween(150L, 250L);
        assertThat(r.validation().rows()).containsEntry("click", held);
        assertThat(r.history().epochs().get(0).rows()).isEqualTo(1000 - held);
        assertThat(m.provenance().validationData()).isEqualTo("array dataset (1000 rows) (validation hold-out 0.2, seed 3)");
    }

    @Test
    void diagnosticsShowConflictForOppositeTargetsOnASharedWeight() {
        StepDiagnostics opposite = firstDiagnostics(-1);
        StepDiagnostics same = firstDiagnostics(+1);
        assertThat(opposite.cosines()[0][1]).isCloseTo(-1.0, within(1e-12));
        assertThat(opposite.conflictFraction()).isEqualTo(1.0);
        assertThat(same.cosines()[0][1]).isCloseTo(1.0, within(1e-12));
        assertThat(same.conflictFraction()).isEqualTo(0.0);
    }

    /** Two regression tasks a = x and b = sign * x through one shared weight; both heads start equal. */
    private static StepDiagnostics firstDiagnostics(int sign) {
        int n = 64;
        java.util.Random rnd = new java.util.Random(3);
        float[] x = new float[n];
        float[] a = new float[n];
        float[] b = new float[n];
        double mx = 0;
        double mx2 = 0;
        for (int i = 0; i < n; i++) {
            x[i] = (float) rnd.nextGaussian();
            a[i] = x[i];
            b[i] = sign * x[i];
            mx += x[i] / (double) n;
            mx2 += x[i] * (double) x[i] / n;
        }
        ArrayDataset ds = new ArrayDataset("x", 1, x, Map.of("a", a, "b", b), Map.of(), Map.of());
        ModelSpec spec = spec(1, 1, List.of(TaskSpec.regression("a", "a"), TaskSpec.regression("b", "b")),
                OptimizerSpec.sgd(1e-3, 0), training(1, n, 1, null, 1));
        LinearMtlModel m = new LinearMtlModel(spec);
        // W = 0.01, bias 0, heads V = 1, c = 0
        System.arraycopy(new double[] {0.01, 0, 1, 0, 1, 0}, 0, m.parameters(), 0, 6);
        StepDiagnostics d = Trainer.builder().build().fit(m, ds, null).history().diagnostics().get(0);
        // d/dW of mean (0.01 x - t)^2 = 2 (0.01 - s) mean(x^2), d/db = 2 (0.01 - s) mean(x), s = +-1
        double ga = 2 * (0.01 - 1) * Math.hypot(mx2, mx);
        double gb = 2 * (0.01 - sign) * Math.hypot(mx2, mx);
        assertThat(d.gradientNorms()).containsExactly(new double[] {Math.abs(ga), Math.abs(gb)}, within(1e-9));
        assertThat(d.weights()).containsExactly(1.0, 1.0);
        return d;
    }
}
