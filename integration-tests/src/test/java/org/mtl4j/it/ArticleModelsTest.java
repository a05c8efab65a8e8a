package org.mtl4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.metric.Evaluation;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.data.CsvDataset;
import org.mtl4j.data.FashionMnistReader;
import org.mtl4j.dsl.Inputs;
import org.mtl4j.dsl.Mtl;
import org.mtl4j.dsl.MtlRuntime;
import org.mtl4j.dsl.Optimizer;
import org.mtl4j.dsl.Sharing;
import org.mtl4j.dsl.Tasks;
import org.mtl4j.dsl.Training;
import org.mtl4j.dsl.junit.MtlExtension;

/**
 * Issue 4, evidence 1: the two models of the source article train end to end on the DL4J backend.
 * (1) Image classification + text classification on Fashion-MNIST (Debian's dataset-fashion-mnist):
 * a conv branch over the image and a bag-of-words branch over a noisy caption, fused below a shared
 * bottom, with the 10-class label and the coarse group as tasks, each at least 0.80 accuracy.
 * (2) Item recommendation + ad recommendation: two binary tasks on the funnel generator, each at
 * least as good as the PyTorch peer ({@code ../shared/peer/mtl_peer.py}) on the same CSV and epochs
 * (mean over model seeds 0, 1, 2 on both sides).
 */
class ArticleModelsTest {

    @RegisterExtension
    static MtlExtension mtl = MtlExtension.withPlugins();

    @Test
    void imageAndTextClassificationOnFashionMnist(MtlRuntime runtime) {
        Path dir = FashionMnistReader.debianDirectory().orElse(null);
        Assumptions.assumeTrue(dir != null, "Fashion-MNIST is not installed: apt-get install dataset-fashion-mnist");
        ModelSpec spec = runtime.check(Mtl.model("catalogue")
                .inputs(Inputs.image("image", 1, 28, 28).conv(8, 16).kernel(3), Inputs.text("caption").maxTokens(12).dim(16))
                .tasks(Tasks.multiclass("label", 10).metrics("accuracy"), Tasks.multiclass("group", 4).metrics("accuracy"))
                .sharing(Sharing.sharedBottom(64)).optimizer(Optimizer.adam(2e-3))
                .training(Training.epochs(2).batchSize(64).seed(4)).build());
        Dataset train = FashionMnistReader.of(dir, FashionMnistReader.Part.TRAIN).limit(12_000).dataset(spec);
        Dataset test = FashionMnistReader.of(dir, FashionMnistReader.Part.TEST).limit(2_000).dataset(spec, train);
        Evaluation eval = runtime.evaluate(runtime.train(spec, train, null).model(), test);
        System.out.printf("fashion-mnist: label accuracy %.4f, group accuracy %.4f%n",
                eval.metric("label", "accuracy"), eval.metric("group", "accuracy"));
        assertThat(eval.metric("label", "accuracy")).as("10-class accuracy").isGreaterThanOrEqualTo(0.80);
        assertThat(eval.metric("group", "accuracy")).as("coarse group accuracy").isGreaterThanOrEqualTo(0.80);
    }

    /**
     * The peer's mean AUC over seeds 0, 1, 2 on these exact files (100k train rows, row seed 31; 20k test
     * rows, row seed 32; default world), shared-bottom 113 + towers 8, embeddings 8, Adam 1e-3, batch 256,
     * 2 epochs: {@code mtl_peer.py --data funnel --model sb --epochs 2 --seed S --threads 1}, measured
     * 2026-11-28 (per seed: click 0.7651, 0.7611, 0.7646; conversion 0.7822, 0.7812, 0.7792). More epochs
     * overfit the id embeddings at this size (in an earlier world, 5 epochs lost 0.02 AUC), so 2 is the
     * fairer setting. Regenerate the files with {@code FunnelGenerator#writeCsv} to re-measure.
     */
    static final double PEER_CLICK_AUC = 0.7636;
    static final double PEER_CONVERSION_AUC = 0.7809;

    @Test
    void itemAndAdRecommendationMatchThePeer(MtlRuntime runtime) {
        double item = 0;
        double ad = 0;
        for (long seed = 0; seed < 3; seed++) {
            Evaluation eval = itemsAndAds(runtime, seed);
            item += eval.metric("item", "auc") / 3;
            ad += eval.metric("ad", "auc") / 3;
        }
        System.out.printf("item/ad (mean of 3 seeds): item AUC %.4f (peer %.4f), ad AUC %.4f (peer %.4f)%n", item,
                PEER_CLICK_AUC, ad, PEER_CONVERSION_AUC);
        assertThat(item).as("item AUC vs the peer's").isGreaterThanOrEqualTo(PEER_CLICK_AUC);
        assertThat(ad).as("ad AUC vs the peer's").isGreaterThanOrEqualTo(PEER_CONVERSION_AUC);
    }

    private static Evaluation itemsAndAds(MtlRuntime runtime, long seed) {
        ModelSpec spec = runtime.check(Mtl.model("items_and_ads")
                .inputs(Inputs.categorical("user").column("user_id").dim(8), Inputs.categorical("item").column("item_id").dim(8),
                        Inputs.categorical("category").dim(8),
                        Inputs.dense("context", "d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7").standardize(false))
                .tasks(Tasks.binary("item").label("click").metrics("auc", "logloss").tower(8),
                        Tasks.binary("ad").label("conversion").metrics("auc", "logloss").tower(8))
                .sharing(Sharing.sharedBottom(113)).optimizer(Optimizer.adam(1e-3))
                .training(Training.epochs(2).batchSize(256).seed(seed)).build());
        Dataset train = CsvDataset.builder(mtl.funnelCsv(100_000, 31), spec).build();
        Dataset test = CsvDataset.builder(mtl.funnelCsv(20_000, 32), spec).vocabularies(train.vocabularies()).build();
        return runtime.evaluate(runtime.train(spec, train, null).model(), test);
    }
}
