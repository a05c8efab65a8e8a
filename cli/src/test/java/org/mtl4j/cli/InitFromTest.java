package org.mtl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --init-from model.mtl [--init-optimizer]}: continual training from the command line. */
class InitFromTest {
    @TempDir
    static Path dir;

    @Test
    void dayTwoStartsFromTheDayOneModel() throws Exception {
        Path spec = Fixtures.spec(dir, "shared-bottom.yaml");
        Path day1 = Fixtures.funnel(dir, "day1.csv", 6000, 1);
        Path day2 = Fixtures.funnel(dir, "day2.csv", 600, 5);
        Path valid = Fixtures.funnel(dir, "valid.csv", 3000, 6);
        Cli.Result first = Cli.run("train", "--spec", spec, "--data", day1, "--out", dir.resolve("day1"), "--no-progress",
                "--epochs", "3");
        assertThat(first.code()).as(first.toString()).isZero();
        Path model = dir.resolve("day1").resolve("model.mtl");
        Cli.Result warm = Cli.run("train", "--spec", spec, "--data", day2, "--valid", valid, "--out", dir.resolve("warm"),
                "--no-progress", "--init-from", model, "--init-optimizer");
        assertThat(warm.code()).as(warm.toString()).isZero();
        Cli.Result cold = Cli.run("train", "--spec", spec, "--data", day2, "--valid", valid, "--out", dir.resolve("cold"),
                "--no-progress");
        assertThat(cold.code()).as(cold.toString()).isZero();
        double w = new ObjectMapper().readTree(dir.resolve("warm").resolve("metrics.json").toFile()).at("/metrics/ctr/auc").asDouble();
        double c = new ObjectMapper().readTree(dir.resolve("cold").resolve("metrics.json").toFile()).at("/metrics/ctr/auc").asDouble();
        System.out.printf("ctr AUC after one day-2 epoch: from the day-1 model %.4f, from scratch %.4f%n", w, c);
        assertThat(w).isGreaterThan(c + 0.02);
    }

    @Test
    void aSpecThatDoesNotFitTheSavedModelIsAUsageError() throws Exception {
        Path spec = Fixtures.spec(dir, "shared-bottom.yaml");
        Path day1 = Fixtures.funnel(dir, "d1.csv", 300, 1);
        assertThat(Cli.run("train", "--spec", spec, "--data", day1, "--out", dir.resolve("m1"), "--no-progress").code()).isZero();
        Path model = dir.resolve("m1").resolve("model.mtl");
        Cli.Result r = Cli.run("train", "--spec", spec, "--data", day1, "--out", dir.resolve("m2"), "--init-from", model, "--set",
                "topology.layers=[6]");
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).isEqualTo("mtl4j train: --init-from " + model + ": the saved model 'funnel-sb' differs from " + spec
                + " in topology (SharedBottom[layers=[8]] vs SharedBottom[layers=[6]]); continual training needs the same inputs,"
                + " tasks and topology\n");
        // (the Tribuo FM refuses layers and towers: the spec without them, so that it gets as far as --init-from)
        Cli.Result tribuo = Cli.run("train", "--spec", spec, "--data", day1, "--out", dir.resolve("m3"), "--init-from", model, "--set",
                "backend=tribuo", "--set", "topology.layers=[]", "--set", "tasks[0].tower=[]", "--set", "tasks[1].tower=[]");
        assertThat(tribuo.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(tribuo.err()).startsWith("mtl4j train: --init-from " + model + ": the saved model 'funnel-sb' differs from "
                + spec + " in backend (dl4j vs tribuo)");
        Cli.Result noFrom = Cli.run("train", "--spec", spec, "--data", day1, "--out", dir.resolve("m4"), "--init-optimizer");
        assertThat(noFrom.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(noFrom.err()).contains("--init-optimizer needs --init-from");
    }
}
