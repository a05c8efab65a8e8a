package org.mtl4j.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.spec.CategoricalInput;
import org.mtl4j.api.spec.ImageInput;
import org.mtl4j.api.spec.LossKind;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.PluginRef;
import org.mtl4j.api.spec.SequenceInput;
import org.mtl4j.api.spec.TaskKind;
import org.mtl4j.api.spec.TextInput;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.spi.io.SpecCodec;

/** The four models of {@link Mtl}'s javadoc, written exactly as there, build and mean what they say. */
class GalleryTest {
    private final MtlRuntime rt = DeclaredCapabilities.runtime();

    @Test
    void imageAndTextClassification() {
        ModelSpec catalogue = Mtl.model("catalogue")
                .inputs(Inputs.image("photo", 1, 28, 28).conv(8, 16).kernel(3),
                        Inputs.text("title").maxTokens(24).dim(16))
                .tasks(Tasks.multiclass("category", 10).label("label").metrics("accuracy", "top-k-accuracy@3"),
                        Tasks.multiclass("group", 3).label("group").metrics("accuracy"))
                .sharing(Sharing.sharedBottom(128, 64))
                .optimizer(Optimizer.adam(1e-3))
                .training(Training.epochs(5).batchSize(128).seed(1))
                .build(rt);
        assertThat(catalogue.inputs().get(0)).isEqualTo(new ImageInput("photo", "photo", 1, 28, 28, List.of(8, 16), 3));
        assertThat(((TextInput) catalogue.inputs().get(1)).encoding()).isEqualTo(TextInput.Encoding.BAG_OF_WORDS);
        assertThat(catalogue.tasks()).extracting(t -> t.numClasses()).containsExactly(10, 3);
        assertThat(catalogue.training().epochs()).isEqualTo(5);
        assertThat(SpecCodec.fromYaml(SpecCodec.toYaml(catalogue), "catalogue.yaml")).isEqualTo(catalogue);
    }

    @Test
    void itemAndAdRecommendation() {
        ModelSpec recs = Mtl.model("items_and_ads")
                .inputs(Inputs.dense("ctx", "d0", "d1", "d2", "d3"),
                        Inputs.categorical("user").column("user_id").dim(16),
                        Inputs.categorical("item").column("item_id").dim(16),
                        Inputs.categorical("category").dim(8))
                .tasks(Tasks.binary("item_click").label("click").metrics("auc", "gauc", "logloss").tower(32, 16),
                        Tasks.binary("ad_click").label("ad_click").loss(LossKind.BCE).weight(0.5).towerLearningRate(0.5)
                                .metrics("auc", "calibration"))
                .sharing(Sharing.sharedBottom(64, 32))
                .balance(Balance.fixed())
                .build(rt);
        assertThat(recs.tasks().get(0).tower()).containsExactly(32, 16);
        assertThat(recs.tasks().get(1).weight()).isEqualTo(0.5);
        assertThat(recs.tasks().get(1).towerLearningRate()).isEqualTo(0.5);
        assertThat(recs.lossWeighting()).isEqualTo(PluginRef.of("fixed"));
        assertThat(recs.inputs().get(3)).isEqualTo(new CategoricalInput("category", "category", 8, null, null));
    }

    @Test
    void esmmFunnelWithMmoe() {
        ModelSpec funnel = Mtl.model("funnel")
                .inputs(Inputs.dense("ctx", "d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7"),
                        Inputs.categorical("user").column("user_id"),
                        Inputs.categorical("item").column("item_id"),
                        Inputs.categorical("category"))
                .tasks(Tasks.binary("ctr").label("click"),
                        Tasks.binary("ctcvr").label("conversion").chainedAfter("ctr"))
                .sharing(Sharing.mmoe(4, 32).gateLayers())
                .balance(Balance.uncertainty())
                .clip(Clip.globalNorm(5.0))
                .training(Training.epochs(3).batchSize(512).earlyStopping("ctcvr", "auc", 1))
                .build(rt);
        assertThat(funnel.topology()).isEqualTo(new Topology.Mmoe(4, List.of(32), List.of()));
        assertThat(funnel.tasks().get(1).chainedAfter()).isEqualTo("ctr");
        assertThat(funnel.clipping()).containsExactly(PluginRef.of("global-norm", java.util.Map.of("maxNorm", 5.0)));
        assertThat(funnel.training().earlyStopping().task()).isEqualTo("ctcvr");
    }

    @Test
    void sequenceModelWithPleAndGradientSurgery() {
        ModelSpec watch = Mtl.model("watch_next")
                .inputs(Inputs.categorical("item").column("item_id").dim(32).table("items"),
                        Inputs.sequence("history").column("recent_items").maxLength(50).table("items")
                                .transformer(2, 4, 32).poolLast(),
                        Inputs.multiHot("genres").dim(8))
                .tasks(Tasks.binary("click").metrics("auc", "ndcg@10"),
                        Tasks.regression("watch_time").label("seconds").loss(LossKind.HUBER),
                        Tasks.binary("like").auxiliary())
                .sharing(Sharing.ple(2, 1, 2, 32))
                .balance(Balance.dwa(2.0), Balance.pcgrad())
                .clip(Clip.perTaskNorm(5.0), Clip.globalNorm(1.0))
                .optimizer(Optimizer.adamw(1e-3, 0.01))
                .backend("dl4j")
                .build(rt);
        SequenceInput history = (SequenceInput) watch.inputs().get(1);
        assertThat(history.encoder().width()).isEqualTo(32);
        assertThat(history.encoder().feedForward()).isEqualTo(64);
        assertThat(history.embeddingTable()).isEqualTo("items");
        assertThat(watch.lossWeighting()).isEqualTo(PluginRef.of("dwa", java.util.Map.of("temperature", 2.0)));
        assertThat(watch.gradientAggregation()).isEqualTo(PluginRef.of("pcgrad"));
        assertThat(watch.tasks().get(1).kind()).isEqualTo(TaskKind.REGRESSION);
        assertThat(watch.optimizer().name()).isEqualTo("adamw");
        assertThat(SpecCodec.fromJson(SpecCodec.toJson(watch), "watch.json")).isEqualTo(watch);
    }

    @Test
    void aDslModelAndItsHandWrittenYamlAreEqual() {
        ModelSpec dsl = Mtl.model("funnel")
                .inputs(Inputs.dense("ctx", "d0", "d1"), Inputs.categorical("user").column("user_id"))
                .tasks(Tasks.binary("ctr").label("click"), Tasks.binary("ctcvr").label("conversion").chainedAfter("ctr"))
                .sharing(Sharing.sharedBottom(64))
                .build(rt);
        String yaml = String.join("\n",
                "name: funnel",
                "inputs:",
                "  - {kind: dense, name: ctx, columns: [d0, d1]}",
                "  - {kind: categorical, name: user, column: user_id}",
                "tasks:",
                "  - {name: ctr, kind: binary, label: click}",
                "  - {name: ctcvr, kind: binary, label: conversion, chainedAfter: ctr}",
                "topology: {type: shared-bottom, layers: [64]}",
                "");
        assertThat(SpecCodec.fromYaml(yaml, "funnel.yaml")).isEqualTo(dsl);
    }
}
