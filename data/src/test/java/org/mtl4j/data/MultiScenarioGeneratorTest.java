package org.mtl4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.BatchStream;
import org.mtl4j.api.metric.Evaluation;

class MultiScenarioGeneratorTest {
    @TempDir
    Path dir;

    @Test
    void eachRowIsLabelledOnlyForItsScenarioWithTheTargetRates() {
        MultiScenarioGenerator g = new MultiScenarioGenerator();
        Path f = dir.resolve("ms.csv");
        int n = 40_000;
        g.writeCsv(f, n, 3);
        CsvDataset ds = CsvDataset.builder(f, g.spec()).extras("p_click").build();
        long[] rows = new long[3];
        double[] clicks = new double[3];
        double[] p = new double[3];
        try (BatchStream s = ds.batches(4096, false, 0)) {
            while (s.hasNext()) {
                Batch b = s.next();
                for (int r = 0; r < b.size(); r++) {
                    int labelled = 0;
                    for (int t = 0; t < 3; t++) {
                        String task = MultiScenarioGenerator.SCENARIOS.get(t);
                        if (b.mask(task)[r] > 0) {
                            labelled++;
                            rows[t]++;
                            clicks[t] += b.labels(task)[r];
                            p[t] += b.extras().get("p_click")[r];
                        } else {
                            assertThat(b.labels(task)[r]).isZero();
                        }
                    }
                    assertThat(labelled).isEqualTo(1);
                }
            }
        }
        assertThat(rows[0] / (double) n).isCloseTo(0.5, within(0.015));
        assertThat(rows[1] / (double) n).isCloseTo(0.3, within(0.015));
        assertThat(rows[2] / (double) n).isCloseTo(0.2, within(0.015));
        double[] target = {0.10, 0.03, 0.06};
        for (int t = 0; t < 3; t++) {
            assertThat(p[t] / rows[t]).as("mean p_click of scenario %d", t).isCloseTo(target[t], within(0.006));
            assertThat(clicks[t] / rows[t]).as("click rate of scenario %d", t).isCloseTo(target[t], within(0.012));
        }
        Evaluation o = MultiScenarioGenerator.oracle(f);
        assertThat(o.rows().get("item")).isEqualTo(rows[0]);
        for (String s : MultiScenarioGenerator.SCENARIOS) {
            assertThat(o.metric(s, "auc")).as(s).isBetween(0.7, 0.95);
        }
    }
}
