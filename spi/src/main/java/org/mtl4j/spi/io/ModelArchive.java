package org.mtl4j.spi.io;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.mtl4j.api.backend.Provenance;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.internal.AtomicFiles;
import org.mtl4j.api.spec.ModelSpec;

/**
 * One trained model in one zip file: the format version ({@value #FORMAT_ENTRY}), the spec
 * ({@value #SPEC_ENTRY}), the vocabularies ({@value #VOCABULARIES_BIN_ENTRY}, binary: one UTF-8 arena
 * per vocabulary, see {@link VocabularyEntry}; format 1 archives hold them as {@value #VOCABULARIES_ENTRY}
 * and still load), the provenance
 * ({@value #PROVENANCE_ENTRY}), the name of the backend that can load it ({@value #BACKEND_ENTRY}) and
 * the backend's own entries (parameters, optimiser state) under {@value #BACKEND_DIR}.
 *
 * <p>{@link #write} is atomic: the archive is written to a temporary file in the target's directory,
 * forced to disk and moved over the target with {@code ATOMIC_MOVE}, so a reader sees the old file or
 * the new one, never half of one, and a failed write leaves the old file as it was. {@link #read}
 * checks the format version and reports a corrupt or foreign file with a message naming it.
 *
 * <p><b>Large entries stream.</b> A backend's state can outgrow a Java array (2^31 bytes: an embedding
 * table of 10M users x 16 with its two Adam moments is 2.3 GB). {@link #writeStreaming} takes each
 * backend entry as an {@link EntryWriter} that writes into the zip as it goes (the zip stream counts
 * its size and CRC-32 for the manifest; {@link ZipOutputStream} switches to ZIP64 above 4 GB by itself). {@link #read}
 * holds in memory only the metadata entries and backend entries of at most 16 MiB; a larger backend
 * entry stays in the file and is read through {@link #openEntry}, whose stream checks the declared size
 * and CRC-32 as its last byte passes (a corrupt entry fails then, with the same messages as a small one).
 */
public final class ModelArchive {
    /**
     * The archive format this version writes: 2 stores the vocabularies in the binary
     * {@value #VOCABULARIES_BIN_ENTRY}; format 1 (JSON {@value #VOCABULARIES_ENTRY}) is still read.
     */
    public static final int FORMAT_VERSION = 2;
    public static final String FORMAT_ENTRY = "mtl4j-format";
    public static final String SPEC_ENTRY = "spec.json";
    /** The vocabularies of a format 1 archive (a JSON object of token lists). */
    public static final String VOCABULARIES_ENTRY = "vocabularies.json";
    /** The vocabularies of a format 2 archive (binary, {@link VocabularyEntry}). */
    public static final String VOCABULARIES_BIN_ENTRY = "vocabularies.bin";
    public static final String PROVENANCE_ENTRY = "provenance.json";
    public static final String BACKEND_ENTRY = "backend.txt";
    public static final String BACKEND_DIR = "backend/";
    private static final String MAGIC = "mtl4j-model-archive ";
    private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(2020, 1, 1, 0, 0);

    private final Path file;
    private final int formatVersion;
    private final String backend;
    private final ModelSpec spec;
    private final Map<String, Vocabulary> vocabularies;
    private final Provenance provenance;
    private final Map<String, byte[]> entries;
    /** Backend entries left in the file (name without the prefix, declared size and CRC-32), see {@link #openEntry}. */
    private final Map<String, VerifiedZip.Sum> streamed;
    private final List<String> names;

    /** Writes one backend entry's bytes into the archive as it goes (it must not close {@code out}; closing is harmless). */
    @FunctionalInterface
    public interface EntryWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    private ModelArchive(Path file, int formatVersion, String backend, ModelSpec spec, Map<String, Vocabulary> vocabularies,
            Provenance provenance, Map<String, byte[]> entries, Map<String, VerifiedZip.Sum> streamed, List<String> names) {
        this.file = file;
        this.formatVersion = formatVersion;
        this.backend = backend;
        this.spec = spec;
        this.vocabularies = Collections.unmodifiableMap(new LinkedHashMap<>(vocabularies));
        this.provenance = provenance;
        this.entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        this.streamed = Map.copyOf(streamed);
        this.names = List.copyOf(names);
    }

