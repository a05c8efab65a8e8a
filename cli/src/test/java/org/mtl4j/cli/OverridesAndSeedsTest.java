package org.mtl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --set path=value}, {@code --seed}, {@code --epochs} and a multi-seed run ({@code --seeds}). */
class OverridesAndSeedsTest {
    @TempDir
    static Path dir;

    @Test
    void overridesReachTheTrainedModel() throws Exception {
        Path spec = Fixtures.spec(dir, "shared-bottom.yaml");
        Path train = Fixtures.funnel(dir, "train.csv", 1500, 1);
        Path run = dir.resolve("over");
        Cli.Result r = Cli.run("train", "--spec", spec, "--data", train, "--out", run, "--no-progress", "--epochs", "2", "--seed",
                "3", "--set", "tasks.cvr.weight=2", "--set", "topology.layers=[6]", "--set", "training.batchSize=64",
                "--checkpoint-every", "5", "--keep-checkpoints", "1");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("completed 2 epochs; model = epoch 2 (last)");
        // epochs are numbered from 1 in checkpoint names as in the logs; a finished run keeps the newest N of each kind
        try (var files = java.nio.file.Files.list(run.resolve("checkpoints"))) {
            // 1500 rows / 64 = 24 steps per epoch, 48 in all: the last step checkpoint is step-45
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".ckpt")).sorted().toList())
                    .containsExactly("epoch-2.ckpt", "latest.ckpt", "step-45.ckpt");
        }
        Cli.Result inspect = Cli.run("inspect", "--model", run.resolve("model.mtl"));
        assertThat(inspect.code()).as(inspect.toString()).isZero();
        assertThat(inspect.out()).containsPattern("seed\\s+3").containsPattern("modelEpoch\\s+epoch 2 \\(last\\)");
        JsonNode m = new ObjectMapper().readTree(run.resolve("metrics.json").toFile());
        assertThat(m.at("/training/epochsRun").asInt()).isEqualTo(2);
        assertThat(m.at("/training/model").asText()).isEqualTo("epoch 2 (last)");
        try (var model = org.mtl4j.dsl.Mtl.runtime().load(run.resolve("model.mtl"))) {
            assertThat(model.spec().training().seed()).isEqualTo(3);
            assertThat(model.spec().training().epochs()).isEqualTo(2);
            assertThat(model.spec().training().batchSize()).isEqualTo(64);
            assertThat(model.spec().task("cvr").orElseThrow().weight()).isEqualTo(2.0);
            assertThat(model.spec().topology().toString()).contains("[6]");
        }
    }

    @Test
    void badOverridesAreUsageErrorsNamingThem() throws Exception {
        Path spec = Fixtures.spec(dir, "shared-bottom.yaml");
        Path train = Fixtures.funnel(dir, "train2.csv", 300, 1);
        Cli.Result noTask = Cli.run("train", "--spec", spec, "--data", train, "--out", dir.resolve("x1"), "--set",
                "tasks.nope.weight=1");
        assertThat(noTask.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(noTask.err()).isEqualTo("mtl4j train: --set tasks.nope.weight=1: tasks has no element \"nope\" "
                + "(elements: 0 = ctr, 1 = cvr)\n");
        Cli.Result noEq = Cli.run("train", "--spec", spec, "--data", train, "--out", dir.resolve("x2"), "--set", "training.seed");
        assertThat(noEq.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(noEq.err()).isEqualTo("mtl4j train: --set training.seed: expected path=value, e.g. training.seed=1\n");
        Cli.Result unknown = Cli.run("train", "--spec", spec, "--data", train, "--out", dir.resolve("x3"), "--set", "training.sed=1");
        assertThat(unknown.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err()).startsWith("mtl4j train: invalid spec " + spec + " with --set training.sed=1 (1 problem):")
                .contains("sed");
        Cli.Result badValue = Cli.run("train", "--spec", spec, "--data", train, "--out", dir.resolve("x4"), "--epochs", "0");
        assertThat(badValue.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(badValue.err()).contains("with --set training.epochs=0").contains("epochs");
    }

    @Test
    void severalSeedsReportMeanAndSd() throws Exception {
        Path spec = Fixtures.spec(dir, "shared-bottom.yaml");
        Path train = Fixtures.funnel(dir, "train3.csv", 1500, 1);
        Path valid = Fixtures.funnel(dir, "valid3.csv", 800, 2);
        Path run = dir.resolve("seeds");
        Cli.Result r = Cli.run("train", "--spec", spec, "--data", train, "--valid", valid, "--out", run, "--no-progress",
                "--seeds", "1,2,3");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("over seeds [1, 2, 3] (mean +- sample sd)").containsPattern("ctr\\s+auc\\s+0\\.\\d{4} \\+- 0\\.\\d{4}");
        JsonNode doc = new ObjectMapper().readTree(run.resolve("seeds.json").toFile());
        double[] v = new double[3];
        for (int i = 0; i < 3; i++) {
            JsonNode m = new ObjectMapper().readTree(run.resolve("seed-" + (i + 1)).resolve("metrics.json").toFile());
            v[i] = m.at("/metrics/ctr/auc").asDouble();
        }
        double mean = (v[0] + v[1] + v[2]) / 3;
        double sd = Math.sqrt(((v[0] - mean) * (v[0] - mean) + (v[1] - mean) * (v[1] - mean) + (v[2] - mean) * (v[2] - mean)) / 2);
        assertThat(doc.at("/metrics/ctr/auc/mean").asDouble()).isCloseTo(mean, offset(1e-12));
        assertThat(doc.at("/metrics/ctr/auc/sd").asDouble()).isCloseTo(sd, offset(1e-12));
        // different seeds give different models
        assertThat(sd).isGreaterThan(0);
    }

    @Test
    void regressionLabelsAreStandardisedUnlessRawLabelsIsGiven() throws Exception {
        Path spec = Fixtures.spec(dir, "shared-bottom.yaml");
        Path train = Fixtures.funnel(dir, "train4.csv", 800, 1);
        String[] regression = {"--set", "tasks.cvr.kind=regression", "--set", "tasks.cvr.label=p_click", "--no-progress"};
        Cli.Result std = Cli.run(concat(new Object[] {"train", "--spec", spec, "--data", train, "--out", dir.resolve("std")}, regression));
        assertThat(std.code()).as(std.toString()).isZero();
        Cli.Result raw = Cli.run(concat(new Object[] {"train", "--spec", spec, "--data", train, "--out", dir.resolve("raw"),
            "--raw-labels"}, regression));
        assertThat(raw.code()).as(raw.toString()).isZero();
        try (var a = org.mtl4j.dsl.Mtl.runtime().load(dir.resolve("std").resolve("model.mtl"));
                var b = org.mtl4j.dsl.Mtl.runtime().load(dir.resolve("raw").resolve("model.mtl"))) {
            var stats = a.denseStats().get("label:cvr");
            assertThat(stats).isNotNull();
            // p_click of the funnel: a probability with mean around the generator's 10 % target CTR
            assertThat(stats.mean()[0]).isBetween(0.02, 0.3);
            assertThat(stats.std()[0]).isPositive();
            assertThat(b.denseStats()).doesNotContainKey("label:cvr");
        }
    }

    private static Object[] concat(Object[] a, String[] b) {
        Object[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
