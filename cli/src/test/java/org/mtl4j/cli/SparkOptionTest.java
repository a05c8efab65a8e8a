package org.mtl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --spark} without the mtl4j-spark module on the class path (the CLI has no Spark dependency). */
class SparkOptionTest {

    @Test
    void sparkWithoutTheSparkModuleIsAUsageErrorSayingWhatToRun(@TempDir Path dir) throws Exception {
        Path spec = Fixtures.spec(dir, "esmm.yaml");
        Cli.Result r = Cli.run("train", "--spark", "local[2]", "--spec", spec, "--data", dir.resolve("train.csv"), "--out",
                dir.resolve("run"));
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("--spark: the Spark trainer (module mtl4j-spark) is not on the class path");
    }

    @Test
    void sparkOnlyOptionsNeedSpark(@TempDir Path dir) throws Exception {
        Path spec = Fixtures.spec(dir, "esmm.yaml");
        Cli.Result r = Cli.run("train", "--local-steps", "4", "--spec", spec, "--data", dir.resolve("train.csv"), "--out",
                dir.resolve("run"));
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("--partitions and --local-steps need --spark");
    }
}