    /**
     * Writes a model archive atomically.
     *
     * @param provenance may be null (a model never trained); its backend, when set, is the archive's
     *     backend name, else the spec's
     * @param backendEntries the backend's own entries by name (stored under {@value #BACKEND_DIR})
     */
    public static void write(Path file, ModelSpec spec, Map<String, Vocabulary> vocabularies, Provenance provenance,
            Map<String, byte[]> backendEntries) throws IOException {
        if (spec == null) {
            throw new IllegalArgumentException("model archive " + file + ": spec must not be null");
        }
        Map<String, EntryWriter> writers = new LinkedHashMap<>();
        if (backendEntries != null) {
            for (Map.Entry<String, byte[]> e : backendEntries.entrySet()) {
                if (e.getValue() == null) {
                    throw new IllegalArgumentException("model archive " + file + ": backend entry '" + e.getKey()
                            + "' has no bytes (null)");
                }
                byte[] bytes = e.getValue();
                writers.put(e.getKey(), out -> out.write(bytes));
            }
        }
        write(file, spec, vocabularies, provenance, writers, Deflater.DEFAULT_COMPRESSION);
    }

    /**
     * Writes a model archive atomically, each backend entry written by its {@link EntryWriter} straight
     * into the file (never one array: entries beyond 2 GiB, ZIP64 beyond 4 GiB). Backend entries are
     * deflated at {@link Deflater#BEST_SPEED} (parameters compress little; a 2.3 GB state is written at
     * disk speed rather than at the default level's).
     *
     * @param backendEntries the backend's own entries by name, written in this order
     */
    public static void writeStreaming(Path file, ModelSpec spec, Map<String, Vocabulary> vocabularies, Provenance provenance,
            Map<String, EntryWriter> backendEntries) throws IOException {
        if (spec == null) {
            throw new IllegalArgumentException("model archive " + file + ": spec must not be null");
        }
        Map<String, EntryWriter> writers = new LinkedHashMap<>();
        if (backendEntries != null) {
            backendEntries.forEach((name, w) -> {
                if (w == null) {
                    throw new IllegalArgumentException("model archive " + file + ": backend entry '" + name + "' has no writer (null)");
                }
                writers.put(name, w);
            });
        }
        write(file, spec, vocabularies, provenance, writers, Deflater.BEST_SPEED);
    }

    private static void write(Path file, ModelSpec spec, Map<String, Vocabulary> vocabularies, Provenance provenance,
            Map<String, EntryWriter> backendEntries, int level) throws IOException {
        for (String name : backendEntries.keySet()) {
            checkEntryName(file, name);
        }
        String backend = provenance != null && provenance.backend() != null ? provenance.backend() : spec.backend();
        Map<String, EntryWriter> entries = backendEntries;
        AtomicFiles.write(file, raw -> {
            ZipOutputStream zip = new ZipOutputStream(raw);
            Map<String, VerifiedZip.Sum> written = new LinkedHashMap<>();
            put(zip, written, FORMAT_ENTRY, (MAGIC + FORMAT_VERSION + "\n").getBytes(StandardCharsets.UTF_8));
            put(zip, written, BACKEND_ENTRY, (backend + "\n").getBytes(StandardCharsets.UTF_8));
            put(zip, written, SPEC_ENTRY, SpecCodec.toJson(spec).getBytes(StandardCharsets.UTF_8));
            put(zip, written, VOCABULARIES_BIN_ENTRY, VocabularyEntry.write(vocabularies == null ? Map.of() : vocabularies));
            if (provenance != null) {
                put(zip, written, PROVENANCE_ENTRY, SpecCodec.provenanceToJson(provenance).getBytes(StandardCharsets.UTF_8));
            }
            zip.setLevel(level);
            for (Map.Entry<String, EntryWriter> e : entries.entrySet()) {
                putStreamed(zip, written, BACKEND_DIR + e.getKey(), e.getValue());
            }
            zip.setLevel(Deflater.DEFAULT_COMPRESSION);
            put(zip, new LinkedHashMap<>(), VerifiedZip.MANIFEST_ENTRY, VerifiedZip.manifest(written));
            zip.finish();
            zip.flush();
        });
    }

    private static void checkEntryName(Path file, String name) {
        if (name == null || name.isEmpty() || name.startsWith("/") || name.contains("\\") || name.endsWith("/")
                || List.of(name.split("/")).contains("..")) {
            throw new IllegalArgumentException("model archive " + file + ": backend entry name must be a relative path "
                    + "without '..', found " + (name == null ? "null" : '"' + name + '"'));
        }
    }

