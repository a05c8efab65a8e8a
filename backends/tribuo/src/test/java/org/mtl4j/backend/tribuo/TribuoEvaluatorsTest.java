package org.mtl4j.backend.tribuo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.backend.Predictions;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.BatchStream;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.data.Feature;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.data.CachedDataset;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.evaluation.RegressionEvaluation;
import org.tribuo.regression.evaluation.RegressionEvaluator;

/**
 * Regression and multiclass heads through Tribuo's evaluators: on data with a known structure the
 * FM learns both, and RegressionEvaluator's RMSE / LabelEvaluator's accuracy equal the ones computed
 * from the joint model's own predictions.
 */
class TribuoEvaluatorsTest {

    /** rating = 1.5 * bias(user) + d0 - d1 + N(0, 0.3^2); genre = the user's favourite class unless d0 > 1. */
    private static Dataset data(int rows, long seed) {
        Random r = new Random(seed);
        double[] bias = {0, 0, -1, 1, 0.5, -0.5, 2, -2};
        int[] favourite = {0, 0, 1, 2, 0, 1, 2, 0};
        int[] users = new int[rows];
        int[] offsets = new int[rows + 1];
        int[] bag = new int[rows];
        float[] dense = new float[rows * 2];
        float[] rating = new float[rows];
        float[] genre = new float[rows];
        float[] click = new float[rows];
        float[] ones = new float[rows];
        for (int i = 0; i < rows; i++) {
            users[i] = 2 + r.nextInt(6);
            bag[i] = 2 + r.nextInt(4);
            offsets[i + 1] = i + 1;
            double d0 = r.nextGaussian();
            double d1 = r.nextGaussian();
            dense[2 * i] = (float) d0;
            dense[2 * i + 1] = (float) d1;
            rating[i] = (float) (1.5 * bias[users[i]] + d0 - d1 + 0.3 * r.nextGaussian());
            genre[i] = d0 > 1 ? (favourite[users[i]] + 1) % 3 : favourite[users[i]];
            click[i] = r.nextDouble() < 1 / (1 + Math.exp(-bias[users[i]])) ? 1 : 0;
            ones[i] = 1;
        }
        Map<String, Feature> f = new LinkedHashMap<>();
        f.put("user", new Feature.Ids(users));
        f.put("genres", new Feature.Bag(offsets, bag));
        f.put("ctx", new Feature.Dense(2, dense));
        Map<String, float[]> labels = Map.of("ctr", click, "ctcvr", click, "rating", rating, "genre", genre);
        Map<String, float[]> masks = Map.of("ctr", ones, "ctcvr", ones, "rating", ones, "genre", ones);
        return CachedDataset.of("synthetic seed " + seed, new Batch(rows, f, labels, masks, Map.of()),
                Fixtures.vocabularies(), Map.of());
    }

    @Test
    void regressionAndMulticlassHeadsAgreeWithTribuosEvaluators() {
        Dataset train = data(4000, 1);
        Dataset test = data(1000, 2);
        TribuoFmModel m = new TribuoBackend().compile(Fixtures.spec(new Topology.SharedBottom(List.of(8)),
                Fixtures.allTasks(), OptimizerSpec.adam(0.02)), train.vocabularies(), Map.of());
        for (int epoch = 0; epoch < 8; epoch++) {
            try (BatchStream s = train.batches(64, true, epoch)) {
                while (s.hasNext()) {
                    m.step(s.next()).backward(new double[] {1, 1, 1, 1});
                    m.applyUpdate();
                }
            }
        }
        Batch all;
        try (BatchStream s = test.batches(1000, false, 0)) {
            all = s.next();
        }
        Predictions p = m.predict(all);
        float[] rating = all.labels("rating");
        double sse = 0;
        double var = 0;
        double mean = 0;
        for (float y : rating) {
            mean += y / rating.length;
        }
        for (int i = 0; i < rating.length; i++) {
            double d = p.output("rating")[i] - rating[i];
            sse += d * d;
            var += (rating[i] - mean) * (rating[i] - mean);
        }
        double rmse = Math.sqrt(sse / rating.length);
        MutableDataset<Regressor> rt = TribuoData.regressionDataset(test, m.spec(), "rating", "rating");
        RegressionEvaluation re = new RegressionEvaluator().evaluate(TribuoTaskModels.regressionModel(m, "rating", "rating"), rt);
        assertThat(re.rmse(new Regressor("rating", Double.NaN))).isCloseTo(rmse, within(1e-5));
        // learned: the noise floor is 0.3, the label's std about 2.4 (Huber loss, so not exactly the MSE optimum)
        assertThat(rmse).isLessThan(0.45);
        assertThat(Math.sqrt(var / rating.length)).isGreaterThan(2.0);

        float[] genre = all.labels("genre");
        int correct = 0;
        for (int i = 0; i < genre.length; i++) {
            float[] probs = java.util.Arrays.copyOfRange(p.output("genre"), 3 * i, 3 * i + 3);
            int best = probs[0] >= probs[1] && probs[0] >= probs[2] ? 0 : probs[1] >= probs[2] ? 1 : 2;
            correct += best == (int) genre[i] ? 1 : 0;
        }
        double accuracy = correct / (double) genre.length;
        LabelEvaluation le = new LabelEvaluator().evaluate(TribuoTaskModels.labelModel(m, "genre"),
                TribuoData.labelDataset(test, m.spec(), "genre"));
        assertThat(le.accuracy()).isCloseTo(accuracy, within(1e-9));
        // the rule (favourite class, shifted when d0 > 1) is learnable: far above the 1/3 of chance
        assertThat(accuracy).isGreaterThan(0.8);
    }
}
