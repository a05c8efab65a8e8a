package org.mtl4j.spi.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.backend.Provenance;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.Topology;

class ModelArchiveTest {
    @TempDir
    Path dir;

    private final ModelSpec spec = Specimens.model(new Topology.Mmoe(4, List.of(8), List.of()));
    private final Map<String, Vocabulary> vocabs = Map.of("user", Vocabulary.of("user", List.of("a", "b")),
            "item", Vocabulary.hashed("item", 64));
    private final Provenance provenance = new Provenance("dl4j", "1.0.0-M2.1", "0.1.0", Map.of("java", "17"), 7,
            "train.csv", "valid.csv", "2026-11-28T01:00:00Z", Map.of("epochs", "2"));

    private static Map<String, byte[]> entries(String params) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("params.bin", params.getBytes(StandardCharsets.UTF_8));
        m.put("state/optimizer.bin", new byte[] {1, 2, 3, 0, -1});
        return m;
    }

    /** A format 1 model predates sentence pooling: its MiniLM text inputs read as the whole-text embedder it was trained on. */
    @Test
    void formatOneMiniLmTextInputsReadAsTheWholeTextEmbedder() {
        List<org.mtl4j.api.spec.InputSpec> inputs = new java.util.ArrayList<>(spec.inputs());
        inputs.add(new org.mtl4j.api.spec.TextInput("title", "title", null, 64, 8,
                null, null, "all-minilm-l6-v2", null));
        inputs.add(new org.mtl4j.api.spec.TextInput("body", "body", null, 64, 8,
                null, null, "char-ngrams", null));
        ModelSpec old = new ModelSpec(spec.name(), inputs, spec.tasks(), spec.topology(), spec.lossWeighting(),
                spec.gradientAggregation(), spec.clipping(), spec.optimizer(), spec.training(), spec.backend());
        ModelSpec read = ModelArchive.wholeTextMiniLm(old);
        List<String> pretrained = read.inputs().stream().filter(i -> i instanceof org.mtl4j.api.spec.TextInput)
                .map(i -> ((org.mtl4j.api.spec.TextInput) i).pretrained()).toList();
        assertThat(pretrained).doesNotContain("all-minilm-l6-v2").endsWith("all-minilm-l6-v2-whole", "char-ngrams");
        assertThat(read.inputs()).hasSameSizeAs(old.inputs());
        ModelSpec none = ModelArchive.wholeTextMiniLm(read);
        assertThat(none).isSameAs(read);
    }

    @Test
    void writeThenReadGivesBackEverything() throws IOException {
        Path f = dir.resolve("model.mtl");
        ModelArchive.write(f, spec, vocabs, provenance, entries("weights-1"));
        ModelArchive a = ModelArchive.read(f);
        assertThat(a.formatVersion()).isEqualTo(ModelArchive.FORMAT_VERSION);
        assertThat(a.spec()).isEqualTo(spec);
        assertThat(a.vocabularies()).isEqualTo(vocabs);
        assertThat(a.provenance()).isEqualTo(provenance);
        assertThat(a.backend()).isEqualTo("dl4j");
        assertThat(a.entries()).containsOnlyKeys("params.bin", "state/optimizer.bin");
        assertThat(new String(a.entry("params.bin"), StandardCharsets.UTF_8)).isEqualTo("weights-1");
        assertThat(a.entry("state/optimizer.bin")).containsExactly(1, 2, 3, 0, -1);
        assertThatThrownBy(() -> a.entry("missing.bin"))
                .isInstanceOf(ModelFileException.class)
                .hasMessage(f + ": corrupt model file: no backend entry 'missing.bin' (entries: [params.bin, "
                        + "state/optimizer.bin])");
    }

    @Test
    void withoutProvenanceTheSpecNamesTheBackend() throws IOException {
        Path f = dir.resolve("sub/dir/untrained.mtl");
        ModelArchive.write(f, spec, Map.of(), null, Map.of());
        ModelArchive a = ModelArchive.read(f);
        assertThat(a.backend()).isEqualTo("tribuo");
        assertThat(a.provenance()).isNull();
        assertThat(a.vocabularies()).isEmpty();
    }

    @Test
    void aFailingWriteLeavesTheOldFileIntactAndNoTemporaryFile() throws IOException {
        Path f = dir.resolve("model.mtl");
        ModelArchive.write(f, spec, vocabs, provenance, entries("old-weights"));
        byte[] before = Files.readAllBytes(f);

        Map<String, byte[]> failing = new AbstractMap<>() {
            @Override
            public Set<Entry<String, byte[]>> entrySet() {
                return new java.util.AbstractSet<>() {
                    @Override
                    public Iterator<Entry<String, byte[]>> iterator() {
                        return new Iterator<>() {
                            int i;

                            @Override
                            public boolean hasNext() {
                                return true;
                            }

                            @Override
                            public Entry<String, byte[]> next() {
                                if (i++ == 0) {
                                    return Map.entry("params.bin", new byte[1 << 20]);
                                }
                                throw new UncheckedIOException(new IOException("disk full (simulated)"));
                            }
                        };
                    }

                    @Override
                    public int size() {
                        return 2;
                    }
                };
            }

            @Override
            public Set<String> keySet() {
                return Set.of("params.bin", "more.bin");
            }
        };
        assertThatThrownBy(() -> ModelArchive.write(f, spec, vocabs, provenance, failing))
                .isInstanceOf(UncheckedIOException.class);
        assertThat(Files.readAllBytes(f)).isEqualTo(before);
        assertThat(new String(ModelArchive.read(f).entry("params.bin"), StandardCharsets.UTF_8)).isEqualTo("old-weights");
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("model.mtl");
        }
    }

    @Test
    void aSuccessfulWriteReplacesTheOldFile() throws IOException {
        Path f = dir.resolve("model.mtl");
        ModelArchive.write(f, spec, vocabs, provenance, entries("old"));
        ModelArchive.write(f, spec, vocabs, provenance, entries("new"));
        assertThat(new String(ModelArchive.read(f).entry("params.bin"), StandardCharsets.UTF_8)).isEqualTo("new");
    }

    @Test
    void theModelFileIsReadableByOthersLikeAnyOtherOutput() throws IOException {
        Path f = dir.resolve("shared.mtl");
        ModelArchive.write(f, spec, vocabs, provenance, entries("w"));
        org.junit.jupiter.api.Assumptions.assumeTrue(f.getFileSystem().supportedFileAttributeViews().contains("posix"),
                "POSIX permissions are not supported here");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-r--r--");
    }

    @Test
    void badEntryNamesAreRefusedBeforeAnythingIsWritten() {
        Path f = dir.resolve("model.mtl");
        assertThatThrownBy(() -> ModelArchive.write(f, spec, vocabs, provenance, Map.of("../escape", new byte[1])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("model archive " + f + ": backend entry name must be a relative path without '..', found "
                        + "\"../escape\"");
        assertThat(f).doesNotExist();
    }

    @Test
    void aTruncatedFileIsReportedAsCorruptNamingTheFile() throws IOException {
        Path f = dir.resolve("model.mtl");
        ModelArchive.write(f, spec, vocabs, provenance, entries("weights"));
        byte[] all = Files.readAllBytes(f);
        Path cut = dir.resolve("cut.mtl");
        Files.write(cut, java.util.Arrays.copyOf(all, all.length / 2));
        assertThatThrownBy(() -> ModelArchive.read(cut))
                .isInstanceOf(ModelFileException.class)
                .hasMessage(cut + ": corrupt model file: not an mtl4j model archive (not a readable zip file: zip END header not found)");
    }

    @Test
    void aForeignFileIsReportedNamingTheFile() throws IOException {
        Path text = dir.resolve("notes.mtl");
        Files.writeString(text, "name: not a model\n");
        assertThatThrownBy(() -> ModelArchive.read(text))
                .isInstanceOf(ModelFileException.class)
                .hasMessage(text + ": corrupt model file: not an mtl4j model archive (not a readable zip file: zip END header not found)");

        Path otherZip = dir.resolve("other.zip");
        writeZip(otherZip, Map.of("hello.txt", "hi"));
        assertThatThrownBy(() -> ModelArchive.read(otherZip))
                .hasMessage(otherZip + ": corrupt model file: not an mtl4j model archive (no 'mtl4j-format' entry; entries: [hello.txt])");

        Path wrongMagic = dir.resolve("magic.mtl");
        writeZip(wrongMagic, Map.of("mtl4j-format", "something else"));
        assertThatThrownBy(() -> ModelArchive.read(wrongMagic))
                .hasMessage(wrongMagic + ": corrupt model file: not an mtl4j model archive ('mtl4j-format' reads \"something else\")");
    }

    @Test
    void aNewerFormatVersionIsRefused() throws IOException {
        Path f = dir.resolve("future.mtl");
        writeZip(f, Map.of("mtl4j-format", "mtl4j-model-archive 3\n", "backend.txt", "dl4j"));
        assertThatThrownBy(() -> ModelArchive.read(f))
                .isInstanceOf(ModelFileException.class)
                .hasMessage(f + ": model archive format 3 is newer than this mtl4j reads (2); upgrade mtl4j");
    }

    @Test
    void aMissingOrBrokenSpecIsReported() throws IOException {
        Path f = dir.resolve("nospec.mtl");
        writeZip(f, Map.of("mtl4j-format", "mtl4j-model-archive 1\n", "backend.txt", "dl4j"));
        assertThatThrownBy(() -> ModelArchive.read(f))
                .hasMessage(f + ": corrupt model file: no 'spec.json' entry");
        Path g = dir.resolve("badspec.mtl");
        writeZip(g, Map.of("mtl4j-format", "mtl4j-model-archive 1\n", "backend.txt", "dl4j",
                "spec.json", "{\"name\": \"m\",\n\"topology\": {\"type\": \"mmoe\", \"experts\": 0, \"expertLayers\": [2]}}",
                "vocabularies.json", "{}"));
        assertThatThrownBy(() -> ModelArchive.read(g))
                .isInstanceOf(SpecFormatException.class)
                .hasMessage("badspec.mtl!spec.json: line 2: topology: mmoe experts must be >= 1, found 0");
    }

    @Test
    void aDamagedEntryIsReportedNamingFileAndEntry() throws IOException {
        Path f = dir.resolve("model.mtl");
        Map<String, byte[]> big = new LinkedHashMap<>();
        byte[] payload = new byte[4096];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 31 + 7);
        }
        big.put("params.bin", payload);
        ModelArchive.write(f, spec, vocabs, provenance, big);
        byte[] all = Files.readAllBytes(f);
        int at = indexOf(all, "backend/params.bin".getBytes(StandardCharsets.UTF_8)) + 40;
        for (int i = at; i < at + 64; i++) {
            all[i] ^= 0x5a;
        }
        Files.write(f, all);
        assertThatThrownBy(() -> ModelArchive.read(f))
                .isInstanceOf(ModelFileException.class)
                .hasMessageStartingWith(f + ": corrupt model file: entry 'backend/params.bin' cannot be read (");
    }

    /** Where {@code needle} first stands in {@code hay} (an entry name inside a zip file, for corruption tests). */
    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    private static void writeZip(Path f, Map<String, String> entries) throws IOException {
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(f))) {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
        }
    }
}
