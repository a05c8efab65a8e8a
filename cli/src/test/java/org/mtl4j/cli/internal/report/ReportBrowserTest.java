package org.mtl4j.cli.internal.report;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.cli.ReportInBrowserAssertions;

/**
 * A report whose run recorded no diagnostics, opened in headless chromium: the charts without data
 * show their note (the charts of a real run are checked by ReportFromTrainingBrowserTest).
 */
class ReportBrowserTest {

    @Test
    void emptyChartsShowTheNoteInARealBrowser(@TempDir Path dir) throws Exception {
        Path html = dir.resolve("report.html");
        Files.writeString(html, new Report("sb", Histories.sharedBottomNoDiagnostics()).html(), StandardCharsets.UTF_8);
        ReportInBrowserAssertions.assertChartsRendered(html,
                Set.of("gradient-norms", "gradient-conflict", "clipping", "expert-utilisation"), dir, false);
    }
}
