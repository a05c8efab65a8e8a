package org.mtl4j.training.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.train.TrainingDivergedException;
import org.mtl4j.training.CheckpointException;

/** Crafted checkpoints, divergence beyond NaN/Inf, and which checkpoint is good after a divergence. */
class TrainingFaultsTest {
    @TempDir
    Path dir;

    @Test
    void aCraftedArrayLengthIsRefusedBeforeAllocating() throws IOException {
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        try (DataOutputStream d = new DataOutputStream(payload)) {
            d.writeInt(1);
            d.writeUTF("ctr");
            d.writeInt(0);
            d.writeLong(0);
            d.writeLong(0);
            d.writeInt(Integer.MAX_VALUE); // lossSum: 16 GiB of doubles
        }
        Path f = dir.resolve("crafted.ckpt");
        byte[] p = payload.toByteArray();
        CRC32 crc = new CRC32();
        crc.update(p);
        try (DataOutputStream d = new DataOutputStream(Files.newOutputStream(f))) {
            d.writeUTF(Checkpoint.MAGIC);
            d.writeInt(Checkpoint.VERSION);
            d.writeLong(p.length);
            d.write(p);
            d.writeLong(crc.getValue());
        }
        assertThatThrownBy(() -> Checkpoint.read(f))
                .isInstanceOf(CheckpointException.class)
                .hasMessage("checkpoint " + f + " is corrupted (array of numbers: length 2147483647 in a payload with 0 bytes "
                        + "left)")
                .satisfies(e -> assertThat(((CheckpointException) e).mismatch()).isFalse());
    }

    @Test
    void aLossFarAboveItsStartingLevelIsADivergenceOfThatTask() {
        DivergenceGuard g = new DivergenceGuard(List.of("ctr", "cvr"));
        int[] labelled = {64, 64};
        for (int s = 0; s < DivergenceGuard.WARMUP; s++) {
            g.check(new double[] {0.69, 0.3}, labelled, s);
        }
        // ctr falls, cvr rises by four orders of magnitude without ever being non-finite
        assertThatThrownBy(() -> {
            for (int s = 10; s < 40; s++) {
                g.check(new double[] {0.5, 0.3 * Math.pow(2, s - 9)}, labelled, s);
            }
        }).isInstanceOf(TrainingDivergedException.class)
                .hasMessageStartingWith("training diverged at step ")
                .hasMessageContaining(": loss of task 'cvr' rose to ")
                .hasMessageContaining("more than 1.00e+03 times its level over the first 10 steps (0.300)")
                .satisfies(e -> assertThat(((TrainingDivergedException) e).task()).isEqualTo("cvr"));
        assertThat(g.worst(List.of(0, 1))).isEqualTo("cvr");
    }

    @Test
    void aHealthyFallingLossNeverTrips() {
        DivergenceGuard g = new DivergenceGuard(List.of("ctr"));
        for (int s = 0; s < 10_000; s++) {
            double noise = ((s * 7919) % 100) / 100.0; // up to 2x jumps around a falling curve
            g.check(new double[] {(0.7 / Math.sqrt(1 + s)) * (1 + noise)}, new int[] {32}, s);
        }
    }

    @Test
    void aLossBeyondTheAbsoluteCapFailsAtOnceNamingTheTask() {
        DivergenceGuard g = new DivergenceGuard(List.of("ctr", "rating"));
        assertThatThrownBy(() -> g.check(new double[] {0.7, 1e60}, new int[] {10, 10}, 0))
                .isInstanceOf(TrainingDivergedException.class)
                .hasMessage("training diverged at step 0: loss of task 'rating' is 1.00e+60, beyond 1.00e+15 (labels far out "
                        + "of scale, or a learning rate far too high)");
    }

    @Test
    void afterADivergenceLatestIsTheNewestCheckpointFollowedByAFiniteStep() throws IOException {
        GoodCheckpoints good = new GoodCheckpoints();
        Path latest = dir.resolve("latest.ckpt");
        for (long step : new long[] {0, 4, 8, 12}) {
            Path f = dir.resolve("step-" + step + ".ckpt");
            Files.writeString(f, "state after " + step);
            Files.writeString(latest, "state after " + step);
            good.written(f, step);
        }
        // the update of step 11 blew the weights up; step 12 was the first to see it
        assertThat(good.rewind(latest, 12)).isEqualTo(dir.resolve("step-8.ckpt"));
        assertThat(latest).hasContent("state after 8");
        assertThat(dir.resolve("step-12.ckpt")).doesNotExist();
        // diverging at the very first step falls back to the initial state
        GoodCheckpoints first = new GoodCheckpoints();
        Files.writeString(dir.resolve("initial.ckpt"), "state after 0");
        first.written(dir.resolve("initial.ckpt"), 0);
        assertThat(first.rewind(latest, 0)).isEqualTo(dir.resolve("initial.ckpt"));
        assertThat(latest).hasContent("state after 0");
    }
}
