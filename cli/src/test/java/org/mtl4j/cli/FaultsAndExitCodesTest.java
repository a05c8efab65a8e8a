package org.mtl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The faults of issue 14's 94-case trial, each through the real {@code mtl4j} main: the exit code of
 * the README's table (0 ok, 2 usage or spec, 3 data, 4 diverged) and a message naming the file,
 * line, field or task; never exit 1 with a stack trace.
 */
class FaultsAndExitCodesTest {
    @TempDir
    Path dir;

    private Path spec(String name, String from, String to) throws IOException {
        String text = Files.readString(Fixtures.spec(dir, "esmm.yaml"));
        assertThat(text).contains(from);
        Path p = dir.resolve(name);
        Files.writeString(p, text.replace(from, to));
        return p;
    }

    private Cli.Result train(Path spec, Path data, Object... more) {
        List<Object> args = new ArrayList<>(List.of("train", "--spec", spec, "--data", data, "--out", dir.resolve("run"),
                "--no-progress"));
        args.addAll(List.of(more));
        return Cli.run(args.toArray());
    }

    private Path data() {
        return Files.exists(dir.resolve("train.csv")) ? dir.resolve("train.csv") : Fixtures.funnel(dir, "train.csv", 400, 1);
    }

    private static void noStackTrace(Cli.Result r) {
        assertThat(r.err()).as(r.toString()).doesNotContain("\tat ").doesNotContain("internal error");
    }

    // ---- spec faults: exit 2 with file and line ----

    @Test
    void nonFiniteLearningRatesAreSpecErrors() throws IOException {
        for (String v : List.of(".nan", ".inf", "-.inf")) {
            Path s = spec("lr" + v.replace(".", "") + ".yaml", "learningRate: 0.01", "learningRate: " + v);
            Cli.Result r = train(s, data());
            assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
            noStackTrace(r);
            String found = v.equals(".nan") ? "NaN" : v.startsWith("-") ? "-Infinity" : "Infinity";
            assertThat(r.err()).as(v).isEqualTo("mtl4j train: invalid spec " + s + " (1 problem):\n  " + s + ": line 28: "
                    + "optimizer: optimizer learningRate must be a positive finite number, found " + found + "\n");
        }
    }

    @Test
    void hugeSizesAreRefusedAtBuildNamingFieldAndBound() throws IOException {
        Path s = spec("huge.yaml", "  batchSize: 128", "  batchSize: 2147483647\n  shuffleBuffer: 2147483647");
        String text = Files.readString(s).replace("embeddingDim: 4\n  - kind: categorical", "embeddingDim: 100000000\n  - kind: categorical")
                .replace("type: shared-bottom\n  layers: [16]", "type: mmoe\n  experts: 2000000000\n  expertLayers: [16]");
        Files.writeString(s, text);
        Cli.Result r = train(s, data());
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        noStackTrace(r);
        assertThat(r.err()).startsWith("mtl4j train: invalid spec " + s + " (5 problems):\n")
                .contains(s + ": line 7: MTL/TooLarge: inputs[0].embeddingDim = 100000000 (at most 4096)")
                .contains(s + ": line 26: MTL/TooLarge: topology.experts = 2000000000 (at most 1024)")
                .contains(s + ": line 24: MTL/TooLarge: topology = mmoe (the layers hold at least 3200000384000000256 weights "
                        + "(input width 100000012), more than 2147483647)")
                .contains("MTL/TooLarge: training.batchSize = 2147483647 (at most 1048576)")
                .contains("MTL/TooLarge: training.shuffleBuffer = 2147483647 (at most 16777216)");
    }

