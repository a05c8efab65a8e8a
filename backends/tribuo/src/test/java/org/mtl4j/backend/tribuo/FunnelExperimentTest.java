package org.mtl4j.backend.tribuo;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.metric.Evaluation;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.api.spec.TrainingSpec;
import org.mtl4j.data.FunnelGenerator;
import org.mtl4j.training.Evaluator;
import org.mtl4j.training.Trainer;

class FunnelExperimentTest {
    public static void main(String[] a) {
        new FunnelExperimentTest().experiment();
    }

    @Test
    void experiment() {
        Path tr = FunnelData.csv("train", 200_000, 1);
        Path te = FunnelData.csv("test", 20_000, 2);
        Evaluation oracle = FunnelData.oracle(te);
        System.out.println("oracle " + oracle.metrics());
        String[] opts = System.getProperty("exp", "adam:0.01:2:256").split(",");
        for (String o : opts) {
            String[] p = o.split(":");
            for (Topology topo : List.of(new Topology.SharedBottom(List.of(1)), new Topology.Independent(List.of()))) {
                ModelSpec spec = FunnelGenerator.demoSpec().withBackend("tribuo").withTopology(topo)
                        .withOptimizer(new OptimizerSpec(p[0], Double.parseDouble(p[1]), 0.9, 0.999, 1e-8, 0, p.length > 4 ? Double.parseDouble(p[4]) : 0))
                        .withTraining(new TrainingSpec(Integer.parseInt(p[2]), Integer.parseInt(p[3]), 42L, 0, null, 0, 100_000));
                long t0 = System.nanoTime();
                Dataset train = FunnelData.train(spec, tr);
                Dataset test = FunnelData.test(spec, te, train);
                long t1 = System.nanoTime();
                TribuoFmModel m = new TribuoBackend().compile(spec, train.vocabularies(), train.denseStats());
                var res = Trainer.builder().build().fit(m, train, test);
                for (var ep : res.history().epochs()) {
                    System.out.printf("   epoch %d ctr %.4f ctcvr %.4f loss %s%n", ep.epoch(), ep.validationMetrics().get("ctr").get("auc"),
                            ep.validationMetrics().get("ctcvr").get("auc"), ep.trainLoss());
                }
                long t2 = System.nanoTime();
                Evaluation e = Evaluator.evaluate(m, test);
                System.out.printf("%s %s load %.1fs train %.1fs ctr %.4f ctcvr %.4f%n", o, topo.id(), (t1 - t0) / 1e9,
                        (t2 - t1) / 1e9, e.metric("ctr", "auc"), e.metric("ctcvr", "auc"));
            }
        }
    }
}
