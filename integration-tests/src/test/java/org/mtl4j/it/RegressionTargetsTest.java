package org.mtl4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mtl4j.api.backend.TaskLosses;
import org.mtl4j.api.backend.TrainedModel;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.BatchStream;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.metric.Evaluation;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.train.TrainingListener;
import org.mtl4j.data.CsvDataset;
import org.mtl4j.dsl.Inputs;
import org.mtl4j.dsl.Mtl;
import org.mtl4j.dsl.Optimizers;
import org.mtl4j.dsl.Sharing;
import org.mtl4j.dsl.Tasks;
import org.mtl4j.dsl.Training;
import org.mtl4j.dsl.junit.MtlExtension;
import org.mtl4j.training.TrainingResult;

/**
 * Regression targets on ratings-like data (0.5-5, mean about 3.5): labels are standardised by
 * default, so the first loss is O(1), the test RMSE clearly beats the bias-only baseline (the
 * training mean), and predictions come back in the label's units, also after save and load.
 */
class RegressionTargetsTest {
    @RegisterExtension
    static MtlExtension mtl = MtlExtension.withPlugins();

    static ModelSpec spec(String backend, boolean withLiked) {
        var tasks = new ArrayList<Tasks.Task>();
        // the Tribuo FM has no towers or bottom layers (it refuses them): its tasks read the shared factors
        boolean fm = "tribuo".equals(backend);
        tasks.add(fm ? Tasks.regression("rating").label("rating").metrics("rmse", "mae").tower()
                : Tasks.regression("rating").label("rating").metrics("rmse", "mae"));
        if (withLiked) {
            tasks.add(fm ? Tasks.binary("liked").label("rating >= 4").metrics("auc").tower()
                    : Tasks.binary("liked").label("rating >= 4").metrics("auc"));
        }
        return Mtl.model("ratings")
                .inputs(Inputs.categorical("user").column("user_id").dim(8), Inputs.categorical("item").column("item_id").dim(8))
                .tasks(tasks.toArray(Tasks.Task[]::new))
                .sharing(fm ? Sharing.sharedBottom() : Sharing.sharedBottom(32))
                .optimizer(Optimizers.adam(0.01))
                .training(Training.epochs(4).batchSize(256).seed(5).diagnosticsEvery(0))
                .backend(backend)
                .build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dl4j", "tribuo"})
    void standardisedRatingsBeatTheBiasOnlyBaseline(String backend) throws IOException {
        Path dir = mtl.workDir().resolve("ratings-" + backend);
        Files.createDirectories(dir);
        RatingsData world = new RatingsData(7);
        Path trainCsv = world.write(dir.resolve("train.csv"), 30_000, 1, RatingsData.USERS, RatingsData.ITEMS);
        Path testCsv = world.write(dir.resolve("test.csv"), 6_000, 2, RatingsData.USERS, RatingsData.ITEMS);
        ModelSpec spec = spec(backend, false);
        Dataset train = CsvDataset.builder(trainCsv, spec).build();
        Dataset test = CsvDataset.builder(testCsv, spec).vocabularies(train.vocabularies()).build();
        double trainMean = meanLabel(train);
        double baseline = rmseAround(test, trainMean);

        List<Double> firstLosses = new ArrayList<>();
        TrainingListener first = new TrainingListener() {
            @Override
            public void onStep(long step, int epoch, int rows, TaskLosses losses, double[] weights) {
                if (step == 0) {
                    firstLosses.add(losses.losses()[0]);
                }
            }
        };
        TrainingResult r = mtl.runtime().train(spec, train, null, first);
        Evaluation e = mtl.runtime().evaluate(r.model(), test);
        double rmse = e.metric("rating", "rmse");
        Path saved = dir.resolve("model.mtl");
        r.model().save(saved);
        double reloaded;
        try (TrainedModel m = mtl.runtime().load(saved)) {
            reloaded = mtl.runtime().evaluate(m, test).metric("rating", "rmse");
        }
        System.out.printf("%s: first loss %.3f, test RMSE %.4f vs bias-only %.4f (train mean %.3f), reloaded %.4f%n",
                backend, firstLosses.get(0), rmse, baseline, trainMean, reloaded);
        // raw labels around 3.5 would start near E[y^2] = 13; standardised ones near 1
        assertThat(firstLosses.get(0)).isBetween(0.5, 2.0);
        // the user and item effects explain about 40 % of the variance: a clear margin over the mean
        assertThat(rmse).isLessThan(0.9 * baseline);
        assertThat(reloaded).isCloseTo(rmse, org.assertj.core.api.Assertions.within(1e-6));
        r.model().close();
    }

    /**
     * Users never seen in training fall on the out-of-vocabulary row: their predictions stay near the
     * label mean (the output starts at the training mean in standard units), not pulled towards 0.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dl4j", "tribuo"})
    void unseenUsersArePredictedNearTheMean(String backend) throws IOException {
        Path dir = mtl.workDir().resolve("oov-" + backend);
        Files.createDirectories(dir);
        RatingsData world = new RatingsData(7);
        // training sees users [0, 300); the test rows come from users [300, 400) only
        Path trainCsv = world.write(dir.resolve("train.csv"), 30_000, 1, 300, RatingsData.ITEMS);
        Path all = world.write(dir.resolve("all.csv"), 12_000, 3, RatingsData.USERS, RatingsData.ITEMS);
        List<String> lines = Files.readAllLines(all);
        List<String> unseen = new ArrayList<>(List.of(lines.get(0)));
        for (String l : lines.subList(1, lines.size())) {
            if (Integer.parseInt(l.substring(1, l.indexOf(','))) >= 300) {
                unseen.add(l);
            }
        }
        Path testCsv = Files.write(dir.resolve("unseen.csv"), unseen);
        ModelSpec spec = spec(backend, false);
        Dataset train = CsvDataset.builder(trainCsv, spec).build();
        Dataset test = CsvDataset.builder(testCsv, spec).vocabularies(train.vocabularies()).build();
        TrainingResult r = mtl.runtime().train(spec, train, null);
        double predSum = 0;
        long n = 0;
        try (BatchStream s = test.batches(1024, false, 0)) {
            while (s.hasNext()) {
                Batch b = s.next();
                for (float p : r.model().predict(b).output("rating")) {
                    predSum += p;
                    n++;
                }
            }
        }
        double testMean = meanLabel(test);
        double baseline = rmseAround(test, meanLabel(train));
        double rmse = mtl.runtime().evaluate(r.model(), test).metric("rating", "rmse");
        System.out.printf("%s: %d rows of unseen users: mean prediction %.3f vs label mean %.3f; RMSE %.4f vs bias-only %.4f%n",
                backend, n, predSum / n, testMean, rmse, baseline);
        assertThat(n).isGreaterThan(2000);
        assertThat(predSum / n).isCloseTo(testMean, org.assertj.core.api.Assertions.within(0.15));
        // the item effects still help: no worse than predicting the training mean
        assertThat(rmse).isLessThan(baseline);
        r.model().close();
    }

    /** A binary label derived from the regression task's own column trains next to it (issue 14). */
    @ParameterizedTest
    @ValueSource(strings = {"dl4j", "tribuo"})
    void aLabelDerivedFromAnotherTasksLabelColumnTrains(String backend) throws IOException {
        Path dir = mtl.workDir().resolve("liked-" + backend);
        Files.createDirectories(dir);
        RatingsData world = new RatingsData(7);
        Path trainCsv = world.write(dir.resolve("train.csv"), 30_000, 1, RatingsData.USERS, RatingsData.ITEMS);
        Path testCsv = world.write(dir.resolve("test.csv"), 6_000, 2, RatingsData.USERS, RatingsData.ITEMS);
        ModelSpec spec = spec(backend, true);
        assertThat(spec.task("liked").orElseThrow().label()).isEqualTo("rating >= 4");
        Dataset train = CsvDataset.builder(trainCsv, spec).build();
        Dataset test = CsvDataset.builder(testCsv, spec).vocabularies(train.vocabularies()).build();
        double baseline = rmseAround(test, meanLabel(train));
        TrainingResult r = mtl.runtime().train(spec, train, null);
        Evaluation e = mtl.runtime().evaluate(r.model(), test);
        System.out.printf("%s: rating RMSE %.4f (bias-only %.4f), liked AUC %.4f%n", backend, e.metric("rating", "rmse"), baseline,
                e.metric("liked", "auc"));
        assertThat(e.metric("rating", "rmse")).isLessThan(0.9 * baseline);
        // liked is a threshold of the same signal the rating model learns: far above chance
        assertThat(e.metric("liked", "auc")).isGreaterThan(0.75);
        r.model().close();
    }

    static double meanLabel(Dataset d) {
        double sum = 0;
        long n = 0;
        try (BatchStream s = d.batches(1024, false, 0)) {
            while (s.hasNext()) {
                Batch b = s.next();
                for (float y : b.labels("rating")) {
                    sum += y;
                    n++;
                }
            }
        }
        return sum / n;
    }

    static double rmseAround(Dataset d, double c) {
        double sum = 0;
        long n = 0;
        try (BatchStream s = d.batches(1024, false, 0)) {
            while (s.hasNext()) {
                Batch b = s.next();
                for (float y : b.labels("rating")) {
                    sum += (y - c) * (y - c);
                    n++;
                }
            }
        }
        return Math.sqrt(sum / n);
    }
}
