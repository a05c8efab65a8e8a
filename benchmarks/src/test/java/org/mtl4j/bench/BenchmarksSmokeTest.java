package org.mtl4j.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.mtl4j.api.backend.TrainingStep;
import org.mtl4j.balancers.Balancers;
import org.mtl4j.training.TrainingResult;
import org.tribuo.classification.sgd.fm.FMClassificationModel;

/**
 * Runs every benchmark method once on tiny data, outside JMH, to prove that it sets up and trains.
 * No timing here: speed comes from {@code ./bench} only.
 */
class BenchmarksSmokeTest {

    @Test
    void throughputStepTrainsEachTopology() {
        for (String model : new String[] {"shared-bottom", "mmoe", "ple"}) {
            ThroughputBench b = new ThroughputBench();
            b.model = model;
            b.batch = 32;
            b.csv = "";
            b.rows = 0;
            b.setUp();
            TrainingStep first = b.step();
            double before = first.losses().losses()[0] + first.losses().losses()[1];
            double after = before;
            for (int i = 0; i < 40; i++) {
                TrainingStep s = b.step();
                after = s.losses().losses()[0] + s.losses().losses()[1];
            }
            assertThat(after).as(model + " loss after 40 steps on 4 batches").isFinite().isLessThan(before);
            b.tearDown();
        }
    }

    @Test
    void balancerEpochRunsEveryBalancerThroughTheTrainer() {
        for (String name : Balancers.lossWeightings().keySet()) {
            assertThat(BalancerCostBench.isAggregator(name)).as(name).isFalse();
            runEpoch(name, 2);
        }
        for (String name : Balancers.gradientAggregators().keySet()) {
            assertThat(BalancerCostBench.isAggregator(name)).as(name).isTrue();
            runEpoch(name, 2);
        }
        runEpoch("nash-mtl", 5);
        runEpoch("gradnorm", 3);
    }

    private static void runEpoch(String balancer, int tasks) {
        BalancerCostBench b = new BalancerCostBench();
        b.balancer = balancer;
        b.tasks = tasks;
        b.setUp();
        TrainingResult r = b.epoch();
        assertThat(r.model().updates()).as(balancer).isEqualTo(BalancerCostBench.STEPS);
        assertThat(r.history().epochs()).as(balancer).hasSize(1);
        assertThat(r.history().epochs().get(0).trainLoss()).as(balancer).hasSize(tasks)
                .allSatisfy((task, loss) -> assertThat(loss).isFinite());
        b.tearDown();
    }

    @Test
    void unknownBalancerNamesTheKnownOnes() {
        assertThatThrownBy(() -> BalancerCostBench.isAggregator("pcgard")).hasMessage("unknown balancer \"pcgard\""
                + " (loss weightings: equal, fixed, uncertainty, dwa, rlw, schedule, gradnorm; gradient aggregators: sum,"
                + " pcgrad, mgda, cagrad, imtl-g, gradvac, graddrop, aligned-mtl, nash-mtl)");
    }

    @Test
    void tribuoJointAndSingleTaskEpochsTrain() {
        TribuoFmBench bench = new TribuoFmBench();
        TribuoFmBench.Joint joint = new TribuoFmBench.Joint();
        joint.csv = "";
        joint.rows = 2000;
        joint.batch = 512;
        joint.setUp();
        TrainingResult r = bench.jointEpoch(joint);
        assertThat(r.model().updates()).isEqualTo(4); // 2000 rows in batches of 512
        assertThat(r.history().epochs().get(0).rows()).isEqualTo(2000);
        joint.tearDown();
        for (String task : new String[] {"ctr", "ctcvr"}) {
            TribuoFmBench.Single single = new TribuoFmBench.Single();
            single.csv = "";
            single.rows = 2000;
            single.task = task;
            single.setUp();
            assertThat(single.data.size()).isEqualTo(2000);
            FMClassificationModel m = bench.tribuoSingleTaskEpoch(single);
            assertThat(m.getOutputIDInfo().size()).as(task).isEqualTo(2);
        }
    }

    @Test
    void servingLatencyBenchScoresARequest() throws Exception {
        ServingLatencyBench b = new ServingLatencyBench();
        b.candidates = 3;
        b.setUp();
        try {
            org.mtl4j.serving.Scores s = b.score();
            assertThat(s.size()).isEqualTo(3);
            assertThat(s.values().keySet()).containsExactlyInAnyOrder("ctr", "ctcvr", "ctcvr.conditional");
            ServingLatencyBench.Typed t = new ServingLatencyBench.Typed();
            t.make(b);
            org.mtl4j.serving.Scores typed = b.scoreTyped(t);
            assertThat(typed.values("ctr")).containsExactly(s.values("ctr"));
            assertThat(typed.values("ctcvr")).containsExactly(s.values("ctcvr"));
        } finally {
            b.tearDown();
        }
    }
}
