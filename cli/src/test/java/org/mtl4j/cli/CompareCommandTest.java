package org.mtl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code compare}: two specs side by side, MTL gain against an independent baseline trained automatically. */
class CompareCommandTest {

    @Test
    void comparesSpecsAndComputesTheGainAgainstAnAutomaticIndependentBaseline(@TempDir Path dir) throws Exception {
        Path sb = Fixtures.spec(dir, "shared-bottom.yaml");
        Path mmoe = Fixtures.spec(dir, "mmoe-clipped.yaml");
        Path train = Fixtures.funnel(dir, "train.csv", 2000, 1);
        Path valid = Fixtures.funnel(dir, "valid.csv", 800, 2);
        Path out = dir.resolve("cmp");
        Cli.Result r = Cli.run("compare", "--spec", sb, "--spec", mmoe, "--data", train, "--valid", valid, "--out", out,
                "--no-progress");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("validation metrics on " + valid)
                .containsPattern("task\\s+metric\\s+funnel-sb\\s+funnel-mmoe\\s+funnel-sb-independent \\(auto\\)\\s+"
                        + "funnel-mmoe-independent \\(auto\\)")
                .contains("MTL gain over the independent baseline (positive = better):")
                .containsPattern("funnel-sb vs funnel-sb-independent\\s+funnel-mmoe vs funnel-mmoe-independent");
        ObjectMapper json = new ObjectMapper();
        JsonNode m = json.readTree(out.resolve("funnel-sb").resolve("metrics.json").toFile());
        JsonNode base = json.readTree(out.resolve("funnel-sb-independent").resolve("metrics.json").toFile());
        // gain = mtl - single for AUC (higher is better), single - mtl for logloss (lower is better)
        assertThat(m.at("/mtlGain/ctr/auc").asDouble())
                .isCloseTo(m.at("/metrics/ctr/auc").asDouble() - base.at("/metrics/ctr/auc").asDouble(), offset(1e-12));
        assertThat(m.at("/mtlGain/cvr/logloss").asDouble())
                .isCloseTo(base.at("/metrics/cvr/logloss").asDouble() - m.at("/metrics/cvr/logloss").asDouble(), offset(1e-12));
        String gain = String.format(java.util.Locale.ROOT, "%+.4f", m.at("/mtlGain/ctr/auc").asDouble());
        assertThat(r.out()).containsPattern("ctr\\s+auc\\s+" + java.util.regex.Pattern.quote(gain));
        // an independent topology's spec differs from its source only in the topology
        JsonNode baseModel = json.readTree(out.resolve("funnel-mmoe-independent").resolve("metrics.json").toFile());
        assertThat(baseModel.get("model").asText()).isEqualTo("funnel-mmoe");
    }

    @Test
    void aGivenIndependentSpecIsUsedAsTheBaseline(@TempDir Path dir) throws Exception {
        Path sb = Fixtures.spec(dir, "shared-bottom.yaml");
        Path ind = dir.resolve("ind.yaml");
        java.nio.file.Files.writeString(ind, java.nio.file.Files.readString(sb).replace("type: shared-bottom", "type: independent"));
        Path train = Fixtures.funnel(dir, "train.csv", 1000, 1);
        Path valid = Fixtures.funnel(dir, "valid.csv", 500, 2);
        Cli.Result r = Cli.run("compare", "--spec", sb, "--spec", ind, "--data", train, "--valid", valid, "--out", dir.resolve("c"),
                "--no-progress");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).doesNotContain("(auto)").contains("shared-bottom vs ind");
    }

    @Test
    void aTestSetIsEvaluatedWithItsOwnTableAndGain(@TempDir Path dir) throws Exception {
        Path sb = Fixtures.spec(dir, "shared-bottom.yaml");
        Path train = Fixtures.funnel(dir, "train.csv", 1000, 1);
        Path valid = Fixtures.funnel(dir, "valid.csv", 500, 2);
        Path test = Fixtures.funnel(dir, "test.csv", 700, 3);
        Path out = dir.resolve("t");
        Cli.Result r = Cli.run("compare", "--spec", sb, "--data", train, "--valid", valid, "--test", test, "--out", out,
                "--no-progress");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("test metrics on " + test + ":").contains("MTL gain on the test data (positive = better):");
        ObjectMapper json = new ObjectMapper();
        JsonNode m = json.readTree(out.resolve("funnel-sb").resolve("test-metrics.json").toFile());
        JsonNode base = json.readTree(out.resolve("funnel-sb-independent").resolve("test-metrics.json").toFile());
        assertThat(m.at("/rows/ctr").asLong()).isEqualTo(700);
        assertThat(m.at("/mtlGain/ctr/auc").asDouble())
                .isCloseTo(m.at("/metrics/ctr/auc").asDouble() - base.at("/metrics/ctr/auc").asDouble(), offset(1e-12));
        // the test metrics are those of evaluate on the same model and file
        Cli.Result e = Cli.run("evaluate", "--model", out.resolve("funnel-sb").resolve("model.mtl"), "--data", test, "--json");
        assertThat(json.readTree(e.out()).at("/metrics/ctr/auc").asDouble()).isCloseTo(m.at("/metrics/ctr/auc").asDouble(),
                offset(1e-12));
    }
}
