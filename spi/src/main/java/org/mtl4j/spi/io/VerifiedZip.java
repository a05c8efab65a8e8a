package org.mtl4j.spi.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reads every entry of a zip file into memory and checks it: {@link ZipFile}'s streams never compare
 * an entry's CRC-32 or size with what they inflated, so a flipped bit in a model file could load as
 * different parameters. Here each entry must inflate to exactly its declared size and CRC-32, and no
 * entry may inflate beyond its cap (a 1.7 MB zip whose {@code spec.json} inflates to 1.5 GiB is
 * refused after reading at most the cap, never allocated).
 *
 * <p>Every failure is a {@link ModelFileException} whose message starts with
 * {@code <file>: corrupt model file:}.
 */
final class VerifiedZip {
    /** The entry listing every other entry's name, size and CRC-32. */
    static final String MANIFEST_ENTRY = "manifest.txt";
    /** Cap of metadata entries (format marker, backend name). */
    static final long SMALL_ENTRY_CAP = 4 << 10;
    /** Cap of the JSON documents (spec, provenance). */
    static final long DOCUMENT_CAP = 16L << 20;
    /** Cap of any other entry read into memory (vocabularies, small backend entries): what one Java array can hold. */
    static final long LARGE_ENTRY_CAP = Integer.MAX_VALUE - 16L;
    /**
     * A backend entry declaring more bytes than this is not read into memory by {@link #readAll}: it is
     * streamed, checked against its declared size and CRC-32 as it is read ({@link #open}).
     */
    static final long STREAM_ABOVE = 16L << 20;

    /** An entry's size and CRC-32, as the manifest lists them. */
    record Sum(long size, long crc) {
        static Sum of(byte[] bytes) {
            CRC32 crc = new CRC32();
            crc.update(bytes);
            return new Sum(bytes.length, crc.getValue());
        }
    }

    private VerifiedZip() {
    }

    /** The cap on the inflated size of an entry of a model archive. */
    static long capOf(String name) {
        return switch (name) {
            case ModelArchive.FORMAT_ENTRY, ModelArchive.BACKEND_ENTRY -> SMALL_ENTRY_CAP;
            case MANIFEST_ENTRY, ModelArchive.SPEC_ENTRY, ModelArchive.PROVENANCE_ENTRY -> DOCUMENT_CAP;
            // backend entries above STREAM_ABOVE are streamed, never held in one array
            default -> name.startsWith(ModelArchive.BACKEND_DIR) ? Long.MAX_VALUE : LARGE_ENTRY_CAP;
        };
    }

    /** The names a model archive may hold: its fixed entries, the manifest, and anything under the backend folder. */
    static boolean known(String name) {
        return switch (name) {
            case ModelArchive.FORMAT_ENTRY, ModelArchive.BACKEND_ENTRY, ModelArchive.SPEC_ENTRY, ModelArchive.PROVENANCE_ENTRY,
                    ModelArchive.VOCABULARIES_ENTRY, ModelArchive.VOCABULARIES_BIN_ENTRY, MANIFEST_ENTRY -> true;
            default -> name.startsWith(ModelArchive.BACKEND_DIR) && name.length() > ModelArchive.BACKEND_DIR.length();
        };
    }

