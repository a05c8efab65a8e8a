package org.mtl4j.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.spec.EarlyStopping;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.MultiHotInput;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.PluginRef;
import org.mtl4j.api.spec.Pooling;
import org.mtl4j.api.spec.SequenceInput;
import org.mtl4j.api.spec.TextInput;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.api.spec.TrainingSpec;
import org.mtl4j.api.spec.TransformerSpec;
import org.mtl4j.api.spec.VocabularySpec;
import org.mtl4j.spi.PluginKind;

/** Each builder method lands in the record field it names. */
class DslBuilderTest {
    private final MtlRuntime rt = DeclaredCapabilities.runtime();

    private ModelBuilder base() {
        return Mtl.model("m").inputs(Inputs.dense("ctx", "d0")).tasks(Tasks.binary("a"), Tasks.binary("b"))
                .sharing(Sharing.sharedBottom(8));
    }

    @Test
    void everyBalanceEntryPointNamesARegisteredPluginOfItsRole() {
        for (Balance.Choice c : List.of(Balance.equal(), Balance.fixed(), Balance.fixed(Map.of("a", 2.0)),
                Balance.uncertainty(), Balance.dwa(), Balance.dwa(3), Balance.rlw(), Balance.schedule(0.9),
                Balance.gradnorm(1.5))) {
            assertThat(rt.names(PluginKind.LOSS_WEIGHTING)).as(c.toString()).contains(c.name());
            assertThat(base().balance(c).build(rt).lossWeighting()).isEqualTo(PluginRef.of(c.name(), c.params()));
        }
        for (Balance.Choice c : List.of(Balance.sum(), Balance.pcgrad(), Balance.mgda(), Balance.cagrad(0.4),
                Balance.imtlG(), Balance.gradvac(0.02), Balance.graddrop(), Balance.alignedMtl(), Balance.nashMtl())) {
            assertThat(rt.names(PluginKind.GRADIENT_AGGREGATOR)).as(c.toString()).contains(c.name());
            assertThat(base().balance(c).build(rt).gradientAggregation()).isEqualTo(PluginRef.of(c.name(), c.params()));
        }
    }

    @Test
    void everyClipEntryPointNamesARegisteredClipperWithItsParameter() {
        ModelSpec s = base().clip(Clip.globalNorm(2), Clip.value(0.5), Clip.perTaskNorm(3), Clip.adaptive(0.02)).build(rt);
        assertThat(s.clipping()).containsExactly(PluginRef.of("global-norm", Map.of("maxNorm", 2.0)),
                PluginRef.of("value", Map.of("limit", 0.5)), PluginRef.of("per-task-norm", Map.of("maxNorm", 3.0)),
                PluginRef.of("adaptive", Map.of("clipping", 0.02)));
    }

    @Test
    void sharingEntryPoints() {
        assertThat(base().sharing(Sharing.independent(4, 2)).build(rt).topology()).isEqualTo(new Topology.Independent(List.of(4, 2)));
        assertThat(base().sharing(Sharing.mmoe(3, 8, 4).gateLayers(2)).build(rt).topology())
                .isEqualTo(new Topology.Mmoe(3, List.of(8, 4), List.of(2)));
        assertThat(base().sharing(Sharing.cgc(1, 2, 8)).build(rt).topology()).isEqualTo(new Topology.Ple(1, 1, 2, List.of(8)));
        assertThat(base().sharing(Sharing.ple(3, 0, 1, 8)).build(rt).topology()).isEqualTo(new Topology.Ple(3, 0, 1, List.of(8)));
        assertThat(base().sharing(Sharing.crossStitch(8).selfWeight(0.7)).build(rt).topology())
                .isEqualTo(new Topology.CrossStitch(List.of(8), 0.7));
    }

    @Test
    void inputOptions() {
        ModelSpec s = base().inputs(
                Inputs.multiHot("tags").column("tag_list").separator(";").dim(4).sum().hashed(64),
                Inputs.sequence("hist").maxLength(7).transformer(2, 2, 8).feedForward(20).dropout(0.1).poolLast()
                        .vocabulary(500, 2),
                Inputs.text("title").dim(8).transformer(1, 1, 8),
                Inputs.dense("raw", "r0").columns("r1").standardize(false)).build(rt);
        assertThat(s.inputs().get(1)).isEqualTo(new MultiHotInput("tags", "tag_list", ";", 4, Pooling.SUM,
                VocabularySpec.hashed(64), null));
        assertThat(s.inputs().get(2)).isEqualTo(new SequenceInput("hist", "hist", "|", 7, VocabularySpec.built(500, 2), null,
                new TransformerSpec(2, 2, 8, 20, 0.1, TransformerSpec.SequencePooling.LAST)));
        TextInput text = (TextInput) s.inputs().get(3);
        assertThat(text.encoding()).isEqualTo(TextInput.Encoding.SEQUENCE);
        assertThat(text.encoder()).isEqualTo(TransformerSpec.of(1, 1, 8));
        assertThat(s.inputs().get(4)).isEqualTo(new org.mtl4j.api.spec.DenseInput("raw", List.of("r0", "r1"), false));
    }

    @Test
    void optimizerAndTrainingSections() {
        ModelSpec s = base().optimizer(Optimizer.adam(0.01).betas(0.8, 0.99).epsilon(1e-6))
                .training(Training.epochs(3).batchSize(64).seed(9).validationFraction(0.2).diagnosticsEvery(0)
                        .shuffleBuffer(1000).earlyStoppingOnLoss(2))
                .build(rt);
        assertThat(s.optimizer()).isEqualTo(new OptimizerSpec("adam", 0.01, 0.8, 0.99, 1e-6, 0, 0));
        assertThat(s.training()).isEqualTo(new TrainingSpec(3, 64, 9, 0.2, EarlyStopping.onLoss(2), 0, 1000));
        assertThat(base().optimizer(Optimizer.sgd(0.1).momentum(0.9)).build(rt).optimizer()).isEqualTo(OptimizerSpec.sgd(0.1, 0.9));
        assertThat(base().optimizer(Optimizer.adamw(0.1, 0.01)).build(rt).optimizer()).isEqualTo(OptimizerSpec.adamw(0.1, 0.01));
        assertThat(base().optimizer(Optimizer.adagrad(0.1)).build(rt).optimizer()).isEqualTo(OptimizerSpec.adagrad(0.1));
        assertThat(base().build(rt).training()).isEqualTo(TrainingSpec.DEFAULT);
        assertThat(TrainingSpec.DEFAULT.workers()).isEqualTo(1);
        assertThat(base().training(Training.defaults().workers(4)).build(rt).training()).isEqualTo(TrainingSpec.DEFAULT.withWorkers(4));
    }

    @Test
    void trainingRefusesAnInvalidSpecBeforeTouchingDataOrBackend() {
        ModelSpec bad = base().build(rt).withBackend("nowhere");
        assertThatThrownBy(() -> rt.train(bad, null, null))
                .isInstanceOf(SpecValidationException.class)
                .hasMessage("model 'm' has 1 problem:\n  1) MTL/UnknownPlugin: backend = \"nowhere\" (known: dl4j, tribuo)");
    }
}
