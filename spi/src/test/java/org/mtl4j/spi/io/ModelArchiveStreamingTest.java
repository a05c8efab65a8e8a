package org.mtl4j.spi.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.Topology;

/**
 * Streamed backend entries (issue 13): written by {@link ModelArchive.EntryWriter}s, read back through
 * {@link ModelArchive#openEntry} without being held in memory by {@link ModelArchive#read}, and checked
 * against their declared size and CRC-32 as they stream.
 */
class ModelArchiveStreamingTest {
    @TempDir
    Path dir;

    private final ModelSpec spec = Specimens.model(new Topology.Mmoe(4, List.of(8), List.of()));
    private final Map<String, Vocabulary> vocabs = Map.of("user", Vocabulary.of("user", List.of("a", "b")));

    /** 24 MiB of floats with a seeded pattern: above the 16 MiB that read() keeps in memory. */
    private static final int FLOATS = 6 << 20;

    private static void writeFloats(java.io.OutputStream out, long seed) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        Random rng = new Random(seed);
        for (int i = 0; i < FLOATS; i++) {
            d.writeFloat(i % 7 == 0 ? rng.nextFloat() : i % 1000);
        }
        d.flush();
    }

    private Path big(String name) throws IOException {
        Path f = dir.resolve(name);
        Map<String, ModelArchive.EntryWriter> entries = new LinkedHashMap<>();
        entries.put("small.bin", out -> out.write("hello".getBytes(StandardCharsets.UTF_8)));
        entries.put("state.bin", out -> writeFloats(out, 42));
        ModelArchive.writeStreaming(f, spec, vocabs, null, entries);
        return f;
    }

    @Test
    void aLargeEntryStreamsBackExactly() throws IOException {
        Path f = big("big.mtl");
        ModelArchive a = ModelArchive.read(f);
        assertThat(a.spec()).isEqualTo(spec);
        assertThat(a.entryNames()).containsExactlyInAnyOrder("small.bin", "state.bin");
        assertThat(a.entrySize("state.bin")).isEqualTo(4L * FLOATS);
        assertThat(a.entry("small.bin")).isEqualTo("hello".getBytes(StandardCharsets.UTF_8));
        java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
        writeFloats(expected, 42);
        try (InputStream in = a.openEntry("state.bin")) {
            assertThat(in.readAllBytes()).isEqualTo(expected.toByteArray());
        }
        // the array API still works for an entry that fits an array
        assertThat(a.entry("state.bin")).isEqualTo(expected.toByteArray());
        assertThat(a.entries()).containsOnlyKeys("small.bin", "state.bin");
        // the byte-array write and the streamed write give the same archive contents
        Path g = dir.resolve("arrays.mtl");
        ModelArchive.write(g, spec, vocabs, null, Map.of("state.bin", expected.toByteArray()));
        try (InputStream in = ModelArchive.read(g).openEntry("state.bin")) {
            assertThat(in.readAllBytes()).isEqualTo(expected.toByteArray());
        }
        assertThatThrownBy(() -> a.openEntry("missing.bin")).isInstanceOf(ModelFileException.class)
                .hasMessageStartingWith(f + ": corrupt model file: no backend entry 'missing.bin'");
    }

    @Test
    void aCorruptedLargeEntryFailsAsItStreamsNamingFileAndEntry() throws IOException {
        Path f = big("flipped.mtl");
        byte[] b = Files.readAllBytes(f);
        // a byte in the middle of the deflated state: the archive's headers and manifest still read
        int at = ModelArchiveTest.indexOf(b, "backend/state.bin".getBytes(StandardCharsets.ISO_8859_1)) + 200_000;
        b[at] ^= 0x55;
        Files.write(f, b);
        ModelArchive a = ModelArchive.read(f);
        assertThatThrownBy(() -> {
            try (InputStream in = a.openEntry("state.bin")) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
        }).isInstanceOf(ModelFileException.class)
                .hasMessageStartingWith(f + ": corrupt model file: entry 'backend/state.bin' ");
    }

    @Test
    void aTruncatedArchiveWithALargeEntryIsRefusedOnRead() throws IOException {
        Path f = big("truncated.mtl");
        byte[] b = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(b, b.length / 2));
        assertThatThrownBy(() -> ModelArchive.read(f)).isInstanceOf(ModelFileException.class)
                .hasMessageStartingWith(f + ": corrupt model file: ");
    }

    @Test
    void aFailingWriterLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        Path f = big("kept.mtl");
        byte[] before = Files.readAllBytes(f);
        Map<String, ModelArchive.EntryWriter> entries = new LinkedHashMap<>();
        entries.put("state.bin", out -> {
            out.write(new byte[1 << 20]);
            throw new IOException("disk full");
        });
        assertThatThrownBy(() -> ModelArchive.writeStreaming(f, spec, vocabs, null, entries)).hasMessage("disk full");
        assertThat(Files.readAllBytes(f)).isEqualTo(before);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList()).isEmpty();
        }
    }
}
