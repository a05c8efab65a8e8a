package org.mtl4j.text.minilm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.backend.Predictions;
import org.mtl4j.api.backend.TrainedModel;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.BatchStream;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.metric.Evaluation;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.data.CsvDataset;
import org.mtl4j.dsl.Inputs;
import org.mtl4j.dsl.Mtl;
import org.mtl4j.dsl.MtlRuntime;
import org.mtl4j.dsl.Optimizers;
import org.mtl4j.dsl.Sharing;
import org.mtl4j.dsl.Tasks;
import org.mtl4j.dsl.Training;

/**
 * Text and cold start on real reviews (issue 17, evidence 1): Amazon fine-food reviews as shipped by
 * Debian's {@code r-cran-modeldata} ({@code small_fine_foods}: 4,000 training and 1,000 test reviews,
 * every test product absent from training), label {@code great} (score "great" vs "other"). On products
 * never seen in training an id embedding knows nothing (AUC 0.5); text carries the signal. Each model
 * trains with early stopping on a 20 % holdout of the training rows (the epoch is chosen on
 * validation, never on the test rows).
 *
 * <p>Measured here (seed 5): ids 0.500, a bag of words trained from scratch 0.853, all-MiniLM-L6-v2
 * with sentence pooling (the mean of the review's sentence vectors) through a 32-wide adapter 0.871:
 * pretrained &gt; bag of words &gt; ids, as the issue asks; both inputs fused 0.875 (an extra row). The same model over the whole review in one
 * pass ({@code all-minilm-l6-v2-whole}) reaches only 0.81: a sentence encoder trained on sentences
 * dilutes the sentence of opinion in a whole review. The multi-task model (auxiliary task
 * {@code long_review}: the review is longer than the training median) uses the whole-text vectors,
 * which keep the length that a mean of sentence vectors discards (long_review AUC 0.97 vs 0.81 with
 * sentence pooling), and is checked to round-trip through its file. {@code ./run-tests} installs the packages
 * ({@code r-base-core}, {@code r-cran-modeldata}); the CSVs are written by {@code Rscript} here.
 */
class FineFoodsColdStartTest {
    @TempDir
    static Path dir;
    static Path train;
    static Path test;

    @BeforeAll
    public static void convert() throws IOException, InterruptedException {
        train = dir.resolve("fine_foods_train.csv");
        test = dir.resolve("fine_foods_test.csv");
        String r = "suppressMessages(library(modeldata)); data(small_fine_foods);"
                + " m <- median(nchar(training_data$review));"
                + " out <- function(d, f) write.csv(data.frame(product = d$product, review = gsub('[\\r\\n]+', ' ', d$review),"
                + " great = as.integer(d$score == 'great'), long_review = as.integer(nchar(d$review) > m)), f, row.names = FALSE);"
                + " out(training_data, '" + train + "'); out(testing_data, '" + test + "')";
        Process p;
        try {
            p = new ProcessBuilder("Rscript", "-e", r).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("this test reads small_fine_foods with Rscript: apt-get install r-base-core "
                    + "r-cran-modeldata (./run-tests does)", e);
        }
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("Rscript finished").isTrue();
        assertThat(p.exitValue()).as("Rscript exit status; output: %s (apt-get install r-cran-modeldata)", log).isZero();
        assertThat(Files.readAllLines(train)).hasSize(4_001);
        assertThat(Files.readAllLines(test)).hasSize(1_001);
    }

    private static Evaluation trainAndEvaluate(MtlRuntime runtime, ModelSpec spec, String what, boolean roundTrip, Path tmp)
            throws IOException {
        Dataset tr = CsvDataset.builder(train, spec).build();
        Dataset te = CsvDataset.builder(test, spec).vocabularies(tr.vocabularies()).denseStats(tr.denseStats()).build();
        TrainedModel model = runtime.train(spec, tr, null).model();
        Evaluation eval = runtime.evaluate(model, te);
        System.out.printf(Locale.ROOT, "fine foods, unseen products, %s: great AUC %.4f%s%n", what, eval.metric("great", "auc"),
                eval.metrics().containsKey("long_review")
                        ? String.format(Locale.ROOT, ", long_review AUC %.4f", eval.metric("long_review", "auc")) : "");
        if (roundTrip) {
            Path file = tmp.resolve(spec.name() + ".mtl");
            model.save(file);
            TrainedModel loaded = runtime.load(file);
            try (BatchStream s = te.batches(256, false, 0)) {
                Batch b = s.next();
                Predictions before = model.predict(b);
                Predictions after = loaded.predict(b);
                before.outputs().forEach((k, v) -> assertThat(after.output(k)).as("%s after load", k).containsExactly(v));
            }
        }
        return eval;
    }

