package org.mtl4j.spi.io;

import java.util.List;
import java.util.Map;
import org.mtl4j.api.spec.CategoricalInput;
import org.mtl4j.api.spec.DenseInput;
import org.mtl4j.api.spec.EarlyStopping;
import org.mtl4j.api.spec.ImageInput;
import org.mtl4j.api.spec.InputSpec;
import org.mtl4j.api.spec.LossKind;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.MultiHotInput;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.PluginRef;
import org.mtl4j.api.spec.Pooling;
import org.mtl4j.api.spec.SequenceInput;
import org.mtl4j.api.spec.TaskKind;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.TextInput;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.api.spec.TrainingSpec;
import org.mtl4j.api.spec.TransformerSpec;
import org.mtl4j.api.spec.VectorInput;
import org.mtl4j.api.spec.VocabularySpec;

/** Specs that use every input kind, task kind, topology and optional field, with non-default values. */
final class Specimens {
    private Specimens() {
    }

    static List<InputSpec> everyInput() {
        return List.of(
                new DenseInput("ctx", List.of("d0", "d1", "true", "007"), false),
                new CategoricalInput("user", "user_id", 12, VocabularySpec.built(5000, 2), null),
                new CategoricalInput("item", "item_id", 12, VocabularySpec.hashed(1 << 16), "items"),
                new MultiHotInput("genres", "genres", ";", 6, Pooling.SUM, VocabularySpec.DEFAULT, null),
                new SequenceInput("history", "hist", "|", 50, VocabularySpec.built(2000, 1), "items",
                        new TransformerSpec(2, 4, 12, 48, 0.1, TransformerSpec.SequencePooling.LAST)),
                new ImageInput("photo", "pixels", 3, 28, 32, List.of(4, 8, 16), 5),
                new ImageInput("thumb", "thumb_px", 1, 28, 28, null, 3, "nets/thumb net.zip", ImageInput.NetworkMode.FINE_TUNED,
                        "pool2", 784, 0.3),
                new ImageInput("icon", "icon", 1, 8, 8, "icon.zip", null, null, 16),
                new TextInput("title", "title", TextInput.Encoding.SEQUENCE, 40, 8, VocabularySpec.built(900, 3),
                        TransformerSpec.of(1, 2, 8)),
                new TextInput("desc", "description: long", TextInput.Encoding.BAG_OF_WORDS, 64, 16,
                        VocabularySpec.DEFAULT, null),
                new TextInput("review", "review", null, 200, 16, null, null, "all-minilm-l6-v2",
                        new VectorInput.Adapter(48, false)),
                new VectorInput("audio", "audio_emb", 64, null, VectorInput.Missing.ZERO, new VectorInput.Adapter(0, false)),
                new VectorInput("photo_vec", "item_id", 512, "vectors/photos.npy", null, null));
    }

    static List<TaskSpec> everyTask() {
        return List.of(
                new TaskSpec("ctr", TaskKind.BINARY, "click", 1, LossKind.BCE, List.of("auc", "gauc", "ndcg@10"), 1.5,
                        false, null, List.of(32, 16), 2.0),
                new TaskSpec("ctcvr", TaskKind.BINARY, "conversion", 1, null, List.of(), 0.5, false, "ctr", List.of(8),
                        1.0),
                new TaskSpec("genre", TaskKind.MULTICLASS, "genre_id", 7, LossKind.CROSS_ENTROPY, List.of("accuracy"),
                        1.0, true, null, List.of(), 0.5),
                new TaskSpec("rating", TaskKind.REGRESSION, "rating >= 4", 1, LossKind.HUBER, List.of("rmse", "mae"),
                        0.25, false, null, List.of(4, 4, 4), 1.0));
    }

    static List<Topology> everyTopology() {
        return List.of(
                new Topology.Independent(List.of(64, 32)),
                new Topology.Independent(List.of()),
                new Topology.SharedBottom(List.of(113)),
                new Topology.Mmoe(8, List.of(16, 8), List.of(4)),
                new Topology.Ple(2, 1, 2, List.of(16)),
                new Topology.CrossStitch(List.of(32, 16), 0.75),
                new Topology.Grouped(List.of(List.of("ctr", "ctcvr"), List.of("rating")), List.of(16, 8)),
                new Topology.Mmoe(2, List.of(16), List.of(), List.of(List.of("ctr", "ctcvr"), List.of("genre", "rating"))),
                new Topology.Ple(2, 1, 1, List.of(16), List.of(List.of("ctr", "ctcvr", "genre"), List.of("rating"))));
    }

    static ModelSpec model(Topology topology) {
        return new ModelSpec("kitchen_sink", everyInput(), everyTask(), topology,
                PluginRef.of("gradnorm", Map.of("alpha", 1.5)), PluginRef.of("cagrad", Map.of("c", 0.4)),
                List.of(PluginRef.of("per-task-norm", Map.of("max", 5.0)), PluginRef.of("global-norm", Map.of("max", 1e-3)),
                        PluginRef.of("value")),
                new OptimizerSpec("adamw", 3e-4, 0.8, 0.99, 1e-7, 0.0, 0.01),
                new TrainingSpec(7, 512, -1234567890123L, 0.1, new EarlyStopping("ctr", "auc", 3, 1e-4), 25, 4096, 3),
                "tribuo");
    }

    /** Every spec record of the api, for the round-trip test. */
    static List<Object> everyRecord() {
        List<Object> all = new java.util.ArrayList<>();
        all.addAll(everyInput());
        all.addAll(everyTask());
        all.addAll(everyTopology());
        for (Topology t : everyTopology()) {
            all.add(model(t));
        }
        all.add(new ModelSpec("minimal", List.of(), List.of(), new Topology.SharedBottom(List.of(8)), null, null, null,
                null, null, null));
        all.add(PluginRef.of("fixed", Map.of("ctr", 1.0, "ctcvr", 0.5)));
        all.add(PluginRef.of("wide", Map.of("big", 1e10, "tiny", -2.5e-300, "inf", Double.POSITIVE_INFINITY, "neg", -1e22)));
        all.add(PluginRef.NONE);
        all.add(OptimizerSpec.sgd(0.1, 0.9));
        all.add(OptimizerSpec.adagrad(0.05));
        all.add(TrainingSpec.DEFAULT);
        all.add(EarlyStopping.onLoss(2));
        all.add(VocabularySpec.hashed(7));
        all.add(TransformerSpec.of(3, 2, 10));
        return all;
    }
}
