package org.mtl4j.training.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A state snapshot above its in-memory limit goes to a temporary file and comes back byte for byte (issue 13). */
class ModelStateTest {
    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        new Random(5).nextBytes(b);
        return b;
    }

    @Test
    void aStateAboveTheLimitSpillsToAFileAndReadsBackExactly() throws IOException {
        byte[] b = bytes(300_000);
        ModelState inFile = ModelState.read(new ByteArrayInputStream(b), b.length, 100_000);
        ModelState inMemory = ModelState.read(new ByteArrayInputStream(b), b.length, 1_000_000);
        assertThat(inFile.inFile()).isTrue();
        assertThat(inMemory.inFile()).isFalse();
        for (ModelState s : new ModelState[] {inFile, inMemory}) {
            assertThat(s.size()).isEqualTo(b.length);
            try (InputStream in = s.open()) {
                assertThat(in.readAllBytes()).isEqualTo(b);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            s.writeTo(out);
            assertThat(out.toByteArray()).isEqualTo(b);
            assertThat(s.bytes()).isEqualTo(b);
        }
    }

    @Test
    void aShortStreamIsAnEndOfFile() {
        assertThatThrownBy(() -> ModelState.read(new ByteArrayInputStream(bytes(10)), 20, 4))
                .isInstanceOf(EOFException.class).hasMessage("model state ends after 10 of its 20 bytes");
    }
}
