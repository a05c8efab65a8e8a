package org.mtl4j.cli.internal.cmd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.metric.Evaluation;
import org.mtl4j.api.spec.DenseInput;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.TaskKind;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.cli.internal.CliException;

/** Pure logic of the commands: output columns, baselines, the oracle's share of lift. */
class CommandHelpersTest {

    private static ModelSpec spec(List<TaskSpec> tasks, Topology t) {
        return new ModelSpec("m", List.of(new DenseInput("dense", List.of("d0"), true)), tasks, t, null, null, null, null, null, null);
    }

    @Test
    void predictColumnsCoverEveryOutput() {
        TaskSpec ctr = TaskSpec.binary("ctr", "click");
        TaskSpec ctcvr = new TaskSpec("ctcvr", TaskKind.BINARY, "conversion", 1, null, List.of(), 1, false, "ctr", List.of(8), 1);
        TaskSpec genre = TaskSpec.multiclass("genre", "g", 3);
        TaskSpec aux = new TaskSpec("dwell", TaskKind.REGRESSION, "t", 1, null, List.of(), 1, true, null, List.of(8), 1);
        ModelSpec s = spec(List.of(ctr, ctcvr, genre, aux), new Topology.SharedBottom(List.of(4)));
        assertThat(PredictCommand.columns(s, false)).extracting(PredictCommand.Column::header)
                .containsExactly("ctr", "ctcvr", "ctcvr.conditional", "genre.p0", "genre.p1", "genre.p2");
        assertThat(PredictCommand.columns(s, true)).extracting(PredictCommand.Column::header).endsWith("dwell");
        PredictCommand.Column p2 = PredictCommand.columns(s, false).get(5);
        assertThat(p2).isEqualTo(new PredictCommand.Column("genre.p2", "genre", 2, 3));
        assertThatThrownBy(() -> PredictCommand.columns(spec(List.of(aux), new Topology.SharedBottom(List.of(4))), false))
                .isInstanceOf(CliException.class)
                .hasMessage("model m has only auxiliary tasks; pass --auxiliary to write them");
    }

    @Test
    void theIndependentBaselineKeepsTheBottomLayers() {
        List<TaskSpec> tasks = List.of(TaskSpec.binary("a", "a"), TaskSpec.binary("b", "b"));
        assertThat(CompareCommand.independent(spec(tasks, new Topology.Mmoe(4, List.of(32, 16), List.of()))).topology())
                .isEqualTo(new Topology.Independent(List.of(32, 16)));
        assertThat(CompareCommand.independent(spec(tasks, new Topology.SharedBottom(List.of(128)))).topology())
                .isEqualTo(new Topology.Independent(List.of(128)));
        assertThat(CompareCommand.independent(spec(tasks, new Topology.Ple(2, 1, 1, List.of(8)))).topology())
                .isEqualTo(new Topology.Independent(List.of(8)));
    }

    @Test
    void shareOfLiftIsMeasuredFromChance() {
        // base rate 0.1: a constant predictor's logloss is the binary entropy 0.325083
        assertThat(DemoCommand.entropy(0.1)).isCloseTo(0.3250829733914482, offset(1e-12));
        assertThat(DemoCommand.entropy(0)).isNaN();
        Evaluation model = new Evaluation(Map.of("ctr", Map.of("auc", 0.7, "logloss", 0.30)), Map.of(), Map.of());
        Evaluation oracle = new Evaluation(Map.of("ctr", Map.of("auc", 0.8, "logloss", 0.28)), Map.of(), Map.of());
        String t = DemoCommand.table(model, oracle, Map.of("ctr", 0.1));
        // auc: (0.7 - 0.5) / (0.8 - 0.5) = 66.7%; logloss: (0.325083 - 0.30) / (0.325083 - 0.28) = 55.6%
        assertThat(t).containsPattern("ctr\\s+auc\\s+0\\.7000\\s+0\\.8000\\s+66\\.7%")
                .containsPattern("ctr\\s+logloss\\s+0\\.3000\\s+0\\.2800\\s+55\\.6%");
    }
}
