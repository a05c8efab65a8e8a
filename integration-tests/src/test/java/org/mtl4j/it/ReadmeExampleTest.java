package org.mtl4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.SequenceInput;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.dsl.Balance;
import org.mtl4j.dsl.Clip;
import org.mtl4j.dsl.Inputs;
import org.mtl4j.dsl.Mtl;
import org.mtl4j.dsl.Optimizer;
import org.mtl4j.dsl.Sharing;
import org.mtl4j.dsl.Tasks;
import org.mtl4j.dsl.Training;

/** The README's DSL example, exactly as written there, builds and validates against the real backends. */
class ReadmeExampleTest {

    @Test
    void theReadmeModelBuildsAndTheDl4jBackendAcceptsIt() {
        ModelSpec funnel = Mtl.model("funnel")
            .inputs(Inputs.dense("ctx", "d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7"),
                    Inputs.categorical("user").column("user_id").dim(16),
                    Inputs.categorical("item").column("item_id").dim(16).table("items"),
                    Inputs.sequence("history").column("recent_items").maxLength(50).table("items")
                            .transformer(2, 4, 16),                              // the user's history, shared item table
                    Inputs.categorical("category"))
            .tasks(Tasks.binary("ctr").label("click").metrics("auc", "gauc", "logloss"),
                   Tasks.binary("ctcvr").label("conversion").chainedAfter("ctr")) // ESMM: pCTCVR = pCTR x pCVR
            .sharing(Sharing.mmoe(4, 32))                                        // or sharedBottom, ple, cgc, crossStitch, independent
            .balance(Balance.uncertainty(), Balance.pcgrad())                    // a loss weighting and/or a gradient aggregator
            .clip(Clip.perTaskNorm(5.0), Clip.globalNorm(1.0))
            .optimizer(Optimizer.adam(1e-3))
            .training(Training.epochs(3).batchSize(512).seed(7))
            .backend("dl4j")
            .build();

        assertThat(Mtl.runtime().validate(funnel)).isEmpty();
        assertThat(funnel.topology()).isEqualTo(new Topology.Mmoe(4, java.util.List.of(32), java.util.List.of()));
        assertThat(funnel.lossWeighting().name()).isEqualTo("uncertainty");
        assertThat(funnel.gradientAggregation().name()).isEqualTo("pcgrad");
        assertThat(funnel.embeddingTables()).containsExactly("user", "items", "category");
        assertThat(((SequenceInput) funnel.input("history").orElseThrow()).encoder().width()).isEqualTo(16);
        assertThat(funnel.task("ctcvr").orElseThrow().chainedAfter()).isEqualTo("ctr");
    }
}