    @Test
    void workersOutOfRangeAreRefusedNamingFieldAndValue() throws IOException {
        Path s = spec("workers.yaml", "  batchSize: 128", "  batchSize: 128\n  workers: 5000");
        Cli.Result r = train(s, data());
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        noStackTrace(r);
        assertThat(r.err()).contains("MTL/TooLarge: training.workers = 5000 (at most 1024)");
        Path zero = spec("zero-workers.yaml", "  batchSize: 128", "  batchSize: 128\n  workers: 0");
        Cli.Result z = train(zero, data());
        assertThat(z.code()).as(z.toString()).isEqualTo(ExitCodes.USAGE);
        noStackTrace(z);
        assertThat(z.err()).contains("training workers must be");
        Cli.Result flag = train(Fixtures.spec(dir, "esmm.yaml"), data(), "--workers", "0");
        assertThat(flag.code()).as(flag.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(flag.err()).contains("--workers must be in 1..1024, found 0");
    }

    @Test
    void fieldsWithinTheirBoundsThatTogetherAreTooLargeAreRefused() throws IOException {
        Path s = spec("wide.yaml", "type: shared-bottom\n  layers: [16]", "type: mmoe\n  experts: 1024\n  expertLayers: [65536, 65536]");
        Cli.Result r = train(s, data());
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).isEqualTo("mtl4j train: invalid spec " + s + " (1 problem):\n  " + s + ": line 24: MTL/TooLarge: "
                + "topology = mmoe (the layers hold at least 4399121301504 weights (input width 16), more than 2147483647)\n");
    }

    @Test
    void embeddingDimWrittenAsAFloatIsRefusedWithoutNativeAllocation() throws IOException {
        Path s = spec("dim.yaml", "embeddingDim: 4\n  - kind: categorical", "embeddingDim: 1e8\n  - kind: categorical");
        Cli.Result r = train(s, data());
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        noStackTrace(r);
        assertThat(r.err()).isEqualTo("mtl4j train: invalid spec " + s + " (1 problem):\n  " + s + ": line 7: "
                + "inputs[0].embeddingDim: expected an integer, found 1e8\n");
    }

