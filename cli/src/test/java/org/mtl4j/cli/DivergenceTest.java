package org.mtl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A learning rate of 1e30 makes the loss non-finite within a few steps: exit 4, task and step named, checkpoint kept. */
class DivergenceTest {

    @Test
    void divergedTrainingExitsWith4AndKeepsTheLastGoodCheckpoint(@TempDir Path dir) throws Exception {
        Path spec = Fixtures.spec(dir, "diverging.yaml");
        Path data = Fixtures.funnel(dir, "train.csv", 2000, 1);
        Path run = dir.resolve("run");
        Cli.Result r = Cli.run("train", "--spec", spec, "--data", data, "--out", run, "--checkpoint-every", "1", "--no-progress");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.DIVERGED);
        assertThat(r.err()).matches("(?s)mtl4j train: training diverged at step \\d+: (loss|gradient|loss weight) of task '(ctr|cvr)' "
                + "is not finite; the last good checkpoint is kept: " + java.util.regex.Pattern.quote(
                        run.resolve("checkpoints").resolve("latest.ckpt").toString()) + "\n");
        assertThat(run.resolve("checkpoints").resolve("latest.ckpt")).isRegularFile();
        assertThat(run.resolve("model.mtl")).doesNotExist();
        assertThat(run.resolve("metrics.json")).doesNotExist();
    }
}
