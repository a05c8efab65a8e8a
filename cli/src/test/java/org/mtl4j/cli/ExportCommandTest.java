package org.mtl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.backend.TrainableModel;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.CategoricalInput;
import org.mtl4j.api.spec.DenseInput;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.TaskKind;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.api.spec.TrainingSpec;
import org.mtl4j.backend.dl4j.Dl4jBackend;
import org.mtl4j.backend.tribuo.TribuoBackend;

/** {@code mtl4j export}: dl4j and tribuo models become an ONNX file and its side file; usage and data errors exit 2 and 3. */
class ExportCommandTest {
    @TempDir
    Path dir;

    private static ModelSpec spec(String backend, Topology topology) {
        List<TaskSpec> tasks = List.of(new TaskSpec("ctr", TaskKind.BINARY, "click", 1, null, List.of(), 1.0, false, null, List.of(4), 1.0),
                new TaskSpec("ctcvr", TaskKind.BINARY, "conversion", 1, null, List.of(), 1.0, false, "ctr", List.of(4), 1.0));
        if (backend.equals("tribuo")) {
            tasks = tasks.subList(0, 1);
        }
        return new ModelSpec("funnel", List.of(new DenseInput("ctx", List.of("d0", "d1"), true), new CategoricalInput("user", "user_id", 4,
                null, null)), tasks, topology, null, null, null, OptimizerSpec.adam(0.01), new TrainingSpec(1, 32, 3L, 0, null, 0, 1000),
                backend);
    }

    private static final Map<String, Vocabulary> VOCABS = Map.of("user", Vocabulary.of("user", List.of("alice", "bob", "carol")));
    private static final Map<String, Dataset.DenseStats> STATS = Map.of("ctx", new Dataset.DenseStats(new double[] {1, 2}, new double[] {3, 4}));

    @Test
    void exportsADl4jModelWithItsSideFile() throws Exception {
        Path model = dir.resolve("model.mtl");
        try (TrainableModel m = new Dl4jBackend().compile(spec("dl4j", new Topology.Mmoe(2, List.of(4), List.of())), VOCABS, STATS)) {
            m.save(model);
        }
        Path out = dir.resolve("export").resolve("funnel.onnx");
        Cli.Result r = Cli.run("export", "--model", model, "--format", "onnx", "--out", out);
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(out).isRegularFile();
        assertThat(Files.size(out)).isGreaterThan(100);
        Path side = dir.resolve("export").resolve("funnel.inputs.json");
        assertThat(r.out()).contains("wrote " + out).contains("wrote " + side).contains("inputs:  ctx, user")
                .contains("outputs: ctr, ctcvr, ctcvr.conditional");
        JsonNode json = new ObjectMapper().readTree(side.toFile());
        assertThat(json.at("/inputs/1/vocabulary/tokens").toString()).isEqualTo("[\"alice\",\"bob\",\"carol\"]");
        assertThat(json.at("/inputs/0/standardize").asText()).isEqualTo("in the graph: feed raw values");
    }

    @Test
    void exportsATribuoFactorizationMachine() throws Exception {
        Path model = dir.resolve("fm.mtl");
        try (TrainableModel m = new TribuoBackend().compile(spec("tribuo", new Topology.SharedBottom(List.of())).withoutHiddenLayers(),
                VOCABS, STATS)) {
            m.save(model);
        }
        Path out = dir.resolve("fm.onnx");
        Cli.Result r = Cli.run("export", "--model", model, "--out", out);
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(out).isRegularFile();
        assertThat(r.out()).contains("inputs:  ctx, user").contains("outputs: ctr\n");
        assertThat(dir.resolve("fm.inputs.json")).isRegularFile();
    }

    @Test
    void aMissingModelIsADataError() {
        Path missing = dir.resolve("none.mtl");
        Cli.Result r = Cli.run("export", "--model", missing, "--out", dir.resolve("none.onnx"));
        assertThat(r.code()).isEqualTo(ExitCodes.DATA);
        assertThat(dir.resolve("none.onnx")).doesNotExist();
    }

    @Test
    void anUnknownFormatIsAUsageError() {
        Cli.Result r = Cli.run("export", "--model", dir.resolve("m.mtl"), "--format", "pmml", "--out", dir.resolve("m.pmml"));
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).isEqualTo("mtl4j export: --format = \"pmml\" is not supported (supported: onnx)\n");
    }
}
