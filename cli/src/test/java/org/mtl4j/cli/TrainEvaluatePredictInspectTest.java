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
        // a finished run keeps only its latest checkpoint (by default)
        try (Stream<Path> s = Files.list(run.resolve("checkpoints"))) {
            assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".ckpt")).toList()).containsExactly("latest.ckpt");
        }
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
    void predictPrefixesOrRenamesOutputsSoLabelColumnsCanBeKept() throws Exception {
        Path plain = dir.resolve("plain.csv");
        Path named = dir.resolve("named.csv");
        assertThat(Cli.run("predict", "--model", run.resolve("model.mtl"), "--data", valid, "--out", plain).code()).isZero();
        Cli.Result r = Cli.run("predict", "--model", run.resolve("model.mtl"), "--data", valid, "--out", named, "--keep",
                "click,conversion", "--prefix", "pred_", "--rename", "ctcvr=p_ctcvr");
        assertThat(r.code()).as(r.toString()).isZero();
        List<String> a = Files.readAllLines(plain);
        List<String> b = Files.readAllLines(named);
        assertThat(b.get(0)).isEqualTo("click,conversion,pred_ctr,p_ctcvr,pred_ctcvr.conditional");
        assertThat(b).hasSize(a.size());
        for (int i = 1; i < a.size(); i++) {
            String[] cells = b.get(i).split(",", 3);
            assertThat(cells[0]).isIn("0", "1");
            assertThat(cells[2]).isEqualTo(a.get(i));
        }
        Cli.Result bad = Cli.run("predict", "--model", run.resolve("model.mtl"), "--data", valid, "--out", named, "--rename",
                "cvr=x");
        assertThat(bad.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err()).isEqualTo("mtl4j predict: --rename cvr=x: the model has no output column 'cvr'; outputs: "
                + "[ctr, ctcvr, ctcvr.conditional]\n");
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
    void predictKeepsIdColumnsThatStayAlignedWhenBadRowsAreSkipped() throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(valid).subList(0, 201));
        // data line 50 (file line 51) is bad, data line 7 has an item id that needs quoting
        lines.set(50, lines.get(50).replaceFirst("^([^,]*,[^,]*,[^,]*,)[^,]*", "$1abc"));
        lines.set(7, lines.get(7).replaceFirst("^([^,]*),[^,]*,", "$1,\"i,7\","));
        Path in = dir.resolve("with-ids.csv");
        Files.write(in, lines);
        Path all = dir.resolve("all-scores.csv");
        Path keyed = dir.resolve("keyed-scores.csv");
        assertThat(Cli.run("predict", "--model", run.resolve("model.mtl"), "--data", valid, "--out", all).code()).isZero();
        Cli.Result r = Cli.run("predict", "--model", run.resolve("model.mtl"), "--data", in, "--out", keyed,
                "--keep", "user_id,item_id", "--bad-rows", "skip");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("wrote 199 rows to " + keyed + "\n");
        List<String> out = Files.readAllLines(keyed);
        List<String> reference = Files.readAllLines(all);
        assertThat(out.get(0)).isEqualTo("user_id,item_id,ctr,ctcvr,ctcvr.conditional");
        assertThat(out).hasSize(200);
        int o = 1;
        for (int d = 1; d <= 200; d++) {
            if (d == 50) {
                continue; // skipped: no output line
            }
            String[] src = lines.get(d).split(",");
            String line = out.get(o++);
            String[] c;
            if (d == 7) {
                assertThat(line).startsWith(src[0] + ",\"i,7\",");
                c = line.substring((src[0] + ",\"i,7\",").length()).split(",");
            } else {
                String[] all5 = line.split(",");
                assertThat(all5[0]).as("user of data line " + d).isEqualTo(src[0]);
                assertThat(all5[1]).as("item of data line " + d).isEqualTo(src[1]);
                c = java.util.Arrays.copyOfRange(all5, 2, 5);
                // same row, same scores as without --keep (item ids unchanged)
                String[] ref = reference.get(d).split(",");
                for (int k = 0; k < 3; k++) {
                    assertThat(Double.parseDouble(c[k])).isCloseTo(Double.parseDouble(ref[k]), offset(1e-6));
                }
            }
            assertThat(c).hasSize(3);
        }
        Cli.Result missing = Cli.run("predict", "--model", run.resolve("model.mtl"), "--data", in, "--out", keyed,
                "--keep", "user_id,session_id", "--bad-rows", "skip");
        assertThat(missing.code()).as(missing.toString()).isEqualTo(ExitCodes.DATA);
        assertThat(missing.err()).contains(in + ":1: column 'session_id' named by the columns to keep is not in the header");
        Cli.Result clash = Cli.run("predict", "--model", run.resolve("model.mtl"), "--data", in, "--out", keyed,
                "--keep", "ctr", "--bad-rows", "skip");
        assertThat(clash.code()).as(clash.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(clash.err()).contains("--keep column 'ctr' has the name of an output column of the model; outputs: "
                + "[ctr, ctcvr, ctcvr.conditional]");
        // the failed runs left the earlier output in place
        assertThat(Files.readAllLines(keyed)).hasSize(200);
    }

    @Test
    void inspectShowsProvenanceParametersVocabulariesAndSpec() throws Exception {
        Cli.Result r = Cli.run("inspect", "--model", run.resolve("model.mtl"));
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("model:    funnel-esmm (" + run.resolve("model.mtl") + ", format 2)")
                .contains("backend:  dl4j").contains("provenance:").contains("training data").contains(train.toString())
                .contains("parameters:").contains("total").contains("vocabularies:").contains("spec:")
                .contains("  chainedAfter: ctr");
        // vocabulary rows = distinct values seen in training + padding + out-of-vocabulary
        long users = Files.readAllLines(train).stream().skip(1).map(l -> l.substring(0, l.indexOf(','))).distinct().count();
        assertThat(r.out()).containsPattern("user\\s+" + users + " values\\s+" + (users + 2));
    }
}
