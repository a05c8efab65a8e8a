package org.mtl4j.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.bench.internal.ResultsReport;

/** The report's arithmetic on hand-written result files: ratios, goals, missing sections. */
class ResultsReportTest {

    @Test
    void ratiosAndGoalsComeFromTheResultFiles(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("meta.tsv"), "date\t2026-11-28 02:00 UTC\nload_start\t3.10\nload_end\t4.20\ncores\t2\n");
        Files.writeString(dir.resolve("throughput.tsv"), "mmoe\t256\t1\t150000.0\t5000.0\t420.0\t160000.0\n");
        Files.writeString(dir.resolve("peer.tsv"), "mmoe\t256\t1\t200000.0\t340.0\t100000.0\n");
        // wall times are noisy (x equal by wall: 3.0, 1.5, 2.0); the verdict follows the CPU column
        Files.writeString(dir.resolve("balancers.tsv"), "2\tequal\tweighting\t100.00\t1.00\t80.00\n"
                + "2\tgradnorm\tweighting\t300.00\t1.00\t96.00\n2\tpcgrad\taggregator\t150.00\t2.00\t200.00\n"
                + "2\tmgda\taggregator\t200.00\t2.00\t248.00\n");
        Files.writeString(dir.resolve("tribuo.tsv"), "joint\tmtl4j joint FM\t1000\t50.00\tNaN\t40.00\n"
                + "single\tTribuo ctr\t1000\t40.00\tNaN\t30.00\nsingle\tTribuo ctcvr\t1000\t60.00\tNaN\t50.00\n");

        String md = ResultsReport.render(dir);