    /**
     * The manifest: one line per other entry, {@code name<TAB>size<TAB>crc32-hex}, in written order. A
     * flipped bit in an entry's name in the zip directory (which no CRC covers) then shows as a
     * mismatch; archives written before the manifest existed are read without it.
     */
    static byte[] manifest(Map<String, Sum> entries) {
        StringBuilder b = new StringBuilder();
        entries.forEach((name, sum) -> b.append(name).append('\t').append(sum.size()).append('\t')
                .append(Long.toHexString(sum.crc())).append('\n'));
        return b.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Checks the manifest against the entries read ({@code sums}: every entry but the manifest, in zip order). */
    private static void checkManifest(Path file, byte[] m, Map<String, Sum> sums) {
        if (m == null) {
            return;
        }
        String expected = new String(m, java.nio.charset.StandardCharsets.UTF_8);
        String found = new String(manifest(sums), java.nio.charset.StandardCharsets.UTF_8);
        if (!expected.equals(found)) {
            throw new ModelFileException(corrupt(file) + "its entries " + sums.keySet() + " do not match its manifest");
        }
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(80).forEach(c -> b.append(c < 0x20 || c == 0x7f ? "\\u" + String.format("%04x", c)
                : new String(Character.toChars(c))));
        return b + (s.length() > 80 ? "..." : "");
    }

    static String corrupt(Path file) {
        return file + ": corrupt model file: ";
    }

    /**
     * All file entries of {@code file} by name, in zip order, each checked against its declared size and
     * CRC-32; {@code only} non-null reads just those names.
     */
    static Map<String, byte[]> readAll(Path file, java.util.Set<String> only) throws IOException {
        return readAll(file, only, null);
    }

    /**
     * Like {@link #readAll(Path, java.util.Set)}; with {@code streamed} non-null, a backend entry declaring
     * more than {@link #STREAM_ABOVE} bytes is not read: its declared size and CRC-32 go into
     * {@code streamed} (checked against the manifest here, against its bytes by {@link #open}).
     */
    static Map<String, byte[]> readAll(Path file, java.util.Set<String> only, Map<String, Sum> streamed) throws IOException {
        Map<String, byte[]> all = new LinkedHashMap<>();
        Map<String, Sum> sums = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            long declaredTotal = 0;
            Enumeration<? extends ZipEntry> en = zip.entries();
            java.util.List<ZipEntry> wanted = new java.util.ArrayList<>();
            java.util.Set<String> names = new java.util.HashSet<>();
            String unknown = null;
            while (en.hasMoreElements()) {
                ZipEntry e = en.nextElement();
                if (e.isDirectory()) {
                    continue;
                }
                long size = e.getSize();
                long cap = capOf(e.getName());
                if (size < 0) {
                    throw new ModelFileException(corrupt(file) + "entry '" + e.getName() + "' has no recorded size");
                }
                if (!known(e.getName()) && unknown == null) {
                    unknown = e.getName();
                }
                if (size > cap) {
                    throw new ModelFileException(corrupt(file) + "entry '" + e.getName() + "' declares " + size
                            + " bytes, more than the " + cap + " an entry of its kind may hold");
                }
                if (!names.add(e.getName())) {
                    throw new ModelFileException(corrupt(file) + "entry '" + e.getName() + "' appears twice");
                }
                if (streamed != null && size > STREAM_ABOVE && e.getName().startsWith(ModelArchive.BACKEND_DIR)) {
                    if (e.getCrc() == -1) {
                        throw new ModelFileException(corrupt(file) + "entry '" + e.getName() + "' has no recorded CRC-32");
                    }
                    streamed.put(e.getName(), new Sum(size, e.getCrc()));
                    if (only == null) {
                        wanted.add(e);
                    }
                    continue;
                }
                if (size > LARGE_ENTRY_CAP) {
                    throw new ModelFileException(corrupt(file) + "entry '" + e.getName() + "' declares " + size
                            + " bytes, more than the " + LARGE_ENTRY_CAP + " an entry read into memory may hold");
                }
                declaredTotal += size;
                if (only == null || only.contains(e.getName())) {
                    wanted.add(e);
                }
            }
            if (unknown != null && names.contains(ModelArchive.FORMAT_ENTRY)) {
                throw new ModelFileException(corrupt(file) + "unknown entry '" + printable(unknown) + "'");
            }
            long heap = Runtime.getRuntime().maxMemory();
            if (declaredTotal > heap) {
                throw new ModelFileException(corrupt(file) + "its entries declare " + declaredTotal
                        + " bytes in all, more than this JVM's heap (" + heap + " bytes, -Xmx)");
            }
            byte[] manifest = null;
            for (ZipEntry e : wanted) {
                if (streamed != null && streamed.containsKey(e.getName())) {
                    sums.put(e.getName(), streamed.get(e.getName()));
                    continue;
                }
                byte[] bytes = read(file, zip, e);
                if (only == null && MANIFEST_ENTRY.equals(e.getName())) {
                    manifest = bytes;
                    continue;
                }
                all.put(e.getName(), bytes);
                sums.put(e.getName(), Sum.of(bytes));
            }
            if (only == null) {
                checkManifest(file, manifest, sums);
            }
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            throw new ModelFileException(corrupt(file) + "not an mtl4j model archive (not a readable zip file: "
                    + e.getMessage() + ")", e);
        } catch (IllegalArgumentException | IllegalStateException e) {
            // ZipFile throws these for malformed entry names and headers
            throw new ModelFileException(corrupt(file) + "not an mtl4j model archive (" + e.getMessage() + ")", e);
        }
        return all;
    }

