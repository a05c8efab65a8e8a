package org.mtl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes 2 (usage, spec) and 3 (data) with messages naming the file, line and value. */
class UsageAndInputErrorsTest {
    @TempDir
    Path dir;

    @Test
    void noCommandIsAUsageError() {
        Cli.Result r = Cli.run();
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("missing command (demo, train, evaluate, predict, serve, inspect, plugins, compare, export, affinity; see mtl4j --help)");
    }

    @Test
    void helpListsEveryCommandAndTheExitCodes() {
        Cli.Result r = Cli.run("--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("demo", "train", "evaluate", "predict", "inspect", "plugins", "compare", "export")
                .contains("2   usage or spec error").contains("4   training diverged");
    }

    @Test
    void missingRequiredOptionIsAUsageError() {
        Cli.Result r = Cli.run("train", "--spec", "x.yaml");
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("Missing required options: '--data=train.csv', '--out=runs/NAME'");
    }

    @Test
    void unknownOptionValueIsAUsageError() {
        Cli.Result r = Cli.run("train", "--spec", "x.yaml", "--data", "d.csv", "--out", "o", "--bad-rows", "ignore");
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("Invalid value for option '--bad-rows': expected one of [fail, skip] (case-insensitive) but was 'ignore'");
    }

    @Test
    void missingSpecFileIsAUsageError() {
        Path data = Fixtures.funnel(dir, "train.csv", 50, 1);
        Cli.Result r = Cli.run("train", "--spec", dir.resolve("nope.yaml"), "--data", data, "--out", dir.resolve("run"));
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).isEqualTo("mtl4j train: spec file not found: " + dir.resolve("nope.yaml") + "\n");
    }

    @Test
    void unknownFieldNamesFileLineAndField() throws Exception {
        Path spec = Fixtures.spec(dir, "unknown-field.yaml");
        Path data = Fixtures.funnel(dir, "train.csv", 50, 1);
        Cli.Result r = Cli.run("train", "--spec", spec, "--data", data, "--out", dir.resolve("run"));
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).isEqualTo("mtl4j train: invalid spec " + spec + " (1 problem):\n  " + spec
                + ": line 9: tasks[0].lable: unknown field \"lable\" (known: auxiliary, chainedAfter, kind, label, loss, "
                + "metrics, name, numClasses, tower, towerLearningRate, weight)\n");
        assertThat(dir.resolve("run")).doesNotExist();
    }

    @Test
    void everyValidationProblemIsListedWithItsLine() throws Exception {
        Path spec = Fixtures.spec(dir, "invalid-graph.yaml");
        Path data = Fixtures.funnel(dir, "train.csv", 50, 1);
        Cli.Result r = Cli.run("train", "--spec", spec, "--data", data, "--out", dir.resolve("run"));
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).isEqualTo("mtl4j train: invalid spec " + spec + " (4 problems):\n"
                + "  " + spec + ": line 14: MTL/DuplicateTask: tasks[2].name = \"ctr\" (also tasks[0])\n"
                + "  " + spec + ": line 16: MTL/LabelCollision: tasks[2].label = \"click\" (column \"click\" is already the label "
                + "of tasks[0] (ctr))\n"
                + "  " + spec + ": line 13: MTL/UnknownTask: tasks[1].chainedAfter = \"ctrr\" (known: ctcvr, ctr)\n"
                + "  " + spec + ": line 20: MTL/UnknownPlugin: lossWeighting = \"no-such-weighting\" (known: dwa, equal, fixed, "
                + "gradnorm, rlw, schedule, uncertainty)\n");
    }

    @Test
    void missingDataFileIsADataError() throws Exception {
        Path spec = Fixtures.spec(dir, "esmm.yaml");
        Cli.Result r = Cli.run("train", "--spec", spec, "--data", dir.resolve("none.csv"), "--out", dir.resolve("run"));
        assertThat(r.code()).isEqualTo(ExitCodes.DATA);
        assertThat(r.err()).isEqualTo("mtl4j train: training data file not found: " + dir.resolve("none.csv") + "\n");
    }

    @Test
    void badLabelIsADataErrorNamingFileLineColumnAndValue() throws Exception {
        Path spec = Fixtures.spec(dir, "esmm.yaml");
        Path data = Fixtures.funnel(dir, "train.csv", 40, 1);
        java.util.List<String> lines = new java.util.ArrayList<>(Files.readAllLines(data));
        String[] cells = lines.get(7).split(",", -1);
        cells[11] = "2"; // click
        lines.set(7, String.join(",", cells));
        Files.write(data, lines, StandardCharsets.UTF_8);
        Cli.Result r = Cli.run("train", "--spec", spec, "--data", data, "--out", dir.resolve("run"));
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.DATA);
        assertThat(r.err()).startsWith("mtl4j train: " + data + ":8: column 'click': ").contains("found \"2\"");
        assertThat(dir.resolve("run").resolve("model.mtl")).doesNotExist();
    }

    @Test
    void missingModelIsADataError() {
        Cli.Result r = Cli.run("inspect", "--model", dir.resolve("model.mtl"));
        assertThat(r.code()).isEqualTo(ExitCodes.DATA);
        assertThat(r.err()).isEqualTo("mtl4j inspect: model file not found: " + dir.resolve("model.mtl") + "\n");
    }

    @Test
    void corruptModelIsADataError() throws Exception {
        Path m = dir.resolve("model.mtl");
        Files.writeString(m, "not a zip");
        Cli.Result r = Cli.run("evaluate", "--model", m, "--data", Fixtures.funnel(dir, "t.csv", 10, 1));
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.DATA);
        assertThat(r.err()).startsWith("mtl4j evaluate: ").contains(m.toString());
    }
}
