package org.mtl4j.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtl4j.spi.io.LocatedSpec;
import org.mtl4j.spi.io.SpecCodec;

/** Problems the validator finds in a YAML spec are placed on the lines of the file. */
class LocatedProblemsTest {
    @Test
    void validationProblemsOfAYamlSpecNameTheFileAndLine() {
        String yaml = String.join("\n",
                "name: funnel",                                                       // 1
                "inputs:",                                                            // 2
                "  - {kind: dense, name: ctx, columns: [d0]}",                        // 3
                "tasks:",                                                             // 4
                "  - name: ctr",                                                      // 5
                "    kind: binary",                                                   // 6
                "    label: click",                                                   // 7
                "    metrics: [auc, aucc]",                                           // 8
                "  - name: ctcvr",                                                    // 9
                "    kind: binary",                                                   // 10
                "    chainedAfter: ctrr",                                             // 11
                "topology: {type: mmoe, experts: 2, expertLayers: [4]}",              // 12
                "lossWeighting: gradnrom",                                            // 13
                "backend: tribuo",                                                    // 14
                "");
        LocatedSpec located = SpecCodec.fromYamlLocated(yaml, "model.yaml");
        List<String> lines = DeclaredCapabilities.runtime().validate(located.spec()).stream()
                .map(p -> located.at(p.path(), p.toString())).toList();
        assertThat(lines).containsExactly(
                "model.yaml: line 8: MTL/UnknownPlugin: tasks[0].metrics[1] = \"aucc\" (known: accuracy, auc, calibration, "
                        + "ece, gauc, logloss, mae, ndcg, recall, rmse, top-k-accuracy)",
                "model.yaml: line 11: MTL/UnknownTask: tasks[1].chainedAfter = \"ctrr\" (known: ctcvr, ctr)",
                "model.yaml: line 13: MTL/UnknownPlugin: lossWeighting = \"gradnrom\" (known: dwa, equal, fixed, gradnorm, "
                        + "rlw, schedule, uncertainty)",
                "model.yaml: line 12: MTL/Unsupported: topology = mmoe (backend \"tribuo\" lacks TOPOLOGY_MMOE)",
                "model.yaml: line 11: MTL/Unsupported: tasks[1].chainedAfter = ctrr (backend \"tribuo\" lacks ESMM_CHAINING, "
                        + "needed by task \"ctcvr\")");
        assertThat(located.lineOf("tasks[1].towerLearningRate")).isEqualTo(9);
        assertThat(located.lineOf("optimizer.learningRate")).isZero();
        assertThat(located.at("optimizer", "x")).isEqualTo("model.yaml: x");
    }

    @Test
    void earlyStoppingNamesAreCheckedAtValidationWithTheOtherProblemsNotInsideFit() {
        String yaml = String.join("\n",
                "name: funnel",                                                       // 1
                "inputs:",                                                            // 2
                "  - {kind: dense, name: ctx, columns: [d0]}",                        // 3
                "tasks:",                                                             // 4
                "  - {name: ctr, kind: binary, label: click}",                        // 5
                "topology: {type: shared-bottom, layers: [4]}",                       // 6
                "training:",                                                          // 7
                "  epochs: 2",                                                        // 8
                "  earlyStopping: {task: cvr, metric: auc, patience: 1}",             // 9
                "lossWeighting: gradnrom",                                            // 10
                "backend: dl4j",                                                      // 11
                "");
        LocatedSpec located = SpecCodec.fromYamlLocated(yaml, "model.yaml");
        List<String> lines = DeclaredCapabilities.runtime().validate(located.spec()).stream()
                .map(p -> located.at(p.path(), p.toString())).toList();
        assertThat(lines).containsExactlyInAnyOrder(
                "model.yaml: line 9: MTL/UnknownTask: training.earlyStopping.task = \"cvr\" (known: *, ctr)",
                "model.yaml: line 10: MTL/UnknownPlugin: lossWeighting = \"gradnrom\" (known: dwa, equal, fixed, gradnorm, "
                        + "rlw, schedule, uncertainty)");
        String watched = yaml.replace("{task: cvr, metric: auc, patience: 1}", "{task: ctr, metric: rmse, patience: 1}")
                .replace("gradnrom", "equal");
        LocatedSpec second = SpecCodec.fromYamlLocated(watched, "model.yaml");
        assertThat(DeclaredCapabilities.runtime().validate(second.spec()).stream().map(p -> second.at(p.path(), p.toString())))
                .containsExactly("model.yaml: line 9: MTL/EarlyStoppingMetric: training.earlyStopping.metric = \"rmse\" "
                        + "(task \"ctr\" reports auc, logloss; early stopping watches one of them or \"loss\")");
    }
}