    private static void putStreamed(ZipOutputStream zip, Map<String, VerifiedZip.Sum> written, String name, EntryWriter w)
            throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setTimeLocal(ENTRY_TIME);
        zip.putNextEntry(e);
        OutputStream open = new FilterOutputStream(zip) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len); // FilterOutputStream's own writes byte by byte
            }

            @Override
            public void close() throws IOException {
                flush(); // the zip stays open for the next entry
            }
        };
        BufferedOutputStream buffered = new BufferedOutputStream(open, 1 << 16);
        w.writeTo(buffered);
        buffered.flush();
        zip.closeEntry();
        // the zip stream counted the entry's size and CRC-32 as it deflated it (set on the entry by closeEntry)
        written.put(name, new VerifiedZip.Sum(e.getSize(), e.getCrc()));
    }

    private static void put(ZipOutputStream zip, Map<String, VerifiedZip.Sum> written, String name, byte[] bytes) throws IOException {
        putStreamed(zip, written, name, out -> out.write(bytes));
    }

    /** Reads and checks an archive; a corrupt, truncated or foreign file fails with a {@link ModelFileException} naming it. */
    public static ModelArchive read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString(), null, "no such model file");
        }
        Map<String, VerifiedZip.Sum> streamedAll = new LinkedHashMap<>();
        Map<String, byte[]> all = VerifiedZip.readAll(file, null, streamedAll);
        byte[] format = all.get(FORMAT_ENTRY);
        if (format == null) {
            throw new ModelFileException(file + ": corrupt model file: not an mtl4j model archive (no '" + FORMAT_ENTRY + "' entry; entries: "
                    + new TreeSet<>(all.keySet()) + ")");
        }
        int version = formatVersion(file, new String(format, StandardCharsets.UTF_8).trim());
        if (version > FORMAT_VERSION) {
            throw new ModelFileException(file + ": model archive format " + version + " is newer than this mtl4j reads ("
                    + FORMAT_VERSION + "); upgrade mtl4j");
        }
        String backend = new String(required(file, all, BACKEND_ENTRY), StandardCharsets.UTF_8).trim();
        if (backend.isEmpty()) {
            throw new ModelFileException(file + ": corrupt model file: entry '" + BACKEND_ENTRY + "' is empty");
        }
        String src = file.getFileName() + "!";
        ModelSpec spec = SpecCodec.fromJson(utf8(required(file, all, SPEC_ENTRY)), src + SPEC_ENTRY);
        if (version == 1) {
            spec = wholeTextMiniLm(spec);
        }
        Map<String, Vocabulary> vocabularies = version == 1
                ? SpecCodec.vocabulariesFromJson(utf8(required(file, all, VOCABULARIES_ENTRY)), src + VOCABULARIES_ENTRY)
                : VocabularyEntry.read(file, required(file, all, VOCABULARIES_BIN_ENTRY));
        all.remove(VOCABULARIES_BIN_ENTRY);
        byte[] prov = all.get(PROVENANCE_ENTRY);
        Provenance provenance = prov == null ? null : SpecCodec.provenanceFromJson(utf8(prov), src + PROVENANCE_ENTRY);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        all.forEach((name, bytes) -> {
            if (name.startsWith(BACKEND_DIR)) {
                entries.put(name.substring(BACKEND_DIR.length()), bytes);
            }
        });
        Map<String, VerifiedZip.Sum> streamed = new LinkedHashMap<>();
        streamedAll.forEach((name, sum) -> streamed.put(name.substring(BACKEND_DIR.length()), sum));
        List<String> names = new ArrayList<>(entries.keySet());
        names.addAll(streamed.keySet());
        return new ModelArchive(file, version, backend, spec, vocabularies, provenance, entries, streamed, names);
    }

    /**
     * A format 1 archive predates sentence pooling in {@code all-minilm-l6-v2} (which now averages the
     * vectors of a text's sentences): its adapter was trained on whole-text vectors, which the embedder
     * now calls {@code all-minilm-l6-v2-whole}, so its text inputs are read under that name and the
     * model predicts what it predicted when it was saved.
     */
    static ModelSpec wholeTextMiniLm(ModelSpec spec) {
        boolean changed = false;
        java.util.List<org.mtl4j.api.spec.InputSpec> inputs = new java.util.ArrayList<>();
        for (org.mtl4j.api.spec.InputSpec in : spec.inputs()) {
            if (in instanceof org.mtl4j.api.spec.TextInput t && "all-minilm-l6-v2".equals(t.pretrained())) {
                in = new org.mtl4j.api.spec.TextInput(t.name(), t.column(), t.encoding(), t.maxTokens(), t.embeddingDim(),
                        t.vocabulary(), t.encoder(), "all-minilm-l6-v2-whole", t.adapter());
                changed = true;
            }
            inputs.add(in);
        }
        return !changed ? spec : new ModelSpec(spec.name(), java.util.List.copyOf(inputs), spec.tasks(), spec.topology(),
                spec.lossWeighting(), spec.gradientAggregation(), spec.clipping(), spec.optimizer(), spec.training(), spec.backend());
    }

    /**
     * The backend name of an archive, reading only its format and backend entries (not the
     * parameters); fails like {@link #read} on a corrupt or foreign file.
     */
    public static String backendOf(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString(), null, "no such model file");
        }
        Map<String, byte[]> all = VerifiedZip.readAll(file, java.util.Set.of(FORMAT_ENTRY, BACKEND_ENTRY), new LinkedHashMap<>());
        byte[] format = all.get(FORMAT_ENTRY);
        if (format == null) {
            throw new ModelFileException(file + ": corrupt model file: not an mtl4j model archive (no '" + FORMAT_ENTRY
                    + "' entry)");
        }
        int version = formatVersion(file, utf8(format).trim());
        if (version > FORMAT_VERSION) {
            throw new ModelFileException(file + ": model archive format " + version + " is newer than this mtl4j reads ("
                    + FORMAT_VERSION + "); upgrade mtl4j");
        }
        return utf8(required(file, all, BACKEND_ENTRY)).trim();
    }

    private static int formatVersion(Path file, String text) {
        if (text.startsWith(MAGIC)) {
            try {
                int v = Integer.parseInt(text.substring(MAGIC.length()).trim());
                if (v >= 1) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new ModelFileException(file + ": corrupt model file: not an mtl4j model archive ('" + FORMAT_ENTRY + "' reads \""
                + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "\")");
    }

    private static byte[] required(Path file, Map<String, byte[]> all, String name) {
        byte[] b = all.get(name);
        if (b == null) {
            throw new ModelFileException(file + ": corrupt model file: no '" + name + "' entry");
        }
        return b;
    }

    private static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    public Path file() {
        return file;
    }

    public int formatVersion() {
        return formatVersion;
    }

    /** The name of the backend that wrote the model (and can load it). */
    public String backend() {
        return backend;
    }

    public ModelSpec spec() {
        return spec;
    }

    public Map<String, Vocabulary> vocabularies() {
        return vocabularies;
    }

    /** The provenance, or null when the model was saved without one. */
    public Provenance provenance() {
        return provenance;
    }

    /**
     * The backend's entries by name (without the {@value #BACKEND_DIR} prefix); an entry above 16 MiB is
     * read from the file now (prefer {@link #openEntry} for those).
     */
    public Map<String, byte[]> entries() {
        if (streamed.isEmpty()) {
            return entries;
        }
        Map<String, byte[]> all = new LinkedHashMap<>();
        for (String name : names) {
            all.put(name, entry(name));
        }
        return Collections.unmodifiableMap(all);
    }

    /** The names of the backend's entries (without the {@value #BACKEND_DIR} prefix). */
    public List<String> entryNames() {
        return names;
    }

    /**
     * One backend entry; a missing one fails naming the file, the entry and the entries present. An
     * entry above 16 MiB is read from the file now, and one beyond what an array holds is refused: read
     * those with {@link #openEntry}.
     */
    public byte[] entry(String name) {
        byte[] b = entries.get(name);
        if (b != null) {
            return b;
        }
        VerifiedZip.Sum sum = streamed.get(name);
        if (sum == null) {
            throw missing(name);
        }
        if (sum.size() > VerifiedZip.LARGE_ENTRY_CAP) {
            throw new ModelFileException(file + ": backend entry '" + name + "' holds " + sum.size()
                    + " bytes, more than one array holds: read it with openEntry");
        }
        try (InputStream in = VerifiedZip.open(file, BACKEND_DIR + name, sum)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(file + ": backend entry '" + name + "': " + e.getMessage(), e);
        }
    }

    /**
     * A stream of one backend entry, however large: a small one from memory, a large one inflated from the
     * file as it is read, checked against its declared size and CRC-32 (a {@link ModelFileException}
     * when its last byte is read). Close it.
     */
    public InputStream openEntry(String name) throws IOException {
        byte[] b = entries.get(name);
        if (b != null) {
            return new java.io.ByteArrayInputStream(b);
        }
        VerifiedZip.Sum sum = streamed.get(name);
        if (sum == null) {
            throw missing(name);
        }
        return VerifiedZip.open(file, BACKEND_DIR + name, sum);
    }

    /** The declared (inflated) size of one backend entry in bytes. */
    public long entrySize(String name) {
        byte[] b = entries.get(name);
        if (b != null) {
            return b.length;
        }
        VerifiedZip.Sum sum = streamed.get(name);
        if (sum == null) {
            throw missing(name);
        }
        return sum.size();
    }

    private ModelFileException missing(String name) {
        return new ModelFileException(file + ": corrupt model file: no backend entry '" + name + "' (entries: " + names + ")");
    }
}
