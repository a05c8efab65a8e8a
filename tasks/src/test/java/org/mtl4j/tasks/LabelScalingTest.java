package org.mtl4j.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.data.Dataset.DenseStats;
import org.mtl4j.api.spec.TaskKind;
import org.mtl4j.api.spec.TaskSpec;

/** The initial output bias the Tribuo backend gives a binary task: the logit of its recorded base rate. */
class LabelScalingTest {
    private static TaskSpec task(String name, TaskKind kind, int classes, String chainedAfter) {
        return new TaskSpec(name, kind, name, classes, null, List.of(), 1.0, false, chainedAfter, List.of(), 1.0);
    }

    private static DenseStats rate(double r) {
        return new DenseStats(new double[] {r}, new double[] {Math.sqrt(r * (1 - r))});
    }

    @Test
    void initialLogitIsTheLogOddsOfTheBaseRateConditionalForAChainAndNaNOtherwise() {
        Map<String, DenseStats> stats = Map.of("label:ctr", rate(0.1), "label:ctcvr", rate(0.02), "label:never", rate(0.0));
        // log(0.1 / 0.9)
        assertThat(LabelScaling.initialLogit(task("ctr", TaskKind.BINARY, 1, null), stats)).isCloseTo(-2.1972245773, within(1e-9));
        // chained after ctr: pCVR = 0.02 / 0.1 = 0.2, log(0.2 / 0.8)
        assertThat(LabelScaling.initialLogit(task("ctcvr", TaskKind.BINARY, 1, "ctr"), stats)).isCloseTo(-1.3862943611, within(1e-9));
        // a rate of 0 is clamped to 1e-4
        assertThat(LabelScaling.initialLogit(task("never", TaskKind.BINARY, 1, null), stats)).isCloseTo(Math.log(1e-4 / (1 - 1e-4)),
                within(1e-9));
        // no recorded rate, a parent without one, not binary: NaN (the backend leaves the bias)
        assertThat(LabelScaling.initialLogit(task("other", TaskKind.BINARY, 1, null), stats)).isNaN();
        assertThat(LabelScaling.initialLogit(task("ctcvr", TaskKind.BINARY, 1, "other"), stats)).isNaN();
        assertThat(LabelScaling.initialLogit(task("ctr", TaskKind.REGRESSION, 1, null), stats)).isNaN();
        assertThat(LabelScaling.initialLogit(task("ctr", TaskKind.MULTICLASS, 3, null), stats)).isNaN();
    }
}
