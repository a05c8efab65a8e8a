package org.mtl4j.cli.internal.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.cli.ReportInBrowserAssertions;

/** The report of a recorded history, opened in headless chromium. */
class ReportBrowserTest {

    @Test
    void chartsRenderInARealBrowser(@TempDir Path dir) throws Exception {
        Path html = dir.resolve("report.html");
        Files.writeString(html, new Report("funnel", Histories.mmoeWithClipping()).clippers(List.of("global-norm")).html(),
                StandardCharsets.UTF_8);
        var figures = ReportInBrowserAssertions.assertChartsRendered(html, Set.of(), dir);
        assertThat(figures.get("chart-expert-utilisation").get("marks").asInt()).isEqualTo(6);
    }

    @Test
    void emptyChartsShowTheNoteInARealBrowser(@TempDir Path dir) throws Exception {
        Path html = dir.resolve("report.html");
        Files.writeString(html, new Report("sb", Histories.sharedBottomNoDiagnostics()).html(), StandardCharsets.UTF_8);
        ReportInBrowserAssertions.assertChartsRendered(html,
                Set.of("gradient-norms", "gradient-conflict", "clipping", "expert-utilisation"), dir);
    }
}
