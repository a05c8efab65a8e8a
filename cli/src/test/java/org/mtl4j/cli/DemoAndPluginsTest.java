package org.mtl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoAndPluginsTest {

    @Test
    void demoPrintsModelOracleAndShareOfLift(@TempDir Path dir) {
        Cli.Result r = Cli.run("demo", "--rows", "6000", "--test-rows", "2000", "--epochs", "1", "--dir", dir, "--no-progress");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("demo: shared-bottom on 6000 funnel rows (dl4j, 1 epochs), evaluated on 2000 other rows")
                .containsPattern("task\\s+metric\\s+model\\s+oracle\\s+share of lift");
        Matcher m = Pattern.compile("ctr\\s+auc\\s+(0\\.\\d{4})\\s+(0\\.\\d{4})\\s+(-?\\d+\\.\\d)%").matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        double model = Double.parseDouble(m.group(1));
        double oracle = Double.parseDouble(m.group(2));
        double share = Double.parseDouble(m.group(3));
        // the printed share is (model - 0.5) / (oracle - 0.5)
        assertThat(share).isCloseTo(100 * (model - 0.5) / (oracle - 0.5), org.assertj.core.data.Offset.offset(0.2));
        // the oracle knows the true probabilities: on 2000 rows its AUC is well above chance, and above the model's
        assertThat(oracle).isGreaterThan(0.65).isGreaterThanOrEqualTo(model - 0.02);
        assertThat(dir.resolve("train.csv")).isRegularFile();
        assertThat(dir.resolve("run").resolve("report.html")).isRegularFile();
    }

    @Test
    void demoRejectsAnUnknownTopology() {
        Cli.Result r = Cli.run("demo", "--topology", "star", "--rows", "10");
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).isEqualTo("mtl4j demo: unknown topology \"star\" (known: independent, shared-bottom, mmoe, ple, cross-stitch)\n");
    }

    @Test
    void pluginsListsEveryKindWithNamesAndDescriptions() {
        Cli.Result r = Cli.run("plugins");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("backends", "loss weightings", "gradient aggregators", "clippers", "metrics")
                .containsPattern("dl4j\\s+\\S").containsPattern("tribuo\\s+\\S")
                .contains("uncertainty", "gradnorm", "pcgrad", "mgda", "global-norm", "auc", "ndcg");
    }
}
