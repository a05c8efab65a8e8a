package org.mtl4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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
import org.mtl4j.dsl.Optimizer;
import org.mtl4j.dsl.Sharing;
import org.mtl4j.dsl.Tasks;
import org.mtl4j.dsl.Training;

/**
 * The "large model" path end to end: a user's behaviour history (an id sequence, most recent last)
 * through the DL4J backend's Transformer encoder, sharing the candidate item's embedding table, under
 * MMoE, trained from the DSL. The labels are functions of the sequence only, with 5 % label noise:
 * {@code recent} = the most recent item is one of items 0..39 (needs positions), {@code seen} = the
 * history holds one of items 40..47 anywhere (needs attention over the whole sequence). The noise caps
 * the achievable AUC near 0.95; the test asks for 0.85.
 */
class SequenceModelTest {

    private static final int ITEMS = 200;

    @TempDir
    Path tmp;

    private static List<Map<String, String>> rows(int n, long seed) {
        Random r = new Random(seed);
        List<Map<String, String>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int len = 3 + r.nextInt(8);
            List<String> hist = new ArrayList<>();
            boolean seen = false;
            int last = -1;
            for (int k = 0; k < len; k++) {
                // recent and seen items are rarer than the rest, but common enough to learn
                int item = r.nextDouble() < 0.05 ? 40 + r.nextInt(8) : r.nextInt(ITEMS);
                seen |= item >= 40 && item < 48;
                last = item;
                hist.add("i" + item);
            }
            boolean recent = last < 40;
            Map<String, String> row = new HashMap<>();
            row.put("history", String.join("|", hist));
            row.put("item_id", "i" + r.nextInt(ITEMS));
            row.put("recent", (recent ^ r.nextDouble() < 0.05) ? "1" : "0");
            row.put("seen", (seen ^ r.nextDouble() < 0.05) ? "1" : "0");
            out.add(row);
        }
        return out;
    }

    @Test
    void aTransformerOverTheHistoryLearnsOrderAndContent() throws Exception {
        MtlRuntime runtime = Mtl.runtime();
        ModelSpec spec = runtime.check(Mtl.model("history")
                .inputs(Inputs.categorical("item").column("item_id").dim(16).table("items"),
                        Inputs.sequence("history").column("history").maxLength(10).table("items").transformer(1, 2, 16))
                .tasks(Tasks.binary("recent").tower(8), Tasks.binary("seen").tower(8))
                .sharing(Sharing.mmoe(3, 16)).optimizer(Optimizer.adam(3e-3))
                .training(Training.epochs(4).batchSize(128).seed(8)).backend("dl4j").build());
        Dataset train = InMemoryDataset.fromRows(spec, rows(16_000, 1));
        Dataset test = InMemoryDataset.builder(spec, rows(4_000, 2)).vocabularies(train.vocabularies()).build();
        TrainedModel model = runtime.train(spec, train, null).model();
        Evaluation eval = runtime.evaluate(model, test);
        System.out.printf("sequence model: recent AUC %.4f, seen AUC %.4f%n", eval.metric("recent", "auc"), eval.metric("seen", "auc"));
        assertThat(eval.metric("recent", "auc")).as("most recent item in 0..39").isGreaterThan(0.85);
        assertThat(eval.metric("seen", "auc")).as("history holds one of 40..47").isGreaterThan(0.85);

        Path file = tmp.resolve("history.mtl");
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
