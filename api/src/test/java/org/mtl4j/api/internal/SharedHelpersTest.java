package org.mtl4j.api.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.Mtl4jVersion;
import org.mtl4j.api.backend.Provenance;

class SharedHelpersTest {
    @TempDir
    Path dir;

    @Test
    void theVersionComesFromThePomAndProvenanceIsBuiltWithIt() {
        assertThat(Mtl4jVersion.get()).matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
        Provenance p = Provenance.compiled("acme", "acme 2.0", Map.of("blas", "0.3"), 7L);
        assertThat(p.mtl4jVersion()).isEqualTo(Mtl4jVersion.get());
        assertThat(p.backendVersion()).isEqualTo("acme 2.0");
        assertThat(p.libraries()).containsEntry("blas", "0.3").containsEntry("mtl4j", Mtl4jVersion.get())
                .containsKey("java");
        assertThat(p.summary()).isEmpty();
        Provenance run = p.completed(9L, "train.csv", null, Map.of("epochs", "2", "stopReason", "done"));
        assertThat(run.trainData()).isEqualTo("train.csv");
        assertThat(run.validationData()).isNull();
        assertThat(run.seed()).isEqualTo(9L);
        assertThat(run.summary()).containsExactlyInAnyOrderEntriesOf(Map.of("epochs", "2", "stopReason", "done"));
        Provenance again = run.completed(9L, "train.csv", "valid.csv", Map.of("epochs", "3"));
        assertThat(again.summary()).containsExactlyInAnyOrderEntriesOf(Map.of("epochs", "3", "stopReason", "done"));
        assertThat(again.validationData()).isEqualTo("valid.csv");
        Provenance bare = new Provenance("x", "1", "1", Map.of(), 0, null, null, null, null).completed(1L, "t", null, null);
        assertThat(bare.libraries()).containsEntry("mtl4j", Mtl4jVersion.get()).containsKey("java");
    }

    @Test
    void splitMixMatchesTheJdksSplittableRandom() {
        for (long seed : new long[] {0L, 1L, 42L, -7L, Long.MAX_VALUE}) {
            SplittableRandom r = new SplittableRandom(seed);
            for (long i = 1; i <= 5; i++) {
                assertThat(SplitMix64.at(seed, i)).isEqualTo(r.nextLong());
            }
            assertThat(SplitMix64.derive(seed, 0)).isEqualTo(new SplittableRandom(seed).nextLong());
        }
        assertThat(SplitMix64.unit(-1L)).isLessThan(1.0).isGreaterThan(0.999);
        assertThat(SplitMix64.unit(0L)).isZero();
    }

    @Test
    void anAtomicWriteReplacesTheFileReadableByAllAndLeavesNoTemporaryFile() throws IOException {
        Path f = dir.resolve("sub").resolve("out.txt");
        AtomicFiles.writeString(f, "one");
        AtomicFiles.writeString(f, "two");
        assertThat(Files.readString(f)).isEqualTo("two");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-r--r--");
        try (Stream<Path> s = Files.list(f.getParent())) {
            assertThat(s).containsExactly(f);
        }
    }

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        Path f = dir.resolve("model.bin");
        AtomicFiles.writeBytes(f, new byte[] {1, 2, 3});
        assertThatThrownBy(() -> AtomicFiles.write(f, out -> {
            out.write(new byte[1000]);
            throw new IOException("disk full");
        })).hasMessage("disk full");
        assertThat(Files.readAllBytes(f)).containsExactly(1, 2, 3);
        try (AtomicFiles.Staged s = AtomicFiles.stage(f)) {
            s.out().write(9);
            // closed without commit
        }
        assertThat(Files.readAllBytes(f)).containsExactly(1, 2, 3);
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s).containsExactly(f);
        }
    }
}
