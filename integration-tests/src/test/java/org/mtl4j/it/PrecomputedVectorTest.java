package org.mtl4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.backend.Predictions;
import org.mtl4j.api.backend.TrainedModel;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.BatchStream;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.metric.Evaluation;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.data.InMemoryDataset;
import org.mtl4j.dsl.Inputs;
import org.mtl4j.dsl.Mtl;
import org.mtl4j.dsl.MtlRuntime;
import org.mtl4j.dsl.Optimizers;
import org.mtl4j.dsl.Sharing;
import org.mtl4j.dsl.Tasks;
import org.mtl4j.dsl.Training;

/**
 * Precomputed vectors from a side file (issue 17, evidence 3). Each of 400 items has a 16-dimensional
 * vector made by "another system"; click and buy are logistic in two directions of that vector plus
 * a context feature. Training sees items 0..299 only; the test rows are items 300..399 (cold start:
 * no interaction history), which a model can only score through the vectors. The oracle is the true
 * probability; the vector model must come within 0.02 AUC of it, an id-embedding model cannot
 * (its item is out of vocabulary), and the model round-trips through its file.
 */
class PrecomputedVectorTest {
    private static final int ITEMS = 400;
    private static final int DIM = 16;

    @TempDir
    Path tmp;

    private record World(float[][] vectors, double[] a, double[] b) {
        double pClick(int item, double x0) {
            return sigmoid(1.6 * dot(a, vectors[item]) + 0.6 * x0 - 0.3);
        }

        double pBuy(int item, double x1) {
            return sigmoid(1.6 * dot(b, vectors[item]) + 0.6 * x1 - 0.8);
        }
    }

    private static World world(long seed) {
        Random r = new Random(seed);
        float[][] v = new float[ITEMS][DIM];
        for (float[] row : v) {
            for (int j = 0; j < DIM; j++) {
                row[j] = (float) r.nextGaussian();
            }
        }
        double[] a = unit(r);
        double[] b = unit(r);
        for (int j = 0; j < DIM; j++) {
            b[j] = 0.5 * a[j] + 0.866 * b[j]; // related tasks: cos(a, b) about 0.5
        }
        return new World(v, a, b);
    }

    private static double[] unit(Random r) {
        double[] u = new double[DIM];
        double s = 0;
        for (int j = 0; j < DIM; j++) {
            u[j] = r.nextGaussian();
            s += u[j] * u[j];
        }
        for (int j = 0; j < DIM; j++) {
            u[j] /= Math.sqrt(s);
        }
        return u;
    }

    private static double dot(double[] w, float[] v) {
        double s = 0;
        for (int j = 0; j < DIM; j++) {
            s += w[j] * v[j];
        }
        return s;
    }

