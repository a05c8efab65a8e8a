package org.mtl4j.spi.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.backend.Provenance;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.Topology;

/** Damaged model files: every flipped byte loads bit-identical or fails as a corrupt model file; entries are capped. */
class ModelFileFaultsTest {
    @TempDir
    Path dir;

    private final ModelSpec spec = Specimens.model(new Topology.Mmoe(4, List.of(8), List.of()));
    private final Map<String, Vocabulary> vocabs = Map.of("user", Vocabulary.of("user", List.of("a", "b", "c")));
    private final Provenance provenance = new Provenance("dl4j", "1.0.0-M2.1", "0.1.0", Map.of("java", "17"), 7,
            "train.csv", null, "2026-11-28T01:00:00Z", Map.of("epochs", "2"));

    @Test
    void everyFlippedByteLoadsBitIdenticalOrFailsAsACorruptModelFile() throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        byte[] params = new byte[500];
        new Random(1).nextBytes(params);
        entries.put("params.bin", params);
        entries.put("state/optimizer.bin", new byte[2000]); // zeros: compresses to a few bytes
        Path f = dir.resolve("model.mtl");
        ModelArchive.write(f, spec, vocabs, provenance, entries);
        byte[] original = Files.readAllBytes(f);
        Path damaged = dir.resolve("damaged.mtl");
        Random rnd = new Random(42);
        int identical = 0;
        int refused = 0;
        for (int pos = 0; pos < original.length; pos++) {
            // one random bit at every byte, and every bit of every 5th byte
            for (int mask : pos % 5 == 0 ? new int[] {1 << rnd.nextInt(8), 0xff} : new int[] {1 << rnd.nextInt(8)}) {
                byte[] b = original.clone();
                b[pos] ^= (byte) mask;
                Files.write(damaged, b);
                ModelArchive a;
                try {
                    a = ModelArchive.read(damaged);
                } catch (ModelFileException e) {
                    assertThat(e.getMessage()).as("byte %d ^ %x", pos, mask)
                            .startsWith(damaged + ": corrupt model file: ");
                    refused++;
                    continue;
                }
                assertThat(a.spec()).as("byte %d ^ %x", pos, mask).isEqualTo(spec);
                assertThat(a.vocabularies()).isEqualTo(vocabs);
                assertThat(a.provenance()).isEqualTo(provenance);
                assertThat(a.backend()).isEqualTo("dl4j");
                assertThat(a.entries()).containsOnlyKeys("params.bin", "state/optimizer.bin");
                assertThat(a.entry("params.bin")).isEqualTo(params);
                assertThat(a.entry("state/optimizer.bin")).isEqualTo(new byte[2000]);
                identical++;
            }
        }
        System.out.printf("flipped %d-byte model file: %d loads bit-identical, %d refused as corrupt%n", original.length,
                identical, refused);
        // most bytes are entry data or headers the reader uses: most flips must be refused
        assertThat(refused).isGreaterThan(identical);
    }

    @Test
    void aSpecThatInflatesBeyondItsCapIsRefusedWithoutInflatingIt() throws IOException {
        Path bomb = dir.resolve("bomb.mtl");
        // the trial's file inflated to 1.5 GiB; 64 MiB (four times the cap) keeps the test quick, the check is the same
        long declared = 64L << 20;
        writeHonestBomb(bomb, ModelArchive.SPEC_ENTRY, declared);
        assertThat(Files.size(bomb)).isLessThan(200_000);
        assertThatThrownBy(() -> ModelArchive.read(bomb))
                .isInstanceOf(ModelFileException.class)
                .hasMessage(bomb + ": corrupt model file: entry 'spec.json' declares 67108864 bytes, more than the "
                        + "16777216 an entry of its kind may hold");
        assertThatThrownBy(() -> ModelArchive.backendOf(bomb))
                .hasMessageStartingWith(bomb + ": corrupt model file: ");
    }

    @Test
    void anEntryThatInflatesBeyondItsDeclaredSizeIsRefused() throws IOException {
        Path f = dir.resolve("liar.mtl");
        // a STORED-size lie is not possible with deflate streams from ZipOutputStream; patch the central size
        Map<String, byte[]> entries = Map.of("params.bin", new byte[100_000]);
        ModelArchive.write(f, spec, vocabs, provenance, entries);
        byte[] b = Files.readAllBytes(f);
        int cen = lastIndexOf(b, "PK\u0001\u0002".getBytes(StandardCharsets.ISO_8859_1), "backend/params.bin");
        // uncompressed size at offset 24 of the central header: say 1000 bytes
        putInt(b, cen + 24, 1000);
        Files.write(f, b);
        assertThatThrownBy(() -> ModelArchive.read(f))
                .isInstanceOf(ModelFileException.class)
                .hasMessage(f + ": corrupt model file: entry 'backend/params.bin' inflates to more than its declared 1000 bytes");
    }

    /** A real deflate stream of {@code size} spaces (the archive's other entries valid), sizes and CRC honest. */
    private static void writeHonestBomb(Path f, String name, long size) throws IOException {
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(f))) {
            z.setLevel(9);
            put(z, ModelArchive.FORMAT_ENTRY, "mtl4j-model-archive 1\n".getBytes(StandardCharsets.UTF_8));
            put(z, ModelArchive.BACKEND_ENTRY, "dl4j\n".getBytes(StandardCharsets.UTF_8));
            ZipEntry e = new ZipEntry(name);
            z.putNextEntry(e);
            byte[] chunk = new byte[1 << 20];
            java.util.Arrays.fill(chunk, (byte) ' ');
            for (long done = 0; done < size; ) {
                int n = (int) Math.min(chunk.length, size - done);
                z.write(chunk, 0, n);
                done += n;
            }
            z.closeEntry();
        }
    }

    private static void put(ZipOutputStream z, String name, byte[] bytes) throws IOException {
        ZipEntry e = new ZipEntry(name);
        CRC32 crc = new CRC32();
        crc.update(bytes);
        z.putNextEntry(e);
        z.write(bytes);
        z.closeEntry();
    }

    private static int lastIndexOf(byte[] hay, byte[] sig, String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        for (int i = hay.length - sig.length; i >= 0; i--) {
            boolean match = true;
            for (int j = 0; j < sig.length && match; j++) {
                match = hay[i + j] == sig[j];
            }
            if (match && i + 46 + n.length <= hay.length
                    && new String(hay, i + 46, n.length, StandardCharsets.UTF_8).equals(name)) {
                return i;
            }
        }
        throw new AssertionError("no central header for " + name);
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
        b[at + 2] = (byte) (v >>> 16);
        b[at + 3] = (byte) (v >>> 24);
    }
}
