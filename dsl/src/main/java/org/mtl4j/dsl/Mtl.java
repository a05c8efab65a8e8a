package org.mtl4j.dsl;

/**
 * The DSL's entry point: {@code Mtl.model(name)} declares a multi-task model, {@code build()}
 * validates it as a whole and returns the immutable {@link org.mtl4j.api.spec.ModelSpec}, and
 * {@link #runtime()} trains it. A gallery of complete models:
 *
 * <h2>1. Image classification + text classification (multimodal)</h2>
 * A product photo through a conv branch and its title through a bag-of-words branch, fused before a
 * shared bottom; one task classifies the product category, the other its coarse group.
 * <pre>{@code
 * ModelSpec catalogue = Mtl.model("catalogue")
 *     .inputs(Inputs.image("photo", 1, 28, 28).conv(8, 16).kernel(3),
 *             Inputs.text("title").maxTokens(24).dim(16))
 *     .tasks(Tasks.multiclass("category", 10).label("label").metrics("accuracy", "top-k-accuracy@3"),
 *            Tasks.multiclass("group", 3).label("group").metrics("accuracy"))
 *     .sharing(Sharing.sharedBottom(128, 64))
 *     .optimizer(Optimizer.adam(1e-3))
 *     .training(Training.epochs(5).batchSize(128).seed(1))
 *     .build();
 * }</pre>
 *
 * <h2>2. Item recommendation + ad recommendation</h2>
 * Two binary tasks on the same impressions, each with its own loss settings: the item task is the
 * product output with a larger tower; the ad task's weight is halved and its tower learns slower.
 * <pre>{@code
 * ModelSpec recs = Mtl.model("items_and_ads")
 *     .inputs(Inputs.dense("ctx", "d0", "d1", "d2", "d3"),
 *             Inputs.categorical("user").column("user_id").dim(16),
 *             Inputs.categorical("item").column("item_id").dim(16),
 *             Inputs.categorical("category").dim(8))
 *     .tasks(Tasks.binary("item_click").label("click").metrics("auc", "gauc", "logloss").tower(32, 16),
 *            Tasks.binary("ad_click").label("ad_click").loss(LossKind.BCE).weight(0.5).towerLearningRate(0.5)
 *                    .metrics("auc", "calibration"))
 *     .sharing(Sharing.sharedBottom(64, 32))
 *     .balance(Balance.fixed())
 *     .build();
 * }</pre>
 *
 * <h2>3. The ESMM funnel with MMoE</h2>
 * CTR on every impression, CTCVR = pCTR x pCVR chained after it (Ma et al., SIGIR 2018), so pCVR is
 * learned on the entire impression space; MMoE (Ma et al., KDD 2018) shares 4 experts between them.
 * <pre>{@code
 * ModelSpec funnel = Mtl.model("funnel")
 *     .inputs(Inputs.dense("ctx", "d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7"),
 *             Inputs.categorical("user").column("user_id"),
 *             Inputs.categorical("item").column("item_id"),
 *             Inputs.categorical("category"))
 *     .tasks(Tasks.binary("ctr").label("click"),
 *            Tasks.binary("ctcvr").label("conversion").chainedAfter("ctr"))
 *     .sharing(Sharing.mmoe(4, 32).gateLayers())
 *     .balance(Balance.uncertainty())
 *     .clip(Clip.globalNorm(5.0))
 *     .training(Training.epochs(3).batchSize(512).earlyStopping("ctcvr", "auc", 1))
 *     .build();
 * }</pre>
 *
 * <h2>4. A sequence model with PLE and gradient surgery</h2>
 * The user's recent items through a Transformer encoder sharing the candidate item's embedding
 * table, two levels of PLE (Tang et al., RecSys 2020), and PCGrad (Yu et al., NeurIPS 2020) on the
 * per-task gradients of the shared parameters, clipped per task first.
 * <pre>{@code
 * ModelSpec watch = Mtl.model("watch_next")
 *     .inputs(Inputs.categorical("item").column("item_id").dim(32).table("items"),
 *             Inputs.sequence("history").column("recent_items").maxLength(50).table("items")
 *                     .transformer(2, 4, 32).poolLast(),
 *             Inputs.multiHot("genres").dim(8))
 *     .tasks(Tasks.binary("click").metrics("auc", "ndcg@10"),
 *            Tasks.regression("watch_time").label("seconds").loss(LossKind.HUBER),
 *            Tasks.binary("like").auxiliary())
 *     .sharing(Sharing.ple(2, 1, 2, 32))
 *     .balance(Balance.dwa(2.0), Balance.pcgrad())
 *     .clip(Clip.perTaskNorm(5.0), Clip.globalNorm(1.0))
 *     .optimizer(Optimizer.adamw(1e-3, 0.01))
 *     .backend("dl4j")
 *     .build();
 * }</pre>
 *
 * <h2>5. Tasks grouped by their affinity</h2>
 * Five feed objectives where {@code mtl4j affinity} (Fifty et al., NeurIPS 2021) found engagement and
 * conversion tasks helping within their group and not across: one shared bottom per group, the dwell-time
 * task on its own.
 * <pre>{@code
 * ModelSpec feed = Mtl.model("feed")
 *     .inputs(Inputs.dense("ctx", "d0", "d1", "d2"), Inputs.categorical("user").dim(16))
 *     .tasks(Tasks.binary("click"), Tasks.binary("like"), Tasks.binary("buy"), Tasks.binary("cart"),
 *            Tasks.regression("dwell"))
 *     .sharing(Sharing.grouped(64, 32).group("click", "like").group("buy", "cart").group("dwell"))
 *     .build();
 * }</pre>
 * Where a group still holds a pair that hurts each other, the groups can be the first level of MMoE (Ma et al.,
 * KDD 2018) or PLE (Tang et al., RecSys 2020): experts and gates per group, nothing shared across groups, e.g.
 * CGC per group with one group-shared and one task-specific expert of [32]:
 * {@code Sharing.cgc(1, 1, 32).group("click", "like").group("buy", "cart").group("dwell")}.
 *
 * <p>Training any of them: {@code Mtl.runtime().train(spec, trainData, validData, new ProgressBar())}.
 * A model with problems fails in {@code build()} with all of them, e.g.
 * <pre>
 * model 'funnel' has 2 problems:
 *   1) MTL/UnknownTask: tasks[1].chainedAfter = "ctrr" (known: ctcvr, ctr)
 *   2) MTL/UnknownPlugin: lossWeighting = "gradnrom" (known: dwa, equal, fixed, gradnorm, rlw, schedule, uncertainty)
 * </pre>
 */
public final class Mtl {
    private Mtl() {
    }

    /** Starts declaring a model. */
    public static ModelBuilder model(String name) {
        return new ModelBuilder(name);
    }

    private static MtlRuntime shared;

    /**
     * The runtime of the plugins {@link java.util.ServiceLoader} finds, built on first use and shared.
     * A failure (a duplicate plugin name) is thrown again on every call rather than cached.
     */
    public static synchronized MtlRuntime runtime() {
        if (shared == null) {
            shared = MtlRuntime.builder().build();
        }
        return shared;
    }

    /** A runtime with chosen plugins: {@code Mtl.runtimeBuilder().withPlugins(p).discover(false).build()}. */
    public static MtlRuntime.Builder runtimeBuilder() {
        return MtlRuntime.builder();
    }
}