    private static byte[] read(Path file, ZipFile zip, ZipEntry e) throws IOException {
        long size = e.getSize();
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(size, 1 << 20));
        CRC32 crc = new CRC32();
        long total = 0;
        byte[] buf = new byte[1 << 16];
        try (InputStream in = zip.getInputStream(e)) {
            int n;
            while ((n = in.read(buf, 0, (int) Math.min(buf.length, size - total + 1))) > 0) {
                total += n;
                if (total > size) {
                    throw new ModelFileException(corrupt(file) + "entry '" + e.getName() + "' inflates to more than its "
                            + "declared " + size + " bytes");
                }
                crc.update(buf, 0, n);
                out.write(buf, 0, n);
            }
        } catch (java.util.zip.ZipException | java.io.EOFException ex) {
            throw new ModelFileException(corrupt(file) + "entry '" + e.getName() + "' cannot be read (" + ex.getMessage()
                    + ")", ex);
        }
        if (total != size) {
            throw new ModelFileException(corrupt(file) + "entry '" + e.getName() + "' holds " + total + " bytes, its header "
                    + "says " + size);
        }
        if (e.getCrc() != -1 && crc.getValue() != e.getCrc()) {
            throw new ModelFileException(corrupt(file) + "entry '" + e.getName() + "' fails its CRC-32 check (stored "
                    + Long.toHexString(e.getCrc()) + ", computed " + Long.toHexString(crc.getValue()) + ")");
        }
        return out.toByteArray();
    }

    /**
     * A stream of one entry that {@link #readAll} left out (declared {@code sum}): it fails with a
     * {@link ModelFileException} when the entry inflates beyond, or ends short of, its declared size or
     * its bytes do not match the declared CRC-32 (checked when its last byte has been read).
     */
    static InputStream open(Path file, String name, Sum sum) throws IOException {
        ZipFile zip;
        InputStream raw;
        try {
            zip = new ZipFile(file.toFile());
        } catch (java.util.zip.ZipException e) {
            throw new ModelFileException(corrupt(file) + "not a readable zip file any more (" + e.getMessage() + ")", e);
        }
        ZipEntry e = zip.getEntry(name);
        if (e == null || e.getSize() != sum.size() || e.getCrc() != sum.crc()) {
            zip.close();
            throw new ModelFileException(corrupt(file) + "entry '" + name + "' changed since the file was opened");
        }
        try {
            raw = zip.getInputStream(e);
        } catch (IOException | RuntimeException ex) {
            zip.close();
            throw ex;
        }
        return new CheckedEntry(file, name, sum, zip, raw);
    }

    /** The bytes of one streamed entry, counted and CRC-checked as they pass. */
    private static final class CheckedEntry extends InputStream {
        private final Path file;
        private final String name;
        private final Sum sum;
        private final ZipFile zip;
        private final InputStream in;
        private final CRC32 crc = new CRC32();
        private long total;
        private boolean checked;

        CheckedEntry(Path file, String name, Sum sum, ZipFile zip, InputStream in) {
            this.file = file;
            this.name = name;
            this.sum = sum;
            this.zip = zip;
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n <= 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            int n;
            try {
                // ask for one byte beyond the declared end, so an entry that inflates further is caught
                n = in.read(b, off, (int) Math.min(len, sum.size() - total + 1));
            } catch (java.util.zip.ZipException | java.io.EOFException ex) {
                throw new ModelFileException(corrupt(file) + "entry '" + name + "' cannot be read (" + ex.getMessage() + ")", ex);
            }
            if (n <= 0) {
                check();
                return -1;
            }
            total += n;
            if (total > sum.size()) {
                throw new ModelFileException(corrupt(file) + "entry '" + name + "' inflates to more than its declared "
                        + sum.size() + " bytes");
            }
            crc.update(b, off, n);
            if (total == sum.size()) {
                check();
            }
            return n;
        }

        private void check() {
            if (checked) {
                return;
            }
            if (total != sum.size()) {
                throw new ModelFileException(corrupt(file) + "entry '" + name + "' holds " + total + " bytes, its header says "
                        + sum.size());
            }
            if (crc.getValue() != sum.crc()) {
                throw new ModelFileException(corrupt(file) + "entry '" + name + "' fails its CRC-32 check (stored "
                        + Long.toHexString(sum.crc()) + ", computed " + Long.toHexString(crc.getValue()) + ")");
            }
            checked = true;
        }

        @Override
        public void close() throws IOException {
            try {
                in.close();
            } finally {
                zip.close();
            }
        }
    }
}
