package org.mtl4j.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.spec.LossKind;
import org.mtl4j.api.spec.ModelSpec;

class ValidationTest {
    private final MtlRuntime rt = DeclaredCapabilities.runtime();

    private static ModelBuilder funnel() {
        return Mtl.model("funnel")
                .inputs(Inputs.dense("ctx", "d0", "d1"), Inputs.categorical("user").column("user_id"))
                .tasks(Tasks.binary("ctr").label("click"), Tasks.binary("ctcvr").label("conversion").chainedAfter("ctr"))
                .sharing(Sharing.sharedBottom(16));
    }

    private String problems(ModelBuilder b) {
        try {
            b.build(rt);
        } catch (SpecValidationException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected problems");
    }

    @Test
    void scratch() {
        System.out.println(problems(Mtl.model("bad model")
                .inputs(Inputs.dense("ctx", "d0"), Inputs.categorical("ctx").column("click").dim(0),
                        Inputs.categorical("item").dim(8).table("items"), Inputs.sequence("hist").table("items").transformer(1, 2, 12))
                .tasks(Tasks.binary("ctr").label("click").loss(LossKind.MSE).metrics("rmse", "aucc", "ndcg@x"),
                        Tasks.regression("ctcvr").label("click").chainedAfter("ctrr"),
                        Tasks.binary("a").chainedAfter("b"), Tasks.binary("b").chainedAfter("a"),
                        Tasks.multiclass("genre", 1), Tasks.binary("ctr"))
                .sharing(Sharing.mmoe(0, 8))
                .balance(Balance.of("gradnrom"), Balance.uncertainty(), Balance.dwa(), Balance.cagrad(-1))
                .clip(Clip.of("global", Map.of()), Clip.value(-1))
                .optimizer(Optimizers.adam(-1))
                .training(Training.epochs(0))
                .backend("tribuo")));
        System.out.println(problems(funnel().sharing(Sharing.mmoe(4, 8)).balance(Balance.gradNorm(1.5), Balance.pcgrad())
                .inputs(Inputs.image("img", 1, 8, 8), Inputs.text("t")).clip(Clip.perTaskNorm(1)).backend("tribuo")));
        System.out.println(problems(Mtl.model("empty")));
        System.out.println(problems(funnel().training(Training.epochs(2).earlyStopping("cvr", "auc", 2)).backend("torch")));
    }
}
