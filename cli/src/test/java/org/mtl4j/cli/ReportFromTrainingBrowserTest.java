package org.mtl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report of a real (short) MMoE training run with clipping, opened in headless chromium: every
 * chart renders with drawn marks. Skipped, naming the package, where chromium is not installed.
 */
class ReportFromTrainingBrowserTest {

    @Test
    void everyChartOfARealRunRendersInABrowser(@TempDir Path dir) throws Exception {
        HeadlessBrowser.require();
        Path spec = Fixtures.spec(dir, "mmoe-clipped.yaml");
        Path train = Fixtures.funnel(dir, "train.csv", 2000, 1);
        Path valid = Fixtures.funnel(dir, "valid.csv", 500, 2);
        Path run = dir.resolve("run");
        Cli.Result r = Cli.run("train", "--spec", spec, "--data", train, "--valid", valid, "--out", run, "--no-progress");
        assertThat(r.code()).as(r.toString()).isZero();
        Map<String, JsonNode> figures = ReportInBrowserAssertions.assertChartsRendered(run.resolve("report.html"), Set.of(), dir, true);
        // 3 experts x 2 task gates
        assertThat(figures.get("chart-expert-utilisation").get("marks").asInt()).isEqualTo(6);
        // 2 x 2 cosine matrix
        assertThat(figures.get("chart-gradient-conflict").get("marks").asInt()).isEqualTo(4);
    }
}
