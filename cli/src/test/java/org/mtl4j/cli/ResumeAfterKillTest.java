package org.mtl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train} in a child JVM is killed (SIGKILL, as kill -9) once its first step checkpoint is on
 * disk; {@code train --resume} then finishes the run, and its metrics equal those of an uninterrupted
 * run with the same seed (single-threaded) within 1e-6.
 */
class ResumeAfterKillTest {

    @Test
    void resumedRunReachesTheSameMetricsAsAnUninterruptedOne(@TempDir Path dir) throws Exception {
        Path spec = Fixtures.spec(dir, "esmm.yaml");
        Path train = Fixtures.funnel(dir, "train.csv", 12000, 1);
        Path valid = Fixtures.funnel(dir, "valid.csv", 1000, 2);

        Path killed = dir.resolve("killed");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-cp", System.getProperty("java.class.path"), "org.mtl4j.cli.Main", "train",
                "--spec", spec.toString(), "--data", train.toString(), "--valid", valid.toString(), "--out", killed.toString(),
                "--checkpoint-every", "10", "--no-progress"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process child = pb.start();
        Path checkpoints = killed.resolve("checkpoints");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (!hasStepCheckpoint(checkpoints) && child.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(child.isAlive()).as("child still training when its first checkpoint appeared; log:\n"
                + Files.readString(dir.resolve("child.log"))).isTrue();
        child.destroyForcibly();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(killed.resolve("model.mtl")).as("the killed run never finished").doesNotExist();

        Cli.Result resumed = Cli.run("train", "--spec", spec, "--data", train, "--valid", valid, "--out", killed,
                "--checkpoint-every", "10", "--resume", "--no-progress");
        assertThat(resumed.code()).as(resumed.toString()).isZero();
        assertThat(resumed.err()).contains("resuming from " + checkpoints.resolve("latest.ckpt"));

        Path whole = dir.resolve("whole");
        Cli.Result uninterrupted = Cli.run("train", "--spec", spec, "--data", train, "--valid", valid, "--out", whole,
                "--checkpoint-every", "10", "--no-progress");
        assertThat(uninterrupted.code()).as(uninterrupted.toString()).isZero();

        ObjectMapper json = new ObjectMapper();
        JsonNode a = json.readTree(killed.resolve("metrics.json").toFile()).get("metrics");
        JsonNode b = json.readTree(whole.resolve("metrics.json").toFile()).get("metrics");
        int compared = 0;
        for (Iterator<Map.Entry<String, JsonNode>> tasks = b.fields(); tasks.hasNext();) {
            Map.Entry<String, JsonNode> t = tasks.next();
            for (Iterator<Map.Entry<String, JsonNode>> ms = t.getValue().fields(); ms.hasNext();) {
                Map.Entry<String, JsonNode> m = ms.next();
                assertThat(a.at("/" + t.getKey() + "/" + m.getKey()).asDouble()).as(t.getKey() + " " + m.getKey())
                        .isCloseTo(m.getValue().asDouble(), offset(1e-6));
                compared++;
            }
        }
        assertThat(compared).isGreaterThanOrEqualTo(4);
    }

    private static boolean hasStepCheckpoint(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).anyMatch(n -> n.startsWith("step-") && n.endsWith(".ckpt"));
        }
    }
}
