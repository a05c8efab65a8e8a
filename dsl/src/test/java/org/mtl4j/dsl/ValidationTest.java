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
    void aValidModelBuildsToItsSpec() {
        ModelSpec spec = funnel().build(rt);
        assertThat(spec.taskNames()).containsExactly("ctr", "ctcvr");
        assertThat(rt.validate(spec)).isEmpty();
    }

    @Test
    void buildReportsEveryProblemOfTheWholeGraphInOneException() {
        ModelBuilder bad = Mtl.model("bad model")
                .inputs(Inputs.dense("ctx", "d0"), Inputs.categorical("ctx").column("click").dim(0),
                        Inputs.categorical("item").dim(8).table("items"),
                        Inputs.sequence("hist").table("items").transformer(1, 2, 12))
                .tasks(Tasks.binary("ctr").label("click").loss(LossKind.MSE).metrics("rmse", "aucc", "ndcg@x"),
                        Tasks.regression("ctcvr").label("click").chainedAfter("ctrr"),
                        Tasks.binary("a").chainedAfter("b"), Tasks.binary("b").chainedAfter("a"),
                        Tasks.multiclass("genre", 1), Tasks.binary("ctr"))
                .sharing(Sharing.mmoe(0, 8))
                .balance(Balance.of("gradnrom"), Balance.uncertainty(), Balance.dwa(), Balance.cagrad(-1))
                .clip(Clip.of("global", Map.of()), Clip.value(-1))
                .optimizer(Optimizer.adam(-1))
                .training(Training.epochs(0))
                .backend("tribuo");
        assertThatThrownBy(() -> bad.build(rt))
                .isInstanceOf(SpecValidationException.class)
                .hasMessage(String.join("\n",
                        "model 'bad model' has 21 problems:",
                        "  1) MTL/BadName: name = \"bad model\" (model name must match [A-Za-z_][A-Za-z0-9_.\\-]*, found \"bad model\")",
                        "  2) MTL/BadInput: inputs[1] = \"ctx\" (categorical input 'ctx' embeddingDim must be positive, found 0)",
                        "  3) MTL/BadTask: tasks[4] = \"genre\" (multiclass task 'genre' needs numClasses >= 2, found 1)",
                        "  4) MTL/BadTopology: topology = mmoe (mmoe experts must be >= 1, found 0)",
                        "  5) MTL/UnknownPlugin: balance[0] = \"gradnrom\" (loss weightings known: dwa, equal, fixed, gradnorm, "
                                + "rlw, schedule, uncertainty; gradient aggregators known: aligned-mtl, cagrad, graddrop, gradvac, "
                                + "imtl-g, mgda, nash-mtl, pcgrad, sum)",
                        "  6) MTL/DuplicateBalancing: balance[2] = \"dwa\" (a loss weighting is already chosen: \"uncertainty\")",
                        "  7) MTL/BadOptimizer: optimizer.learningRate = -1.0 (optimizer learningRate must be a positive finite "
                                + "number, found -1.0)",
                        "  8) MTL/BadTraining: training.epochs = 0 (training epochs must be positive, found 0)",
                        "  9) MTL/TableWidth: inputs[3].encoder.width = 12 (table \"items\" is 8 wide in inputs[2] (item); inputs "
                                + "sharing a table need one width)",
                        "  10) MTL/LossKind: tasks[0].loss = mse (binary tasks take bce)",
                        "  11) MTL/MetricKind: tasks[0].metrics[0] = \"rmse\" (rmse does not apply to binary tasks)",
                        "  12) MTL/UnknownPlugin: tasks[0].metrics[1] = \"aucc\" (known: accuracy, auc, calibration, ece, gauc, "
                                + "logloss, mae, ndcg, recall, rmse, top-k-accuracy)",
                        "  13) MTL/BadMetric: tasks[0].metrics[2] = \"ndcg@x\" (metric \"ndcg@x\": k must be a positive integer, "
                                + "found \"x\")",
                        "  14) MTL/LabelCollision: tasks[1].label = \"click\" (column \"click\" is already the label of tasks[0] (ctr))",
                        "  15) MTL/DuplicateTask: tasks[5].name = \"ctr\" (also tasks[0])",
                        "  16) MTL/ChainNotBinary: tasks[1].kind = regression (task \"ctcvr\" is chainedAfter \"ctrr\"; ESMM chains "
                                + "need binary tasks)",
                        "  17) MTL/UnknownTask: tasks[1].chainedAfter = \"ctrr\" (known: a, b, ctcvr, ctr, genre)",
                        "  18) MTL/ChainCycle: tasks[2].chainedAfter = \"b\" (cycle: a -> b -> a)",
                        "  19) MTL/BadPluginParams: gradientAggregation = \"cagrad\" {c=-1.0} (gradient aggregator 'cagrad': "
                                + "parameter 'c' must be >= 0.0, found -1.0)",
                        "  20) MTL/UnknownPlugin: clipping[0] = \"global\" (known: adaptive, global-norm, per-task-norm, value)",
                        "  21) MTL/BadPluginParams: clipping[1] = \"value\" {limit=-1.0} (clipper 'value': parameter 'limit' "
                                + "must be > 0, found -1.0)"));
    }

    @Test
    void everyCapabilityTheBackendLacksIsReportedWithBackendPathAndCapability() {
        ModelBuilder b = funnel().sharing(Sharing.mmoe(4, 8)).balance(Balance.gradnorm(1.5), Balance.pcgrad())
                .inputs(Inputs.image("img", 1, 8, 8), Inputs.text("t")).clip(Clip.perTaskNorm(1)).backend("tribuo");
        assertThatThrownBy(() -> b.build(rt)).hasMessage(String.join("\n",
                "model 'funnel' has 7 problems:",
                "  1) MTL/Unsupported: topology = mmoe (backend \"tribuo\" lacks TOPOLOGY_MMOE)",
                "  2) MTL/Unsupported: tasks[1].chainedAfter = ctr (backend \"tribuo\" lacks ESMM_CHAINING, needed by task \"ctcvr\")",
                "  3) MTL/Unsupported: inputs[2].kind = image (backend \"tribuo\" lacks INPUT_IMAGE, needed by input \"img\")",
                "  4) MTL/Unsupported: inputs[3].kind = text (backend \"tribuo\" lacks INPUT_TEXT, needed by input \"t\")",
                "  5) MTL/Unsupported: gradientAggregation = pcgrad (backend \"tribuo\" lacks PER_TASK_GRADIENTS)",
                "  6) MTL/Unsupported: lossWeighting = gradnorm (backend \"tribuo\" lacks PER_TASK_GRADIENTS)",
                "  7) MTL/Unsupported: clipping[0] = per-task-norm (backend \"tribuo\" lacks PER_TASK_GRADIENTS)"));
        assertThat(b.backend("dl4j").build(rt).backend()).isEqualTo("dl4j");
    }

    /** An image encoded by a DL4J network: its declaration is checked at build(), and a backend without INPUT_NETWORK is named. */
    @Test
    void aNetworkEncodedImageNeedsItsWidthAndABackendThatTakesIt() {
        ModelBuilder noWidth = funnel().inputs(Inputs.image("img", 1, 28, 28).network("net.zip").fineTuned(0.1)).backend("dl4j");
        assertThatThrownBy(() -> noWidth.build(rt)).hasMessageContaining("image input 'img' dimension must be given with a "
                + "network (the width of its output), found none");
        ModelBuilder tribuo = funnel().inputs(Inputs.image("img", 1, 28, 28).network(new Object()).dimension(64))
                .backend("tribuo");
        assertThatThrownBy(() -> tribuo.build(rt)).hasMessageContaining("MTL/Unsupported: inputs[2].network = memory:img#")
                .hasMessageContaining("(backend \"tribuo\" lacks INPUT_NETWORK, needed by input \"img\")");
        var spec = funnel().inputs(Inputs.image("img", 1, 28, 28).network("net.zip").output("pool2").dimension(64).fineTuned(0.1))
                .backend("dl4j").build(rt);
        assertThat(spec.inputs().get(2)).isEqualTo(new org.mtl4j.api.spec.ImageInput("img", null, 1, 28, 28, null, 3,
                "net.zip", org.mtl4j.api.spec.ImageInput.NetworkMode.FINE_TUNED, "pool2", 64, 0.1));
    }

    @Test
    void pretrainedTextNamesAKnownEmbedderAndVectorsNeedABackendThatTakesThem() {
        ModelBuilder b = funnel().inputs(Inputs.text("review").pretrained("all-minilm-l7"), Inputs.vector("audio", 8))
                .backend("tribuo");
        assertThatThrownBy(() -> b.build(rt)).hasMessage(String.join("\n",
                "model 'funnel' has 3 problems:",
                "  1) MTL/UnknownEmbedder: inputs[2].pretrained = \"all-minilm-l7\" (known: char-ngrams; all-minilm-l6-v2 "
                        + "needs the mtl4j-text-minilm jar on the class path)",
                "  2) MTL/Unsupported: tasks[1].chainedAfter = ctr (backend \"tribuo\" lacks ESMM_CHAINING, needed by task \"ctcvr\")",
                "  3) MTL/Unsupported: inputs[2].kind = text (backend \"tribuo\" lacks INPUT_VECTOR, needed by input \"review\")"));
        ModelBuilder ok = funnel().inputs(Inputs.text("review").pretrained("char-ngrams").adapter(8),
                Inputs.vector("audio", 8).file("audio.csv").key("item_id").missingAsZero()).backend("dl4j");
        var spec = ok.build(rt);
        assertThat(spec.inputs().get(2).kind()).isEqualTo("text");
        assertThat(spec.inputs().get(3)).isEqualTo(new org.mtl4j.api.spec.VectorInput("audio", "item_id", 8, "audio.csv",
                org.mtl4j.api.spec.VectorInput.Missing.ZERO, org.mtl4j.api.spec.VectorInput.Adapter.DEFAULT));
    }

    @Test
    void anEmptyModelNamesWhatIsMissing() {
        assertThat(problems(Mtl.model("empty"))).isEqualTo(String.join("\n",
                "model 'empty' has 3 problems:",
                "  1) MTL/NoTopology: topology = none (choose one: Sharing.independent, sharedBottom, mmoe, ple, cgc or crossStitch)",
                "  2) MTL/NoInputs: inputs = [] (a model needs at least one input)",
                "  3) MTL/NoTasks: tasks = [] (a model needs at least one task)"));
    }

    @Test
    void unknownBackendAndEarlyStoppingTaskListTheKnownNames() {
        assertThat(problems(funnel().training(Training.epochs(2).earlyStopping("cvr", "auc", 2)).backend("torch")))
                .isEqualTo(String.join("\n",
                        "model 'funnel' has 2 problems:",
                        "  1) MTL/UnknownTask: training.earlyStopping.task = \"cvr\" (known: *, ctcvr, ctr)",
                        "  2) MTL/UnknownPlugin: backend = \"torch\" (known: dl4j, tribuo)"));
    }

    @Test
    void validateChecksARecordBuiltByHand() {
        ModelSpec ok = funnel().build(rt);
        assertThat(rt.validate(ok.withTasks(List.of()))).extracting(Problem::toString)
                .containsExactly("MTL/NoTasks: tasks = [] (a model needs at least one task)");
        assertThat(rt.validate(ok.withBackend("tribuo").withTopology(new org.mtl4j.api.spec.Topology.Ple(1, 1, 1, List.of(4)))))
                .extracting(Problem::toString).containsExactly(
                        "MTL/Unsupported: topology = ple (backend \"tribuo\" lacks TOPOLOGY_PLE)",
                        "MTL/Unsupported: tasks[1].chainedAfter = ctr (backend \"tribuo\" lacks ESMM_CHAINING, needed by task "
                                + "\"ctcvr\")");
    }

    @Test
    void pleWithoutExpertLayersNeedsABackendWithoutHiddenLayers() {
        ModelSpec ok = funnel().build(rt);
        // layers may be empty since a backend without hidden layers (the Tribuo FM) writes them so; one that
        // builds MLP experts needs at least one
        assertThat(rt.validate(ok.withTopology(new org.mtl4j.api.spec.Topology.Ple(1, 1, 1, List.of()))))
                .extracting(Problem::toString).containsExactly("MTL/BadTopology: topology.expertLayers = [] (ple on backend"
                        + " \"dl4j\" needs at least one expert layer (its experts are MLPs))");
        assertThat(rt.validate(ok.withTopology(new org.mtl4j.api.spec.Topology.SharedBottom(List.of())))).isEmpty();
    }

    @Test
    void moreGraphProblems() {
        assertThat(problems(Mtl.model("m")
                .inputs(Inputs.dense("ctx", "d0", "click"), Inputs.categorical("item").table("t").hashed(100),
                        Inputs.multiHot("tags").table("t"))
                .tasks(Tasks.multiclass("genre", 3), Tasks.binary("buy").chainedAfter("genre"),
                        Tasks.binary("ctr").label("click >= 1").auxiliary())
                .sharing(Sharing.crossStitch(8))))
                .isEqualTo(String.join("\n",
                        "model 'm' has 3 problems:",
                        "  1) MTL/TableVocabulary: inputs[2].vocabulary = built(maxSize 100000, minCount 1) (table \"t\" uses "
                                + "hashed(100) in inputs[1] (item); inputs sharing a table need one vocabulary)",
                        "  2) MTL/LabelIsInput: tasks[2].label = \"click >= 1\" (column \"click\" is also read by inputs[0] (ctx); "
                                + "a label must not be a feature)",
                        "  3) MTL/ChainNotBinary: tasks[0].kind = multiclass (task \"buy\" is chainedAfter it; ESMM chains need "
                                + "binary tasks)"));
    }

    @Test
    void earlyStoppingMustWatchAMetricTheTaskReports() {
        assertThat(problems(funnel().training(Training.epochs(2).earlyStopping("ctr", "gauc", 1))))
                .isEqualTo("model 'funnel' has 1 problem:\n  1) MTL/EarlyStoppingMetric: training.earlyStopping.metric = "
                        + "\"gauc\" (task \"ctr\" reports auc, logloss; early stopping watches one of them or \"loss\")");
        assertThat(problems(funnel().training(Training.epochs(2).earlyStopping("ctr", "aucc", 1))))
                .isEqualTo("model 'funnel' has 1 problem:\n  1) MTL/UnknownPlugin: training.earlyStopping.metric = "
                        + "\"aucc\" (known: accuracy, auc, calibration, ece, gauc, logloss, mae, ndcg, recall, rmse, top-k-accuracy)");
        assertThat(funnel().training(Training.epochs(2).earlyStopping("ctr", "logloss", 1)).build(rt).training()
                .earlyStopping().metric()).isEqualTo("logloss");
    }

    @Test
    void crossStitchNeedsTwoTasksAndAllAuxiliaryIsRefused() {
        assertThat(problems(Mtl.model("m").inputs(Inputs.dense("ctx", "d0"))
                .tasks(Tasks.binary("ctr").auxiliary()).sharing(Sharing.crossStitch(8))))
                .isEqualTo(String.join("\n",
                        "model 'm' has 2 problems:",
                        "  1) MTL/OnlyAuxiliary: tasks = [ctr] (at least one task must not be auxiliary)",
                        "  2) MTL/BadTopology: topology = cross-stitch (cross-stitch mixes task columns and needs at least 2 "
                                + "tasks, found 1)"));
    }

    @Test
    void balanceOfFindsTheRoleOfAPluginByName() {
        ModelSpec s = funnel().balance(Balance.of("mgda"), Balance.of("dwa", Map.of("temperature", 1.0))).build(rt);
        assertThat(s.gradientAggregation().name()).isEqualTo("mgda");
        assertThat(s.lossWeighting().params()).containsEntry("temperature", 1.0);
        assertThat(problems(funnel().balance(Balance.of("dwa", Map.of("temprature", 1.0)))))
                .isEqualTo("model 'funnel' has 1 problem:\n  1) MTL/BadPluginParams: lossWeighting = \"dwa\" "
                        + "{temprature=1.0} (loss weighting 'dwa': unknown parameter 'temprature' = 1.0 (known: temperature))");
    }

    @Test
    void theRuntimeValidatesASpecReadFromYamlWithTheSameMessages() {
        ModelSpec fromYaml = org.mtl4j.spi.io.SpecCodec.fromYaml(String.join("\n",
                "name: funnel",
                "inputs: [{kind: dense, name: ctx, columns: [d0]}]",
                "tasks:",
                "  - {name: ctr, kind: binary, label: click}",
                "  - {name: ctcvr, kind: binary, label: conversion, chainedAfter: ctrr}",
                "topology: {type: shared-bottom, layers: [8]}",
                "lossWeighting: gradnrom",
                ""), "model.yaml");
        assertThat(rt.validate(fromYaml)).extracting(Problem::toString).containsExactly(
                "MTL/UnknownTask: tasks[1].chainedAfter = \"ctrr\" (known: ctcvr, ctr)",
                "MTL/UnknownPlugin: lossWeighting = \"gradnrom\" (known: dwa, equal, fixed, gradnorm, rlw, schedule, uncertainty)");
        assertThatThrownBy(() -> rt.check(fromYaml)).isInstanceOf(SpecValidationException.class)
                .hasMessageStartingWith("model 'funnel' has 2 problems:\n  1) MTL/UnknownTask");
    }

    @Test
    void earlyStoppingCriteriaOverSeveralTasksAreChecked() {
        // "*" with a metric: the mean over the tasks that report it; a weighted list of tasks
        assertThat(funnel().training(Training.epochs(2).earlyStopping("*", "auc", 2)).build(rt).training().earlyStopping().task())
                .isEqualTo("*");
        assertThat(funnel().training(Training.epochs(2).earlyStopping("ctr:0.7, ctcvr:0.3", "auc", 2)).build(rt)
                .training().earlyStopping().task()).isEqualTo("ctr:0.7, ctcvr:0.3");
        assertThat(problems(funnel().training(Training.epochs(2).earlyStopping("*", "rmse", 2))))
                .contains("MTL/EarlyStoppingMetric: training.earlyStopping.metric = \"rmse\" (no non-auxiliary task reports it;"
                        + " task \"*\" watches the mean of the tasks' rmse)");
        assertThat(problems(funnel().training(Training.epochs(2).earlyStopping("ctr:0.7, cvr:x", "auc", 2))))
                .contains("MTL/BadTraining: training.earlyStopping.task = \"ctr:0.7, cvr:x\" (the weight of \"cvr\" must be a"
                        + " positive number, found \"x\")")
                .contains("MTL/UnknownTask: training.earlyStopping.task = \"ctr:0.7, cvr:x\" (known: *, ctcvr, ctr)");
    }
}