    @Test
    void aMalformedLabelExpressionNamesFileLineAndTask() throws IOException {
        Path s = spec("expr.yaml", "label: click", "label: \"click >> 4\"");
        Cli.Result r = train(s, data());
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).isEqualTo("mtl4j train: invalid spec " + s + " (1 problem):\n  " + s + ": line 19: "
                + "MTL/BadLabelExpression: tasks[0].label = \"click >> 4\" (is not <column> <op> <number> (op one of >=, >, <=, "
                + "<, ==, !=; e.g. \"rating >= 4\"))\n");
    }

    @Test
    void yamlAliasesAreRefusedSayingSo() throws IOException {
        Path s = spec("alias.yaml", "  - name: ctr\n    kind: binary", "  - name: ctr\n    kind: &k binary");
        Files.writeString(s, Files.readString(s).replace("  - name: ctcvr\n    kind: binary", "  - name: ctcvr\n    kind: *k"));
        Cli.Result r = train(s, data());
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).isEqualTo("mtl4j train: invalid spec " + s + " (1 problem):\n  " + s + ": line 21: YAML anchors "
                + "and aliases are not supported (found *k): write the value out in full\n");
    }

    @Test
    void aFiftyMegabyteQuotedStringIsRefusedBeforeParsing() throws IOException {
        Path s = dir.resolve("long.yaml");
        try (var w = Files.newBufferedWriter(s)) {
            w.write("name: \"");
            char[] chunk = new char[1 << 20];
            java.util.Arrays.fill(chunk, 'x');
            for (int i = 0; i < 50; i++) {
                w.write(chunk);
            }
            w.write("\"\n");
        }
        long t0 = System.nanoTime();
        Cli.Result r = train(s, data());
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).isEqualTo("mtl4j train: invalid spec " + s + " (1 problem):\n  " + s + ": the spec is 52428809 "
                + "bytes, more than the 1048576 a spec file may have\n");
        // just under the file cap, the parser's own cap answers (characters, not bytes)
        Files.writeString(s, "name: \"" + "x".repeat(300_000) + "\"\n");
        r = train(s, data());
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).isEqualTo("mtl4j train: invalid spec " + s + " (1 problem):\n  " + s + ": the YAML spec is 300009 "
                + "characters long, more than the 262144 a spec may have\n");
        assertThat(System.nanoTime() - t0).as("no parse of the long text").isPositive();
    }

    // ---- output paths: exit 2 before any work ----

    @Test
    void outPathsAreCheckedUpFront() throws IOException {
        Path s = Fixtures.spec(dir, "esmm.yaml");
        Cli.Result r = Cli.run("train", "--spec", s, "--data", data(), "--out", "", "--no-progress");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).isEqualTo("mtl4j train: --out is empty: name a path\n");

        Path file = Files.writeString(dir.resolve("afile"), "x");
        r = Cli.run("train", "--spec", s, "--data", data(), "--out", file, "--no-progress");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).isEqualTo("mtl4j train: --out " + file + " is a file, not a directory: name a directory for the run\n");

        r = Cli.run("train", "--spec", s, "--data", data(), "--out", "/proc/x", "--no-progress");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).startsWith("mtl4j train: --out /proc/x: cannot create the directory (");

        r = Cli.run("generate", "funnel", "--out", file, "--rows", "10", "--test-rows", "10");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).isEqualTo("mtl4j generate: --out " + file + " is a file, not a directory: name a directory for the run\n");

        Path model = trainedModel();
        Path outDir = Files.createDirectories(dir.resolve("scores"));
        r = Cli.run("predict", "--model", model, "--data", data(), "--out", outDir);
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).isEqualTo("mtl4j predict: --out " + outDir + " is a directory: name a file, e.g. "
                + outDir.resolve("scores.csv") + "\n");
    }

    private Path trainedModel() throws IOException {
        Path run = dir.resolve("trained");
        if (!Files.exists(run.resolve("model.mtl"))) {
            Path s = Fixtures.spec(dir, "esmm.yaml");
            Cli.Result r = Cli.run("train", "--spec", s, "--data", data(), "--out", run, "--no-progress");
            assertThat(r.code()).as(r.toString()).isZero();
        }
        return run.resolve("model.mtl");
    }

    // ---- model files: exit 3 ----

    @Test
    void aFlippedBitOrAForeignBackendIsADataError() throws IOException {
        Path model = trainedModel();
        byte[] b = Files.readAllBytes(model);
        Random rnd = new Random(3);
        int refused = 0;
        for (int i = 0; i < 12; i++) {
            byte[] c = b.clone();
            int at = 64 + rnd.nextInt(b.length - 200);
            c[at] ^= (byte) (1 << rnd.nextInt(8));
            Path m = dir.resolve("flipped-" + i + ".mtl");
            Files.write(m, c);
            Cli.Result r = Cli.run("inspect", "--model", m);
            noStackTrace(r);
            if (r.code() != 0) {
                assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.DATA);
                assertThat(r.err()).startsWith("mtl4j inspect: " + m + ": corrupt model file: ");
                refused++;
            }
        }
        assertThat(refused).isGreaterThanOrEqualTo(10);

        Path foreign = dir.resolve("foreign.mtl");
        rewriteBackendName(model, foreign, "onnx-gpu");
        Cli.Result r = Cli.run("evaluate", "--model", foreign, "--data", data());
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.DATA);
        assertThat(r.err()).startsWith("mtl4j evaluate: MTL/UnknownPlugin: " + foreign + " was saved by backend \"onnx-gpu\", "
                + "which is not installed (known: ");
    }

    @Test
    void aDirectoryAsModelSaysSoNotNotFound() throws IOException {
        Path d = Files.createDirectories(dir.resolve("model.d"));
        for (String cmd : List.of("inspect", "evaluate")) {
            Cli.Result r = cmd.equals("inspect") ? Cli.run("inspect", "--model", d) : Cli.run("evaluate", "--model", d, "--data", data());
            assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.DATA);
            assertThat(r.err()).isEqualTo("mtl4j " + cmd + ": model file " + d + " is a directory, not an mtl4j model file\n");
        }
    }

    private static void rewriteBackendName(Path from, Path to, String backend) throws IOException {
        try (var zin = new java.util.zip.ZipFile(from.toFile());
                var zout = new java.util.zip.ZipOutputStream(Files.newOutputStream(to))) {
            var en = zin.entries();
            while (en.hasMoreElements()) {
                var e = en.nextElement();
                if (e.getName().equals("manifest.txt")) {
                    continue;
                }
                zout.putNextEntry(new java.util.zip.ZipEntry(e.getName()));
                byte[] bytes = e.getName().equals("backend.txt") ? (backend + "\n").getBytes(StandardCharsets.UTF_8)
                        : zin.getInputStream(e).readAllBytes();
                zout.write(bytes);
                zout.closeEntry();
            }
        }
    }

    @Test
    void aZipBombModelIsADataError() throws IOException {
        Path bomb = dir.resolve("bomb.mtl");
        try (var z = new java.util.zip.ZipOutputStream(Files.newOutputStream(bomb))) {
            z.putNextEntry(new java.util.zip.ZipEntry("mtl4j-format"));
            z.write("mtl4j-model-archive 1\n".getBytes(StandardCharsets.UTF_8));
            z.closeEntry();
            z.putNextEntry(new java.util.zip.ZipEntry("backend.txt"));
            z.write("dl4j\n".getBytes(StandardCharsets.UTF_8));
            z.closeEntry();
            z.putNextEntry(new java.util.zip.ZipEntry("spec.json"));
            byte[] spaces = new byte[1 << 20];
            java.util.Arrays.fill(spaces, (byte) ' ');
            for (int i = 0; i < 64; i++) {
                z.write(spaces);
            }
            z.closeEntry();
        }
        for (String cmd : List.of("inspect", "evaluate")) {
            Cli.Result r = cmd.equals("inspect") ? Cli.run("inspect", "--model", bomb)
                    : Cli.run("evaluate", "--model", bomb, "--data", data());
            assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.DATA);
            assertThat(r.err()).isEqualTo("mtl4j " + cmd + ": " + bomb + ": corrupt model file: entry 'spec.json' declares "
                    + "67108864 bytes, more than the 16777216 an entry of its kind may hold\n");
        }
    }

    // ---- data faults: exit 3 naming file, line, column and value ----

    @Test
    void numbersInJavaSyntaxAreRefused() throws IOException {
        Path s = Fixtures.spec(dir, "esmm.yaml");
        for (String v : List.of("0x1p3", "1.5d", "2f")) {
            Path d = Fixtures.funnel(dir, "n.csv", 40, 1);
            List<String> lines = new ArrayList<>(Files.readAllLines(d));
            String[] cells = lines.get(4).split(",", -1);
            cells[3] = v; // d0
            lines.set(4, String.join(",", cells));
            Files.write(d, lines);
            Cli.Result r = Cli.run("train", "--spec", s, "--data", d, "--out", dir.resolve("run-" + v), "--no-progress");
            assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.DATA);
            assertThat(r.err()).startsWith("mtl4j train: " + d + ":5: column 'd0': ").contains("found \"" + v + "\"");
        }
    }

    @Test
    void crOnlyLineEndingsAreNamed() throws IOException {
        Path d = data();
        Path cr = dir.resolve("cr.csv");
        Files.writeString(cr, Files.readString(d).replace("\n", "\r"));
        Cli.Result r = train(Fixtures.spec(dir, "esmm.yaml"), cr);
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.DATA);
        assertThat(r.err()).startsWith("mtl4j train: " + cr + ":1: the file's lines end in a bare CR (carriage return, old "
                + "Mac OS style) at character ");
    }

    @Test
    void aDirectoryAsDataSaysSo() throws IOException {
        Path d = Files.createDirectories(dir.resolve("adir.csv"));
        Cli.Result r = train(Fixtures.spec(dir, "esmm.yaml"), d);
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.DATA);
        assertThat(r.err()).isEqualTo("mtl4j train: training data " + d + " is a directory, not a CSV/TSV file\n");
    }

    @Test
    void aHugeHeaderIsNotEchoedWhole() throws IOException {
        Path d = dir.resolve("wide.csv");
        StringBuilder h = new StringBuilder("user_id");
        while (h.length() < 10_000_000) {
            h.append(",c").append(h.length());
        }
        Files.writeString(d, h + "\n1\n");
        Cli.Result r = train(Fixtures.spec(dir, "esmm.yaml"), d);
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.DATA);
        assertThat(r.err()).startsWith("mtl4j train: " + d + ":1: column 'item_id' named by input 'item' is not in the header "
                + "(header: user_id, c9, c12, ").contains(" more)");
        assertThat(r.err().length()).isLessThan(2100);
    }

    @Test
    void aTaskWhoseLabelColumnIsEmptyFailsUpFront() throws IOException {
        Path d = data();
        Path empty = dir.resolve("noconv.csv");
        List<String> lines = Files.readAllLines(d);
        List<String> out = new ArrayList<>();
        out.add(lines.get(0));
        int col = List.of(lines.get(0).split(",")).indexOf("conversion");
        for (String l : lines.subList(1, lines.size())) {
            String[] c = l.split(",", -1);
            c[col] = "";
            out.add(String.join(",", c));
        }
        Files.write(empty, out);
        Cli.Result r = train(Fixtures.spec(dir, "esmm.yaml"), empty);
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.DATA);
        assertThat(r.err()).contains(empty + ": column 'conversion': task 'ctcvr' has no labelled row in "
                + (lines.size() - 1) + " rows (the label is empty on every row, so the task would train nothing): fill the"
                + " column, or remove the task from the spec");
        // up front: nothing was trained, no model or checkpoint written
        assertThat(dir.resolve("run").resolve("model.mtl")).doesNotExist();
    }

    // ---- checkpoints and resume ----

    @Test
    void resumeWithAnotherSpecIsASpecErrorAndDamagedCheckpointsAreDataErrors() throws IOException {
        Path s = Fixtures.spec(dir, "esmm.yaml");
        Path run = dir.resolve("run");
        assertThat(train(s, data()).code()).isZero();
        Path other = spec("other.yaml", "  - name: ctcvr\n    kind: binary\n    label: conversion\n    chainedAfter: ctr\n", "");
        Cli.Result r = train(other, data(), "--resume");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("was written for tasks [ctr, ctcvr], the model has [ctr]: resume with the spec the run "
                + "started with");
        Path clipped = spec("clip.yaml", "optimizer:", "clipping: [global-norm]\noptimizer:");
        r = train(clipped, data(), "--resume");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("was written with 0 clippers, this run has 1: resume with the spec the run started with");

        Path weighted = spec("weighted.yaml", "optimizer:", "lossWeighting: uncertainty\noptimizer:");
        r = train(weighted, data(), "--resume");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        // balancer state is plain data (issue 12): the checkpoint names no class, the state's keys tell the mismatch
        assertThat(r.err()).endsWith("mtl4j train: checkpoint " + run.resolve("checkpoints/latest.ckpt") + ": the saved state "
                + "does not fit balancer org.mtl4j.balancers.weighting.UncertaintyWeighting: saved state has no 'logVariances' "
                + "(keys: [])\n");

        Path latest = run.resolve("checkpoints/latest.ckpt");
        byte[] b = Files.readAllBytes(latest);
        Files.write(latest, java.util.Arrays.copyOf(b, b.length / 2));
        r = train(s, data(), "--resume");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.DATA);
        assertThat(r.err()).contains("checkpoint " + latest + " is truncated");
        b[b.length / 2] ^= 0x10;
        Files.write(latest, b);
        r = train(s, data(), "--resume");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.DATA);
        assertThat(r.err()).contains("checkpoint " + latest + " is corrupted (CRC-32 mismatch)");
    }

    @Test
    void resumeOnChangedOrReorderedDataNamesTheFile() throws IOException {
        Path s = Fixtures.spec(dir, "esmm.yaml");
        Path d = data();
        assertThat(train(s, d, "--checkpoint-every", "2").code()).isZero();
        List<String> lines = new ArrayList<>(Files.readAllLines(d));
        List<String> rows = new ArrayList<>(lines.subList(1, lines.size()));
        java.util.Collections.reverse(rows);
        Path reordered = dir.resolve("reordered.csv");
        List<String> all = new ArrayList<>(List.of(lines.get(0)));
        all.addAll(rows);
        Files.write(reordered, all);
        Cli.Result r = train(s, reordered, "--resume");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.DATA);
        assertThat(r.err()).isEqualTo("mtl4j train: --resume: training data " + reordered + " differs from the file the run "
                + "started on (" + d + "; same size, different content: rows reordered or edited); resume on the same data, or "
                + "start a new run with another --out\n");
        Path fewer = dir.resolve("fewer.csv");
        Files.write(fewer, lines.subList(0, 200));
        r = train(s, fewer, "--resume");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.DATA);
        assertThat(r.err()).contains("--resume: training data " + fewer + " differs from the file the run started on (" + d
                + "; was " + Files.size(d) + " bytes, now " + Files.size(fewer) + ")");
    }

    @Test
    void orphanedTemporaryFilesAreRemovedAndAMissingLatestFallsBackToTheNewestCheckpoint() throws IOException {
        Path s = Fixtures.spec(dir, "esmm.yaml");
        Path run = dir.resolve("run");
        // --keep-checkpoints 1: a finished run keeps its last epoch checkpoint besides latest.ckpt
        assertThat(train(s, data(), "--checkpoint-every", "0", "--keep-checkpoints", "1").code()).isZero();
        Path ck = run.resolve("checkpoints");
        // a disk filled up after epoch-2.ckpt (epochs numbered from 1): no latest.ckpt, and half-written temporary files
        Files.delete(ck.resolve("latest.ckpt"));
        Files.writeString(ck.resolve(".checkpoint-123.tmp"), "half");
        Files.writeString(run.resolve(".model.mtl.456.tmp"), "half");
        Files.delete(run.resolve("model.mtl"));
        Cli.Result r = train(s, data(), "--resume");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.err()).contains("removed 2 temporary files left by an interrupted run in " + run)
                .contains("latest.ckpt is missing in " + ck + " (an interrupted write?): resuming from epoch-2.ckpt");
        try (Stream<Path> f = Files.list(ck)) {
            assertThat(f.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp"))).isEmpty();
        }
        assertThat(run.resolve(".model.mtl.456.tmp")).doesNotExist();
        assertThat(run.resolve("model.mtl")).isRegularFile();
    }

    // ---- divergence beyond NaN/Inf: exit 4 ----

    @Test
    void aHugeLearningRateIsADivergenceNamingATask() throws IOException {
        Path s = spec("lr.yaml", "name: adam\n  learningRate: 0.01", "name: sgd\n  learningRate: 1.0e6");
        Path run = dir.resolve("run");
        Cli.Result r = train(s, Fixtures.funnel(dir, "big.csv", 3000, 2), "--checkpoint-every", "1");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.DIVERGED);
        // the click tower saturates first; ctcvr = ctr x cvr follows it
        assertThat(r.err()).as(r.toString()).matches("mtl4j train: training diverged at step \\d+: outputs of task 'ctr' are "
                + "saturated: all \\d+ labelled rows of a batch with both labels are predicted at most 1.00e-06 \\(the model "
                + "predicts a constant; a learning rate far too high\\?\\); the last good checkpoint is kept: "
                + java.util.regex.Pattern.quote(run.resolve("checkpoints/latest.ckpt").toString()) + "\n");
        assertThat(run.resolve("model.mtl")).doesNotExist();
        // every step checkpoint of the epoch may hold saturated weights: latest is the state the epoch started from
        assertThat(Files.readAllBytes(run.resolve("checkpoints/latest.ckpt")))
                .isEqualTo(Files.readAllBytes(run.resolve("checkpoints/initial.ckpt")));
    }

    @Test
    void regressionLabelsFarOutOfScaleAreADivergenceOfThatTask() throws IOException {
        Path d = dir.resolve("reg.csv");
        Random rnd = new Random(5);
        StringBuilder b = new StringBuilder("x0,x1,y,click\n");
        for (int i = 0; i < 600; i++) {
            double x0 = rnd.nextGaussian();
            double x1 = rnd.nextGaussian();
            b.append(String.format(Locale.ROOT, "%.4f,%.4f,%.4e,%d%n", x0, x1, 1e30 * (2 + x0 + 0.5 * x1),
                    rnd.nextDouble() < 0.3 ? 1 : 0));
        }
        Files.writeString(d, b);
        Path s = dir.resolve("reg.yaml");
        Files.writeString(s, """
                name: far-out
                inputs:
                  - kind: dense
                    name: x
                    columns: [x0, x1]
                tasks:
                  - name: click
                    kind: binary
                    label: click
                  - name: amount
                    kind: regression
                    label: y
                topology:
                  type: shared-bottom
                  layers: [8]
                optimizer:
                  name: adam
                  learningRate: 0.01
                training:
                  epochs: 1
                  batchSize: 64
                  seed: 1
                backend: dl4j
                """);
        // standardised regression targets (the default since issue 14) train on these labels in their own units
        Cli.Result standardised = train(s, d);
        assertThat(standardised.code()).as(standardised.toString()).isZero();
        // on raw labels the loss is beyond any sane scale: a divergence naming the task
        try (Stream<Path> old = Files.walk(dir.resolve("run"))) {
            for (Path p : old.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        Cli.Result r = train(s, d, "--raw-labels");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.DIVERGED);
        assertThat(r.err()).as(r.toString()).isEqualTo("mtl4j train: training diverged at step 0: loss of task 'amount' is "
                + "6.14e+60, beyond 1.00e+15 (labels far out of scale, or a learning rate far too high); the last good "
                + "checkpoint is kept: " + dir.resolve("run/checkpoints/latest.ckpt") + "\n");
    }
}
