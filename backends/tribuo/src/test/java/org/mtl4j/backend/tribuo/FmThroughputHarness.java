package org.mtl4j.backend.tribuo;

import java.nio.file.Path;
import java.util.List;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.BatchStream;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.api.spec.TrainingSpec;
import org.mtl4j.data.FunnelGenerator;
import org.mtl4j.training.Evaluator;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.classification.sgd.fm.FMClassificationTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.math.optimisers.AdaGrad;

/**
 * Throughput harness (not a test): examples/s of one epoch of the two-task funnel FM (ctr + ctcvr,
 * shared factors, k = 8, AdaGrad) against Tribuo 4.3.2's own {@code FMClassificationTrainer}
 * (minibatch 1, the only size its FM trainers survive on sparse data) trained once per task on the
 * same rows and features. Only optimisation is timed (data is in memory in both cases). Run:
 * <pre>
 *   java -cp ... org.mtl4j.backend.tribuo.FmThroughputHarness [rows] [repeats]
 * </pre>
 */
public final class FmThroughputHarness {
    private FmThroughputHarness() {
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path csv = FunnelData.csv("train", rows, 1);
        Path testCsv = FunnelData.csv("test", 20_000, 2);
        ModelSpec spec = FunnelGenerator.demoSpec().withBackend("tribuo").withTopology(new Topology.SharedBottom(List.of(1))).withoutHiddenLayers()
                .withOptimizer(new OptimizerSpec("adagrad", 0.05, 0.9, 0.999, 1e-8, 0, 0.001))
                .withTraining(new TrainingSpec(1, 256, 42L, 0, null, 0, 100_000));
        Dataset train = FunnelData.train(spec, csv);
        Dataset test = FunnelData.test(spec, testCsv, train);
        System.out.printf("rows %d, features %d + 8 dense, k = 8, 2 tasks, %d repeats (best reported)%n", rows,
                train.vocabularies().values().stream().mapToInt(v -> v.size()).sum(), repeats);

        for (int batch : new int[] {256, 1}) {
            double best = Double.MAX_VALUE;
            TribuoFmModel last = null;
            for (int rep = 0; rep < repeats; rep++) {
                TribuoFmModel m = new TribuoBackend().compile(spec, train.vocabularies(), train.denseStats());
                double[] w = {1, 1};
                long t0 = System.nanoTime();
                try (BatchStream s = train.batches(batch, true, rep)) {
                    while (s.hasNext()) {
                        Batch b = s.next();
                        m.step(b).backward(w);
                        m.applyUpdate();
                    }
                }
                best = Math.min(best, (System.nanoTime() - t0) / 1e9);
                last = m;
            }
            var e = Evaluator.evaluate(last, test);
            System.out.printf("mtl4j multi-task FM, batch %3d: %.2f s/epoch = %,.0f examples/s (both tasks); "
                    + "test AUC ctr %.4f ctcvr %.4f%n", batch, best, rows / best, e.metric("ctr", "auc"),
                    e.metric("ctcvr", "auc"));
        }

        double total = 0;
        StringBuilder aucs = new StringBuilder();
        for (String task : new String[] {"ctr", "ctcvr"}) {
            MutableDataset<Label> ds = TribuoData.labelDataset(train, spec, task);
            MutableDataset<Label> ts = TribuoData.labelDataset(test, spec, task);
            double best = Double.MAX_VALUE;
            Model<Label> model = null;
            for (int rep = 0; rep < repeats; rep++) {
                FMClassificationTrainer t = new FMClassificationTrainer(new LogMulticlass(), new AdaGrad(0.05, 1e-8), 1, -1,
                        1, 42L + rep, 8, 0.01);
                long t0 = System.nanoTime();
                model = t.train(ds);
                best = Math.min(best, (System.nanoTime() - t0) / 1e9);
            }
            total += best;
            double auc = new LabelEvaluator().evaluate(model, ts).AUCROC(new Label("1"));
            aucs.append(String.format(" %s %.4f", task, auc));
            System.out.printf("Tribuo FMClassificationTrainer (%s, minibatch 1): %.2f s/epoch = %,.0f examples/s%n", task,
                    best, rows / best);
        }
        System.out.printf("Tribuo, one FM per task: %.2f s for both tasks = %,.0f examples/s; test AUC%s%n", total,
                rows / total, aucs);
    }
}
