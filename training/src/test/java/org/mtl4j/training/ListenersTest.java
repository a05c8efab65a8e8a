package org.mtl4j.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.train.EpochSummary;
import org.mtl4j.training.testmodel.LinearMtlModel;

class ListenersTest {
    private final ModelSpec spec = Fixtures.spec(3, 2, Fixtures.clickAndValue(), OptimizerSpec.adam(0.01),
            Fixtures.training(2, 100, 1, null, 0));

    private String run(boolean terminal, HistoryRecorder recorder) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        AtomicLong clock = new AtomicLong();
        // every clock read advances one second
        ProgressBar bar = new ProgressBar(new PrintStream(buf, true, StandardCharsets.UTF_8), terminal,
                () -> clock.addAndGet(1_000_000_000L));
        Trainer.builder().listeners(List.of(bar, new MetricLogger(), recorder)).build()
                .fit(new LinearMtlModel(spec), Fixtures.twoTasks(1000, 3, 0.5, 1), null);
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void progressBarPrintsEveryTenPercentWhenNotOnATerminal() {
        HistoryRecorder recorder = new HistoryRecorder();
        String out = run(false, recorder);
        List<String> lines = Arrays.asList(out.split("\n"));
        List<String> progress = lines.stream().filter(l -> l.contains("rows/s")).toList();
        assertThat(progress).hasSize(10);
        assertThat(progress.get(0)).startsWith("epoch 1/2 [##..................]  10% 200 rows  100 rows/s  ETA 0:00:18  loss click=");
        assertThat(progress.get(9)).startsWith("epoch 2/2 [####################] 100% 2,000 rows").contains("ETA 0:00:00");
        assertThat(lines.stream().filter(l -> l.startsWith("epoch 1 (1000 rows"))).hasSize(1);
        assertThat(out).doesNotContain("\r");
        assertThat(recorder.history().epochs()).hasSize(2);
        assertThat(recorder.history().stopReason()).isEqualTo("completed 2 epochs");
    }

    @Test
    void progressBarRedrawsInPlaceOnATerminal() {
        String out = run(true, new HistoryRecorder());
        assertThat(out).contains("\repoch 1/2 [");
        assertThat(out.split("\r", -1).length).isGreaterThan(10);
    }

    @Test
    void metricLoggerFormat() {
        EpochSummary s = new EpochSummary(2, Map.of("ctr", 0.41, "cvr", 0.2), Map.of("ctr", 1.0, "cvr", 0.5),
                Map.of("ctr", 0.42), Map.of("ctr", Map.of("auc", 0.75, "logloss", 0.42)), 1000, 0.5);
        assertThat(MetricLogger.format(s)).isEqualTo("epoch 3 (1000 rows, 0.5 s): train loss ctr=0.4100 cvr=0.2000"
                + " | weights ctr=1.0000 cvr=0.5000 | valid loss ctr=0.4200 | valid ctr auc=0.7500 logloss=0.4200");
    }
}
