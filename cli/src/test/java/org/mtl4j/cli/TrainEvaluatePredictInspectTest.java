package org.mtl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** One ESMM model trained by {@code train}, then evaluated, used to predict and inspected. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrainEvaluatePredictInspectTest {
    @TempDir
    static Path dir;
    Path spec;
    Path train;
    Path valid;
    Path run;
    Cli.Result trained;

    @BeforeAll
    void train() throws Exception {
        spec = Fixtures.spec(dir, "esmm.yaml");
        train = Fixtures.funnel(dir, "train.csv", 4000, 1);
        valid = Fixtures.funnel(dir, "valid.csv", 1500, 2);
        run = dir.resolve("runs").resolve("esmm");
        trained = Cli.run("train", "--spec", spec, "--data", train, "--valid", valid, "--out", run, "--checkpoint-every", "10");
    }

    @Test
    void trainWritesTheRunDirectoryAndPrintsMetrics() throws Exception {
        assertThat(trained.code()).as(trained.toString()).isZero();
        for (String f : List.of("model.mtl", "metrics.json", "history.json", "report.html")) {
            assertThat(run.resolve(f)).isRegularFile();
        }
        assertThat(run.resolve("checkpoints").resolve("latest.ckpt")).isRegularFile();
        JsonNode m = new ObjectMapper().readTree(run.resolve("metrics.json").toFile());
        double ctrAuc = m.at("/metrics/ctr/auc").asDouble();
        // the funnel's clicks depend on user, item and context: a trained model ranks far above chance
        assertThat(ctrAuc).isGreaterThan(0.6).isLessThan(1.0);
        assertThat(m.at("/rows/ctr").asLong()).isEqualTo(1500);
        assertThat(trained.out()).contains("metrics on csv:" + valid)
                .containsPattern("ctr\\s+auc\\s+" + String.format(java.util.Locale.ROOT, "%.4f", ctrAuc).replace(".", "\\.") + "\\s+1500");
        // progress bar on stderr: rows/s and the per-task losses
        assertThat(trained.err()).contains("rows/s").contains("ctr").contains("ctcvr");
        JsonNode h = new ObjectMapper().readTree(run.resolve("history.json").toFile());
        assertThat(h.get("epochs")).hasSize(2);
        assertThat(h.get("tasks").toString()).isEqualTo("[\"ctr\",\"ctcvr\"]");
        String report = Files.readString(run.resolve("report.html"), StandardCharsets.UTF_8);
        assertThat(report).contains("<title>mtl4j report: funnel-esmm</title>").contains("chainedAfter: ctr");
    }

    @Test
    void trainRefusesToOverwriteAnEarlierRunWithoutResume() {
        Cli.Result again = Cli.run("train", "--spec", spec, "--data", train, "--out", run, "--no-progress");
        assertThat(again.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(again.err()).isEqualTo("mtl4j train: " + run + " already holds checkpoints of an earlier run ("
                + run.resolve("checkpoints") + "): pass --resume to continue it, or choose another --out\n");
    }

    @Test
    void evaluateReproducesTheValidationMetricsAsTableAndJson() throws Exception {
        JsonNode saved = new ObjectMapper().readTree(run.resolve("metrics.json").toFile());
        Cli.Result json = Cli.run("evaluate", "--model", run.resolve("model.mtl"), "--data", valid, "--json");
        assertThat(json.code()).as(json.toString()).isZero();
        JsonNode e = new ObjectMapper().readTree(json.out());
        for (String task : List.of("ctr", "ctcvr")) {
            for (String metric : List.of("auc", "logloss")) {
                assertThat(e.at("/metrics/" + task + "/" + metric).asDouble()).as(task + " " + metric)
                        .isEqualTo(saved.at("/metrics/" + task + "/" + metric).asDouble(), offset(1e-9));
            }
        }
        Cli.Result table = Cli.run("evaluate", "--model", run.resolve("model.mtl"), "--data", valid);
        assertThat(table.code()).isZero();
        assertThat(table.out()).contains("task", "metric", "value").containsPattern("ctcvr\\s+logloss\\s+0\\.\\d{4}\\s+1500");
    }

    @Test
    void predictWritesOneColumnPerOutputIncludingTheConditional() throws Exception {
        Path scores = dir.resolve("scores.csv");
        Cli.Result r = Cli.run("predict", "--model", run.resolve("model.mtl"), "--data", valid, "--out", scores);
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("wrote 1500 rows to " + scores + "\n");
        List<String> lines = Files.readAllLines(scores);
        assertThat(lines.get(0)).isEqualTo("ctr,ctcvr,ctcvr.conditional");
        assertThat(lines).hasSize(1501);
        for (String l : lines.subList(1, lines.size())) {
            String[] c = l.split(",");
            double ctr = Double.parseDouble(c[0]);
            double ctcvr = Double.parseDouble(c[1]);
            double cvr = Double.parseDouble(c[2]);
            assertThat(ctr).isBetween(0.0, 1.0);
            assertThat(cvr).isBetween(0.0, 1.0);
            // ESMM: pCTCVR = pCTR x pCVR
            assertThat(ctcvr).isCloseTo(ctr * cvr, offset(1e-5));
        }
    }

    @Test
    void predictNeedsNoLabelsAndKeepsRowOrder() throws Exception {
        // drop the label and truth columns: new rows have no labels
        List<String> in = Files.readAllLines(valid);
        List<String> out = new ArrayList<>();
        for (String l : in.subList(0, 101)) {
            String[] c = l.split(",");
            out.add(String.join(",", java.util.Arrays.copyOf(c, 11)));
        }
        Path unlabelled = dir.resolve("new.csv");
        Files.write(unlabelled, out);
        Path s1 = dir.resolve("s1.csv");
        Path s2 = dir.resolve("s2.csv");
        assertThat(Cli.run("predict", "--model", run.resolve("model.mtl"), "--data", unlabelled, "--out", s1).code()).isZero();
        assertThat(Cli.run("predict", "--model", run.resolve("model.mtl"), "--data", valid, "--out", s2).code()).isZero();
        List<String> a = Files.readAllLines(s1);
        List<String> b = Files.readAllLines(s2);
        assertThat(a).hasSize(101);
        assertThat(a.get(0)).isEqualTo(b.get(0));
        // row r of the labelled and unlabelled files gets the same scores (up to float rounding: BLAS
        // blocks a 100-row batch differently from a 1500-row one)
        for (int r = 1; r <= 100; r++) {
            String[] x = a.get(r).split(",");
            String[] y = b.get(r).split(",");
            for (int c = 0; c < 3; c++) {
                assertThat(Double.parseDouble(x[c])).as("row " + r + " column " + c).isCloseTo(Double.parseDouble(y[c]), offset(1e-6));
            }
        }
    }

    @Test
    void predictFailingOnABadRowLeavesTheEarlierOutputUntouched() throws Exception {
        Path scores = dir.resolve("kept.csv");
        Files.writeString(scores, "earlier output\n");
        List<String> lines = new ArrayList<>(Files.readAllLines(valid));
        lines.set(900, lines.get(900).replaceFirst("^([^,]*,[^,]*,[^,]*,)[^,]*", "$1abc"));
        Path bad = dir.resolve("bad.csv");
        Files.write(bad, lines);
        Cli.Result r = Cli.run("predict", "--model", run.resolve("model.mtl"), "--data", bad, "--out", scores);
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.DATA);
        assertThat(r.err()).contains(bad + ":901: column 'd0'").contains("\"abc\"");
        assertThat(Files.readString(scores)).isEqualTo("earlier output\n");
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void inspectShowsProvenanceParametersVocabulariesAndSpec() throws Exception {
        Cli.Result r = Cli.run("inspect", "--model", run.resolve("model.mtl"));
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("model:    funnel-esmm (" + run.resolve("model.mtl") + ", format 1)")
                .contains("backend:  dl4j").contains("provenance:").contains("training data").contains(train.toString())
                .contains("parameters:").contains("total").contains("vocabularies:").contains("spec:")
                .contains("  chainedAfter: ctr");
        // vocabulary rows = distinct values seen in training + padding + out-of-vocabulary
        long users = Files.readAllLines(train).stream().skip(1).map(l -> l.substring(0, l.indexOf(','))).distinct().count();
        assertThat(r.out()).containsPattern("user\\s+" + users + " values\\s+" + (users + 2));
    }
}