    private static ModelSpec spec(MtlRuntime runtime, String name, Inputs.Input text, Tasks.Task... tasks) {
        var b = Mtl.model(name);
        b = text == null ? b.inputs(Inputs.categorical("product").dim(16))
                : b.inputs(Inputs.categorical("product").dim(16), text);
        return runtime.check(b.tasks(tasks).sharing(Sharing.sharedBottom(32)).optimizer(Optimizers.adam(1e-3))
                .training(Training.epochs(30).batchSize(64).seed(5).validationFraction(0.2)
                        .earlyStopping("great", "auc", 3))
                .backend("dl4j").build());
    }

    @Test
    void textScoresUnseenProductsThroughBagOfWordsAndPretrainedVectors(@TempDir Path tmp) throws IOException {
        MtlRuntime runtime = Mtl.runtime();
        double ids = trainAndEvaluate(runtime, spec(runtime, "ids", null, Tasks.binary("great").tower(8)), "ids only", false,
                tmp).metric("great", "auc");
        double bow = trainAndEvaluate(runtime, spec(runtime, "bow", Inputs.text("review").maxTokens(200).dim(16),
                Tasks.binary("great").tower(8)), "bag of words", false, tmp).metric("great", "auc");
        double minilm = trainAndEvaluate(runtime, spec(runtime, "minilm",
                Inputs.text("review").pretrained(MiniLmTextEmbedder.NAME).adapter(32), Tasks.binary("great").tower(8)),
                "all-MiniLM-L6-v2, mean of sentence vectors", false, tmp).metric("great", "auc");
        double fused = trainAndEvaluate(runtime, Mtl.model("fused").inputs(Inputs.categorical("product").dim(16),
                Inputs.text("review").maxTokens(200).dim(16),
                Inputs.text("minilm").column("review").pretrained(MiniLmTextEmbedder.NAME).adapter(32))
                .tasks(Tasks.binary("great").tower(8)).sharing(Sharing.sharedBottom(32)).optimizer(Optimizers.adam(1e-3))
                .training(Training.epochs(30).batchSize(64).seed(5).validationFraction(0.2).earlyStopping("great", "auc", 3))
                .backend("dl4j").build(), "bag of words + all-MiniLM-L6-v2 (fused)", false, tmp).metric("great", "auc");
        Evaluation mtl = trainAndEvaluate(runtime, spec(runtime, "minilm-whole-mtl",
                Inputs.text("review").pretrained(MiniLmTextEmbedder.Whole.NAME).adapter(32), Tasks.binary("great").tower(8),
                Tasks.binary("long_review").auxiliary().tower(8)), "all-MiniLM-L6-v2 whole text + auxiliary long_review", true,
                tmp);
        double whole = mtl.metric("great", "auc");
        System.out.printf(Locale.ROOT, "fine foods, unseen products: pretrained - bag of words = %+.4f, sentence pooling - whole"
                + " text = %+.4f%n", minilm - bow, minilm - whole);

        assertThat(ids).as("ids only: every test product is out of vocabulary").isBetween(0.45, 0.55);
        assertThat(bow).as("bag of words on unseen products").isGreaterThan(ids + 0.2);
        assertThat(whole).as("pretrained whole-text vectors on unseen products").isGreaterThan(ids + 0.2);
        assertThat(mtl.metric("long_review", "auc")).as("auxiliary long_review from the whole-text vectors").isGreaterThan(0.85);
        // the ordering (measured 0.871 > 0.853 > 0.500), and what sentence pooling adds (0.871 vs 0.81)
        assertThat(minilm).as("pretrained sentence-pooled vectors on unseen products").isGreaterThan(0.86).isGreaterThan(bow);
        assertThat(minilm).as("sentence pooling vs the whole text in one pass").isGreaterThan(whole + 0.03);
        assertThat(fused).as("bag of words and sentence-pooled vectors fused").isGreaterThan(bow);
    }
}
