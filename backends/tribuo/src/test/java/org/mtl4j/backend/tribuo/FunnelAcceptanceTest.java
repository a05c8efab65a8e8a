package org.mtl4j.backend.tribuo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.metric.Evaluation;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.api.spec.TrainingSpec;
import org.mtl4j.data.FunnelGenerator;
import org.mtl4j.training.Evaluator;
import org.mtl4j.training.Trainer;
import org.tribuo.DataSource;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.data.csv.CSVLoader;

/**
 * Issue 2/6 acceptance on the funnel generator (default world; 200k training rows, 20k test rows):
 * the FM recovers a share of the oracle's AUC lift, sharing beats independent FMs on the sparse
 * CTCVR task, and Tribuo's LabelEvaluator agrees with mtl4j's AUC.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FunnelAcceptanceTest {
    private Path trainCsv;
    private Path testCsv;
    private Evaluation oracle;
    private Dataset train;
    private Dataset test;
    private final Map<String, TribuoFmModel> trained = new LinkedHashMap<>();

    static ModelSpec spec(Topology topology, long seed) {
        return FunnelGenerator.demoSpec().withBackend("tribuo").withTopology(topology).withoutHiddenLayers()
                .withOptimizer(new OptimizerSpec("adagrad", 0.05, 0.9, 0.999, 1e-8, 0, 0.001))
                .withTraining(new TrainingSpec(3, 512, seed, 0, null, 0, 100_000));
    }

    @BeforeAll
    void data() {
        trainCsv = FunnelData.csv("train", 200_000, 1);
        testCsv = FunnelData.csv("test", 20_000, 2);
        oracle = FunnelData.oracle(testCsv);
        ModelSpec base = spec(new Topology.SharedBottom(List.of(1)), 42);
        train = FunnelData.train(base, trainCsv);
        test = FunnelData.test(base, testCsv, train);
    }

    private TribuoFmModel model(Topology topology, long seed) {
        return trained.computeIfAbsent(topology.id() + "/" + seed, k -> {
            ModelSpec spec = spec(topology, seed);
            TribuoFmModel m = new TribuoBackend().compile(spec, train.vocabularies(), train.denseStats());
            Trainer.builder().build().fit(m, train, null);
            return m;
        });
    }

    private static double lift(double auc, double oracleAuc) {
        return (auc - 0.5) / (oracleAuc - 0.5);
    }

    @Test
    void sharedFactorsRecoverTheOraclesAucLiftOnClickAndCtcvr() {
        Evaluation e = Evaluator.evaluate(model(new Topology.SharedBottom(List.of(1)), 42), test);
        double ctr = lift(e.metric("ctr", "auc"), oracle.metric("ctr", "auc"));
        double ctcvr = lift(e.metric("ctcvr", "auc"), oracle.metric("ctcvr", "auc"));
        System.out.printf("funnel shared FM: ctr AUC %.4f (oracle %.4f, lift share %.3f), ctcvr AUC %.4f (oracle %.4f, lift share %.3f)%n",
                e.metric("ctr", "auc"), oracle.metric("ctr", "auc"), ctr, e.metric("ctcvr", "auc"),
                oracle.metric("ctcvr", "auc"), ctcvr);
        assertThat(ctr).isGreaterThanOrEqualTo(0.75);
        assertThat(ctcvr).isGreaterThanOrEqualTo(0.65);
    }

    @Test
    void sharingIsAtLeastAsGoodAsIndependentFmsOnCtcvrOverThreeSeeds() {
        double shared = 0;
        double independent = 0;
        for (long seed = 1; seed <= 3; seed++) {
            double s = Evaluator.evaluate(model(new Topology.SharedBottom(List.of(1)), seed), test).metric("ctcvr", "auc");
            double i = Evaluator.evaluate(model(new Topology.Independent(List.of()), seed), test).metric("ctcvr", "auc");
            System.out.printf("funnel seed %d: ctcvr AUC shared %.4f, independent %.4f%n", seed, s, i);
            shared += s / 3;
            independent += i / 3;
        }
        assertThat(shared).isGreaterThanOrEqualTo(independent);
    }

    @Test
    void anEsmmChainTrainsCtcvrAsCtrTimesItsOwnTowerAndExposesTheConditional() {
        ModelSpec base = spec(new Topology.SharedBottom(List.of(1)), 42);
        ModelSpec esmm = base.withTasks(List.of(base.tasks().get(0), new org.mtl4j.api.spec.TaskSpec("ctcvr",
                org.mtl4j.api.spec.TaskKind.BINARY, "conversion", 1, null, List.of(), 1.0, false, "ctr", List.of(), 1.0)));
        TribuoFmModel m = new TribuoBackend().compile(esmm, train.vocabularies(), train.denseStats());
        Trainer.builder().build().fit(m, train, null);
        Evaluation e = Evaluator.evaluate(m, test);
        System.out.printf("funnel ESMM FM: ctr AUC %.4f, ctcvr AUC %.4f%n", e.metric("ctr", "auc"), e.metric("ctcvr", "auc"));
        assertThat(lift(e.metric("ctr", "auc"), oracle.metric("ctr", "auc"))).isGreaterThanOrEqualTo(0.75);
        assertThat(lift(e.metric("ctcvr", "auc"), oracle.metric("ctcvr", "auc"))).isGreaterThanOrEqualTo(0.65);
        try (var s = test.batches(1000, false, 0)) {
            var b = s.next();
            var p = m.predict(b);
            float[] ctr = p.output("ctr");
            float[] cond = p.output("ctcvr.conditional");
            float[] ctcvr = p.output("ctcvr");
            double meanCond = 0;
            for (int i = 0; i < b.size(); i++) {
                assertThat((double) ctcvr[i]).isCloseTo((double) ctr[i] * cond[i], within(1e-6));
                meanCond += cond[i] / b.size();
            }
            // the generator's p(conversion | click) averages 0.20 over clicks; the conditional tower learns it
            assertThat(meanCond).isBetween(0.1, 0.35);
        }
    }

    @Test
    void tribuosLabelEvaluatorAgreesWithOurAucOnATribuoDataset() throws Exception {
        TribuoFmModel m = model(new Topology.SharedBottom(List.of(1)), 42);
        Evaluation ours = Evaluator.evaluate(m, test);
        CSVLoader<Label> loader = new CSVLoader<>(new LabelFactory());
        for (String[] taskAndColumn : new String[][] {{"ctr", "click"}, {"ctcvr", "conversion"}}) {
            MutableDataset<Label> tribuoTest = loader.load(testCsv, taskAndColumn[1]);
            Model<Label> head = TribuoTaskModels.labelModel(m, taskAndColumn[0]);
            LabelEvaluation ev = new LabelEvaluator().evaluate(head, tribuoTest);
            assertThat(ev.AUCROC(new Label("1"))).as(taskAndColumn[0])
                    .isCloseTo(ours.metric(taskAndColumn[0], "auc"), within(1e-4));
            assertThat(tribuoTest.size()).isEqualTo(20_000);
            // the head's provenance records the joint run the loop made
            var prov = head.getProvenance();
            assertThat(prov.getDatasetProvenance().getNumExamples()).isEqualTo(200_000);
            assertThat(prov.getInstanceProvenance().getMap().get("data-source").toString()).isEqualTo(train.description());
            assertThat(prov.getInstanceProvenance().getMap().get("sibling-tasks").toString())
                    .isEqualTo(taskAndColumn[0].equals("ctr") ? "ctcvr" : "ctr");
            assertThat(prov.getTrainerProvenance().getConfiguredParameters().get("seed").toString()).isEqualTo("42");
        }
        // the same through our own rows converted to a Tribuo dataset
        LabelEvaluation ev = new LabelEvaluator().evaluate(TribuoTaskModels.labelModel(m, "ctr"),
                TribuoData.labelDataset(test, m.spec(), "ctr"));
        assertThat(ev.AUCROC(new Label("1"))).isCloseTo(ours.metric("ctr", "auc"), within(1e-4));
    }

    @Test
    void trainsFromATribuoDataSourceReadByCsvLoader() throws Exception {
        Path small = FunnelData.csv("train", 50_000, 3);
        ModelSpec spec = spec(new Topology.SharedBottom(List.of(1)), 7);
        DataSource<Label> source = new CSVLoader<>(new LabelFactory()).loadDataSource(small, "click");
        Dataset fromTribuo = TribuoData.fromTribuo(source, small.toString(), spec, "ctr", null);
        assertThat(fromTribuo.size()).isEqualTo(50_000);
        TribuoFmModel m = new TribuoBackend().compile(spec, fromTribuo.vocabularies(), fromTribuo.denseStats());
        Trainer.builder().build().fit(m, fromTribuo, null);
        // evaluated on the test CSV through Tribuo examples as well: vocabularies come from the Tribuo data
        Dataset testFromTribuo = TribuoData.fromTribuo(new CSVLoader<>(new LabelFactory()).loadDataSource(testCsv, "click"),
                testCsv.toString(), spec, "ctr", fromTribuo.vocabularies());
        Evaluation e = Evaluator.evaluate(m, testFromTribuo);
        assertThat(e.rows().get("ctcvr")).isEqualTo(20_000L);
        // 50k rows is a quarter of the acceptance data: ask for two thirds of the click lift and half the CTCVR lift
        assertThat(lift(e.metric("ctr", "auc"), oracle.metric("ctr", "auc"))).isGreaterThanOrEqualTo(0.66);
        assertThat(lift(e.metric("ctcvr", "auc"), oracle.metric("ctcvr", "auc"))).isGreaterThanOrEqualTo(0.5);
    }
}
