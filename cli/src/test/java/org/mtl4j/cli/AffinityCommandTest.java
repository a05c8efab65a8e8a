package org.mtl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.data.TaskGroupsGenerator;
import org.mtl4j.spi.io.SpecCodec;

/** {@code affinity}: matrices, groupings and the suggestion on the planted task-groups world, JSON and report. */
class AffinityCommandTest {

    private static Path world(Path dir) throws Exception {
        TaskGroupsGenerator gen = new TaskGroupsGenerator(TaskGroupsGenerator.Config.planted(2));
        gen.writeCsv(dir.resolve("train.csv"), 800, 5);
        Files.writeString(dir.resolve("sb.yaml"), SpecCodec.toYaml(gen.spec(new Topology.SharedBottom(List.of(8)))));
        return dir;
    }

    @Test
    void printsMatricesAndGroupingsAndWritesJsonAndReport(@TempDir Path dir) throws Exception {
        world(dir);
        Path out = dir.resolve("aff");
        Cli.Result r = Cli.run("affinity", "--spec", dir.resolve("sb.yaml"), "--data", dir.resolve("train.csv"), "--groups", "3",
                "--steps", "60", "--every", "2", "--out", out);
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("lookahead affinity Z(row -> column)", "gradient cosine on the shared parameters",
                "best grouping per number of groups", "suggested (at most 3 groups): ", "topology: ",
                "a sampled step took", "30 of 60 steps sampled (after 0 warm-up steps)");
        JsonNode doc = new ObjectMapper().readTree(out.resolve("affinity.json").toFile());
        assertThat(doc.get("tasks")).hasSize(6);
        assertThat(doc.get("lookahead")).hasSize(6);
        assertThat(doc.get("lookahead").get(0)).hasSize(6);
        assertThat(doc.get("samples").get(0).get(1).asInt()).isEqualTo(30);
        assertThat(doc.get("groupings")).hasSize(3);
        for (int g = 0; g < 3; g++) {
            assertThat(doc.get("groupings").get(g).get("groups")).hasSize(g + 1);
        }
        // the printed suggestion is the JSON's best grouping, and its score is the best of the per-count ones
        String best = doc.at("/best/groups").toString().replace("\"", "").replace(",", ", ");
        assertThat(r.out()).contains("suggested (at most 3 groups): " + best);
        double bestScore = doc.at("/best/score").asDouble();
        for (JsonNode g : doc.get("groupings")) {
            assertThat(g.get("score").asDouble()).isLessThanOrEqualTo(bestScore);
        }
        assertThat(doc.at("/suggestion/topology/type").asText()).isIn("grouped", "shared-bottom", "ple", "independent");
        String html = Files.readString(out.resolve("report.html"));
        assertThat(html).contains("id=\"chart-affinity-lookahead\" data-has-data=\"true\"",
                "id=\"chart-affinity-cosine\" data-has-data=\"true\"", "id=\"groupings\"", "id=\"suggestion\"")
                .doesNotContain("id=\"chart-loss\"");
    }

    @Test
    void badOptionsAreUsageErrors(@TempDir Path dir) throws Exception {
        world(dir);
        Cli.Result steps = Cli.run("affinity", "--spec", dir.resolve("sb.yaml"), "--data", dir.resolve("train.csv"), "--steps", "0");
        assertThat(steps.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(steps.err()).contains("--steps must be >= 1, found 0");
        Cli.Result groups = Cli.run("affinity", "--spec", dir.resolve("sb.yaml"), "--data", dir.resolve("train.csv"), "--groups", "0");
        assertThat(groups.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(groups.err()).contains("--groups must be >= 1, found 0");
        Cli.Result warm = Cli.run("affinity", "--spec", dir.resolve("sb.yaml"), "--data", dir.resolve("train.csv"), "--steps", "10",
                "--warmup", "10");
        assertThat(warm.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(warm.err()).contains("--warmup must be >= 0 and below --steps (10), found 10");
        Cli.Result data = Cli.run("affinity", "--spec", dir.resolve("sb.yaml"), "--data", dir.resolve("nope.csv"));
        assertThat(data.code()).isEqualTo(ExitCodes.DATA);
    }
}