        assertThat(md).contains("**load average 3.10 at the start, 4.20 at the end**");
        assertThat(md).contains("| mmoe | 256 | 1 | 150,000 ± 5,000 | 200,000 | 0.75 | 160,000 | 100,000 | 1.60 | 420 MiB | 340 MiB |");
        assertThat(md).contains("| gradnorm | weighting | 96 | 1.20 OVER | 3.00 |");
        assertThat(md).contains("| pcgrad | aggregator | 200 | 2.50 ok | 1.50 |");
        assertThat(md).contains("| mgda | aggregator | 248 | 3.10 OVER | 2.00 |");
        assertThat(md).contains("| mtl4j joint FM | 1000 | 50 | 20,000 | 40 | 25,000 |");
        assertThat(md).contains("wall 50.0 ms / 100.0 ms = **0.50**, CPU 40.0 ms / 80.0 ms = **0.50** (goal met)");
    }

    @Test
    void scaleTableAndRatios(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("scale.tsv"), "dl4j\t5000\t1000\t200000\t20000.0\t360.0\t0.7400\t0.7600\t5000\t1000\n"
                + "peer-sparse\t5000\t1000\t200000\t10000.0\t330.0\t0.7400\t0.7700\t\t\n"
                + "dl4j\t1000000\t200000\t200000\t15000.0\t420.0\t0.6800\t0.7200\t119021\t79080\n"
                + "peer-sparse\t1000000\t200000\t200000\t30000.0\t900.0\t0.6700\t0.7100\t\t\n"
                + "tribuo\t1000000\t200000\t200000\t9000.0\t1000.0\t0.6900\t0.7300\t119021\t79080\t480.0\t250.0\t41000.0\n");
        String md = ResultsReport.render(dir);
        assertThat(md).contains("## Embedding tables at scale (issue 13)");
        assertThat(md).contains("| 1,000,000 / 200,000 | 200,000 | dl4j | 15,000 | 420 MiB | 0.6800 | 0.7200 | 119,021 / 79,080 | n/a | n/a |");
        assertThat(md).contains("| 5,000 / 1,000 | 200,000 | peer-sparse | 10,000 | 330 MiB | 0.7400 | 0.7700 | n/a | n/a | n/a |");
        assertThat(md).contains("| 1,000,000 / 200,000 | 200,000 | tribuo | 9,000 | 1000 MiB | 0.6900 | 0.7300 | 119,021 / 79,080"
                + " | 480 MiB / 250 MiB = 1.92x | 41,000 |");
        assertThat(md).contains("| 5,000 | 1.00 | 2.00 | n/a |").contains("| 1,000,000 | 0.75 | 0.50 | n/a |");
        assertThat(ResultsReport.render(dir.resolve("none"))).doesNotContain("at scale");
    }

    @Test
    void missingResultFilesLeaveTheirSectionsMarkedNotRun(@TempDir Path dir) {
        String md = ResultsReport.render(dir);
        assertThat(md).contains("## DL4J training throughput vs the PyTorch peer\n\nNot run.");
        assertThat(md).contains("## Tribuo: joint multi-task FM vs Tribuo's single-task FM per task\n\nNot run.");
        assertThat(md).contains("peer: not run");
    }

    @Test
    void servingLatencyTableAndGoalAndAServingOnlyRunKeepsTheOtherSections(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("meta.tsv"), "date\t2026-12-02 18:00 UTC\nload_start\t9.00\nload_end\t8.00\ncores\t2\n");
        Files.writeString(dir.resolve("serving.tsv"), "1\t1\t30.5\t80.0\t300.0\t35.0\t1000\n500\t1\t900.0\t2500.0\t4000.0\t1000.0\t500\n"
                + "500\t1\t150.0\t300.0\t400.0\t160.0\t800\ttyped\n500\t1\t170.0\t350.0\t500.0\t180.0\t700\tonnxruntime\n");
        Files.writeString(dir.resolve("serving-cpu.tsv"), "500\t760.0\t107268\t3000\n500\t150.0\t2048\t3000\ttyped\n");
        Files.writeString(dir.resolve("serving-vs-ort.tsv"), "500\t1\tpredictor-typed\t150.0\t140.0\t300.0\t145.0\t900\t2.00e-07\n"
                + "500\t1\tpredictor-text\t800.0\t790.0\t900.0\t780.0\t900\t2.00e-07\n"
                + "500\t1\tonnxruntime\t200.0\t180.0\t400.0\t190.0\t900\t2.00e-07\n"
                + "1\t2\tpredictor-typed\t30.0\t25.0\t60.0\t20.0\t900\t1.00e-07\n"
                + "1\t2\tonnxruntime\t20.0\t18.0\t50.0\t25.0\t900\t1.00e-07\n");
        String md = ResultsReport.render(dir);
        assertThat(md).contains("| 500 | text | 0.760 | 104.8 | 3000 |").contains("| 500 | typed | 0.150 | 2.0 | 3000 |");
        assertThat(md).contains("| 1 | 1 | text | 0.031 | 0.080 | 0.300 | 0.035 | 1000 |")
                .contains("| 500 | 1 | text | 0.900 | 2.500 | 4.000 | 1.000 | 500 |")
                .contains("| 500 | 1 | onnxruntime | 0.170 | 0.350 | 0.500 | 0.180 | 700 |")
                .contains("500 candidates, 1 thread, text: p99 2.500 ms (ONNX Runtime in the same run: 0.350 ms), goal <= 2 ms **NOT met**.")
                .contains("500 candidates, 1 thread, typed: p99 0.300 ms (ONNX Runtime in the same run: 0.350 ms), goal <= 2 ms **met**.")
                .doesNotContain("1 thread, onnxruntime");
        assertThat(md).contains("| 500 | 1 | predictor-typed | 0.150 | 0.140 | 0.300 | 0.145 | 900 | 0.75 | 0.76 | 2.00e-07 |")
                .contains("| 500 | 1 | predictor-text | 0.800 | 0.790 | 0.900 | 0.780 | 900 |  |  |  |")
                .contains("CPU time per request **met** at every size and thread count (x0.76-0.80); wall-clock median **NOT met** at"
                        + " 1 candidates / 2 threads (x1.39); wall-clock mean **NOT met** at 1 candidates / 2 threads (x1.50)");
        Files.writeString(dir.resolve("serving-vs-ort.tsv"), "500\t1\tpredictor-typed\t150.0\t140.0\t300.0\t195.0\t900\t2.00e-07\n"
                + "500\t1\tonnxruntime\t200.0\t180.0\t400.0\t190.0\t900\t2.00e-07\n");
        assertThat(ResultsReport.render(dir)).contains("CPU time per request **NOT met** at 500 candidates / 1 thread (x1.03);"
                + " wall-clock median **met** everywhere; wall-clock mean **met** everywhere");
        String earlier = "# mtl4j benchmark results\n\n## Tribuo\n\nold table\n\n<!-- serving:start -->\nold serving\n<!-- serving:end -->\n";
        String merged = ResultsReport.replaceServing(earlier, dir);
        assertThat(merged).startsWith("# mtl4j benchmark results\n\n## Tribuo\n\nold table\n\n<!-- serving:start -->\n## Serving latency")
                .doesNotContain("old serving").contains("| 500 | 1 | text | 0.900 |").endsWith("<!-- serving:end -->\n");
        assertThat(ResultsReport.replaceServing("# results\n", dir)).startsWith("# results\n\n<!-- serving:start -->");
    }
}
