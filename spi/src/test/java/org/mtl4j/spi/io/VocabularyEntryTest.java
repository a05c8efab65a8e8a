package org.mtl4j.spi.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.Topology;

/** The binary vocabularies entry of format 2: size at a million ids, round trips, format 1 files, corrupt entries. */
class VocabularyEntryTest {
    @TempDir
    Path dir;

    private final ModelSpec spec = Specimens.model(new Topology.SharedBottom(List.of(8)));

    @Test
    void aMillionIdVocabularyRoundTripsInAFileNoLargerThanItsText() throws IOException {
        int n = 1_000_000;
        List<String> ids = new ArrayList<>(n);
        long textBytes = 0;
        for (int i = 0; i < n; i++) {
            String id = "u" + Integer.toHexString(i * 0x9E3779B1);
            ids.add(id);
            textBytes += id.length();
        }
        Map<String, Vocabulary> vocabs = new LinkedHashMap<>();
        vocabs.put("user", Vocabulary.of("user", ids));
        vocabs.put("category", Vocabulary.of("category", List.of("ä", "b", "日本")));
        vocabs.put("item", Vocabulary.hashed("item", 1 << 20));
        Path f = dir.resolve("big.mtl");
        ModelArchive.write(f, spec, vocabs, null, Map.of());

        // the entry is the text plus one length byte per id (ids below 128 bytes) before deflate; the JSON of
        // format 1 added quotes and a comma to each (3 bytes) and every reader held a String per id
        assertThat(Files.size(f)).isLessThan(textBytes + n + (64 << 10));
        ModelArchive a = ModelArchive.read(f);
        assertThat(a.formatVersion()).isEqualTo(2);
        assertThat(a.vocabularies()).containsOnlyKeys("user", "category", "item");
        Vocabulary user = a.vocabularies().get("user");
        assertThat(user.size()).isEqualTo(n + 2);
        assertThat(user).isEqualTo(vocabs.get("user"));
        assertThat(user.index(ids.get(123_456))).isEqualTo(123_456 + 2);
        assertThat(user.index("never-seen")).isEqualTo(Vocabulary.OOV);
        assertThat(a.vocabularies().get("category").tokens()).containsExactly("ä", "b", "日本");
        assertThat(a.vocabularies().get("item").hashBuckets()).isEqualTo(1 << 20);
    }

    @Test
    void aFormatOneArchiveWithJsonVocabulariesStillLoads() throws IOException {
        Path f = dir.resolve("old.mtl");
        Map<String, byte[]> e = new LinkedHashMap<>();
        e.put("mtl4j-format", utf8("mtl4j-model-archive 1\n"));
        e.put("backend.txt", utf8("dl4j\n"));
        e.put("spec.json", utf8(SpecCodec.toJson(spec)));
        e.put("vocabularies.json", utf8("{\"user\": {\"input\": \"user\", \"tokens\": [\"a\", \"b\"]},"
                + " \"item\": {\"input\": \"item\", \"hashBuckets\": 64}}"));
        writeZip(f, e);
        ModelArchive a = ModelArchive.read(f);
        assertThat(a.formatVersion()).isEqualTo(1);
        assertThat(a.vocabularies()).isEqualTo(Map.of("user", Vocabulary.of("user", List.of("a", "b")),
                "item", Vocabulary.hashed("item", 64)));
    }

    @Test
    void aFormatTwoArchiveNeedsItsBinaryEntry() throws IOException {
        Path f = dir.resolve("novocab.mtl");
        Map<String, byte[]> e = base();
        e.put("vocabularies.json", utf8("{}"));
        writeZip(f, e);
        assertThatThrownBy(() -> ModelArchive.read(f))
                .isInstanceOf(ModelFileException.class)
                .hasMessage(f + ": corrupt model file: no 'vocabularies.bin' entry");
    }

    @Test
    void aCorruptVocabularyEntryIsNamedWithWhatWasFound() throws IOException {
        byte[] good = VocabularyEntry.write(Map.of("user", Vocabulary.of("user", List.of("a", "bc"))));
        // MTLV, layout 1, 1 vocabulary, key "user", input "user", 0 buckets, 2 tokens, 3 text bytes, lengths 1 2, "abc"
        assertThat(good).containsExactly('M', 'T', 'L', 'V', 1, 1, 4, 'u', 's', 'e', 'r', 4, 'u', 's', 'e', 'r', 0, 2, 3, 1, 2,
                'a', 'b', 'c');
        String entry = ": corrupt model file: entry 'vocabularies.bin' ";

        assertCorrupt(new byte[] {'M', 'T', 'L', 'X', 1, 0}, entry + "does not start with \"MTLV\"");
        assertCorrupt(new byte[] {'M', 'T', 'L', 'V', 9, 0}, entry + "has vocabulary layout 9, this mtl4j reads 1");
        byte[] manyTokens = good.clone();
        manyTokens[17] = 99; // 99 tokens in 8 bytes
        assertCorrupt(manyTokens, entry + "vocabulary 'user' tokens says 99, more than the 6 bytes left can hold");
        byte[] longToken = good.clone();
        longToken[20] = 3; // token 1 of 3 bytes after one of 1: past the 3 bytes of text
        assertCorrupt(longToken, entry + "vocabulary 'user' token 1 is 3 bytes long, past the 3 bytes of its text");
        byte[] twice = {'M', 'T', 'L', 'V', 1, 1, 4, 'u', 's', 'e', 'r', 4, 'u', 's', 'e', 'r', 0, 2, 2, 1, 1, 'x', 'x'};
        assertCorrupt(twice, entry + "vocabulary 'user' lists \"x\" twice");
        byte[] badUtf8 = good.clone();
        badUtf8[22] = (byte) 0xC3; // a lead byte followed by 'c': malformed
        assertCorrupt(badUtf8, entry + "vocabulary 'user' token 1 is not valid UTF-8");
        assertCorrupt(java.util.Arrays.copyOf(good, 15), entry + "vocabulary 'user' input needs 4 bytes, 3 are left");
        byte[] trailing = java.util.Arrays.copyOf(good, good.length + 2);
        assertCorrupt(trailing, entry + "has 2 bytes after its last vocabulary");
        byte[] hugeLength = {'M', 'T', 'L', 'V', 1, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f};
        assertCorrupt(hugeLength, entry + "vocabularies at byte 10 is not a length (more than 31 bits)");
    }

    private void assertCorrupt(byte[] vocabularies, String message) throws IOException {
        Path f = dir.resolve("corrupt.mtl");
        Map<String, byte[]> e = base();
        e.put("vocabularies.bin", vocabularies);
        writeZip(f, e);
        assertThatThrownBy(() -> ModelArchive.read(f))
                .isInstanceOf(ModelFileException.class)
                .hasMessage(f + message);
    }

    private Map<String, byte[]> base() {
        Map<String, byte[]> e = new LinkedHashMap<>();
        e.put("mtl4j-format", utf8("mtl4j-model-archive 2\n"));
        e.put("backend.txt", utf8("dl4j\n"));
        e.put("spec.json", utf8(SpecCodec.toJson(spec)));
        return e;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void writeZip(Path f, Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        Files.write(f, bytes.toByteArray());
    }
}
