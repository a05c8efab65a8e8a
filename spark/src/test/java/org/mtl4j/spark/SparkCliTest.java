package org.mtl4j.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.cli.ExitCodes;
import org.mtl4j.cli.Main;
import org.mtl4j.spi.io.SpecCodec;

/** {@code mtl4j train --spark local[2]}: the CLI finds the Spark trainer through ServiceLoader and writes the usual run files. */
class SparkCliTest {

    private record Result(int code, String out, String err) {
    }

    private static Result mtl4j(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    private static Path csv(Path dir, List<Map<String, String>> rows) throws Exception {
        StringBuilder b = new StringBuilder(String.join(",", rows.get(0).keySet())).append('\n');
        for (Map<String, String> r : rows) {
            b.append(String.join(",", r.values())).append('\n');
        }
        return Files.writeString(dir.resolve("train.csv"), b.toString());
    }

    @Test
    void trainsOnLocalSparkIntoTheUsualRunDirectoryAndResumes(@TempDir Path dir) throws Exception {
        Path data = csv(dir, SparkTrainerTest.rows(7));
        Path spec = Files.writeString(dir.resolve("model.yaml"), SpecCodec.toYaml(SparkTrainerTest.spec("uncertainty", null, 1)));
        Path out = dir.resolve("run");
        Result r = mtl4j("train", "--spark", "local[2]", "--spec", spec.toString(), "--data", data.toString(), "--out",
                out.toString(), "--no-progress");
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).contains("on Spark local[2]").contains("click");
        for (String f : List.of("model.mtl", "metrics.json", "history.json", "report.html", "checkpoints/latest.ckpt")) {
            assertThat(out.resolve(f)).exists();
        }
        assertThat(Files.readString(out.resolve("metrics.json"))).contains("\"click\"").contains("auc");
        // a second epoch continues from the first epoch's checkpoint
        Result again = mtl4j("train", "--spark", "local[2]", "--spec", spec.toString(), "--data", data.toString(), "--out",
                out.toString(), "--no-progress", "--resume", "--epochs", "2");
        assertThat(again.code()).as(again.err()).isEqualTo(ExitCodes.OK);
        assertThat(again.err()).contains("resuming from");
        assertThat(Files.readString(out.resolve("history.json"))).contains("\"epoch\" : 1");
    }

    @Test
    void aBadRowExitsWithTheDataCodeNamingFileRowColumnAndValue(@TempDir Path dir) throws Exception {
        List<Map<String, String>> rows = SparkTrainerTest.rows(8);
        rows.get(4).put("dwell", "n/a");
        rows.get(4).put("click", "1");
        Path data = csv(dir, rows);
        Path spec = Files.writeString(dir.resolve("model.yaml"), SpecCodec.toYaml(SparkTrainerTest.spec("equal", null, 1)));
        Result r = mtl4j("train", "--spark", "local[2]", "--spec", spec.toString(), "--data", data.toString(), "--out",
                dir.resolve("run").toString(), "--no-progress");
        assertThat(r.code()).isEqualTo(ExitCodes.DATA);
        assertThat(r.err()).contains(data + ", row 5: column 'dwell': ").contains("\"n/a\"");
    }
}