    private static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    /** Rows of items in [from, to), with the true probabilities in {@code truth} (click, buy). */
    private static List<Map<String, String>> rows(World w, int n, int from, int to, long seed, List<double[]> truth) {
        Random r = new Random(seed);
        List<Map<String, String>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int item = from + r.nextInt(to - from);
            double x0 = r.nextGaussian();
            double x1 = r.nextGaussian();
            double pc = w.pClick(item, x0);
            double pb = w.pBuy(item, x1);
            truth.add(new double[] {pc, pb});
            Map<String, String> row = new HashMap<>();
            row.put("item_id", "item-" + item);
            row.put("x0", String.format(Locale.ROOT, "%.5f", x0));
            row.put("x1", String.format(Locale.ROOT, "%.5f", x1));
            row.put("click", r.nextDouble() < pc ? "1" : "0");
            row.put("buy", r.nextDouble() < pb ? "1" : "0");
            out.add(row);
        }
        return out;
    }

    private static Path writeSideFile(World w, Path file) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            StringBuilder header = new StringBuilder("item_id");
            for (int j = 0; j < DIM; j++) {
                header.append(",v").append(j);
            }
            out.write(header + "\n");
            for (int i = 0; i < ITEMS; i++) {
                StringBuilder line = new StringBuilder("item-" + i);
                for (float x : w.vectors()[i]) {
                    line.append(',').append(x);
                }
                out.write(line + "\n");
            }
        }
        return file;
    }

    /** AUC of scores against 0/1 labels (ties counted half), by sorting. */
    static double auc(double[] scores, float[] labels) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Double.compare(scores[x], scores[y]));
        double rankSumPos = 0;
        long pos = 0;
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j + 1 < order.length && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (labels[order[k]] > 0.5f) {
                    rankSumPos += rank;
                    pos++;
                }
            }
            i = j + 1;
        }
        long neg = order.length - pos;
        return (rankSumPos - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }

    private static ModelSpec spec(MtlRuntime runtime, Inputs.Input item) {
        return runtime.check(Mtl.model("cold-start")
                .inputs(item, Inputs.dense("ctx", "x0", "x1"))
                .tasks(Tasks.binary("click").tower(8), Tasks.binary("buy").tower(8))
                .sharing(Sharing.sharedBottom(32)).optimizer(Optimizers.adam(3e-3))
                .training(Training.epochs(4).batchSize(128).seed(17)).backend("dl4j").build());
    }

    @Test
    void vectorsFromASideFileScoreColdStartItemsNearTheOracle() throws Exception {
        World w = world(2026);
        Path side = writeSideFile(w, tmp.resolve("item_vectors.csv"));
        List<double[]> trainTruth = new ArrayList<>();
        List<double[]> testTruth = new ArrayList<>();
        List<Map<String, String>> trainRows = rows(w, 20_000, 0, 300, 1, trainTruth);
        List<Map<String, String>> testRows = rows(w, 6_000, 300, ITEMS, 2, testTruth);

        MtlRuntime runtime = Mtl.runtime();
        ModelSpec withVectors = spec(runtime, Inputs.vector("item", DIM).file(side.toString()).key("item_id").adapter(16));
        Dataset train = InMemoryDataset.fromRows(withVectors, trainRows);
        Dataset test = InMemoryDataset.builder(withVectors, testRows).denseStats(train.denseStats()).build();
        TrainedModel model = runtime.train(withVectors, train, null).model();
        Evaluation eval = runtime.evaluate(model, test);

        ModelSpec withIds = spec(runtime, Inputs.categorical("item").column("item_id").dim(16));
        Dataset idTrain = InMemoryDataset.fromRows(withIds, trainRows);
        Dataset idTest = InMemoryDataset.builder(withIds, testRows).vocabularies(idTrain.vocabularies())
                .denseStats(idTrain.denseStats()).build();
        Evaluation idEval = runtime.evaluate(runtime.train(withIds, idTrain, null).model(), idTest);

        float[][] labels = new float[2][testRows.size()];
        double[][] oracle = new double[2][testRows.size()];
        for (int i = 0; i < testRows.size(); i++) {
            labels[0][i] = Float.parseFloat(testRows.get(i).get("click"));
            labels[1][i] = Float.parseFloat(testRows.get(i).get("buy"));
            oracle[0][i] = testTruth.get(i)[0];
            oracle[1][i] = testTruth.get(i)[1];
        }
        String[] tasks = {"click", "buy"};
        for (int t = 0; t < 2; t++) {
            double o = auc(oracle[t], labels[t]);
            double m = eval.metric(tasks[t], "auc");
            double ids = idEval.metric(tasks[t], "auc");
            System.out.printf(Locale.ROOT, "cold-start %s: oracle AUC %.4f, side-file vectors %.4f, item ids %.4f%n",
                    tasks[t], o, m, ids);
            assertThat(m).as("%s AUC from side-file vectors on unseen items", tasks[t]).isGreaterThan(o - 0.02);
            assertThat(ids).as("%s AUC from ids on unseen items (all out of vocabulary)", tasks[t]).isLessThan(o - 0.1);
        }

        Path file = tmp.resolve("cold-start.mtl");
        model.save(file);
        TrainedModel loaded = runtime.load(file);
        try (BatchStream s = test.batches(512, false, 0)) {
            Batch b = s.next();
            Predictions before = model.predict(b);
            Predictions after = loaded.predict(b);
            before.outputs().forEach((k, v) -> assertThat(after.output(k)).as("output %s after load", k).containsExactly(v));
        }
    }
}
