package org.mtl4j.spi.io;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.data.Vocabulary;

/**
 * The binary vocabularies entry of a model archive ({@value ModelArchive#VOCABULARIES_BIN_ENTRY}, format 2):
 * per vocabulary its key, input name and hash buckets, then its tokens as one UTF-8 arena with a
 * varint length per token (the layout of {@code api.internal.CompactTokens}, which the loaded
 * {@link Vocabulary} is built on). A million numeric ids take about 8 MB before the zip deflates them,
 * where the JSON list of format 1 took about twice that and a {@code List<String>} of every token
 * on read.
 *
 * <pre>
 * "MTLV" u8 version(1) varint vocabularies
 *   { str key, str input, varint hashBuckets, varint tokens, varint arenaBytes,
 *     varint length x tokens, arenaBytes of UTF-8 }*
 * str = varint length + UTF-8 (at most {@value #MAX_NAME_BYTES} bytes)
 * </pre>
 * Every count and length is checked against the bytes left before anything is allocated, tokens must
 * be valid UTF-8 and distinct; any violation is a {@link ModelFileException} {@code <file>: corrupt
 * model file: entry 'vocabularies.bin' ...} naming what was found.
 */
final class VocabularyEntry {
    private static final byte[] MAGIC = {'M', 'T', 'L', 'V'};
    private static final int VERSION = 1;
    /** Longest key or input name. */
    static final int MAX_NAME_BYTES = 4096;

    private VocabularyEntry() {
    }

    static byte[] write(Map<String, Vocabulary> vocabularies) {
        Out out = new Out();
        out.bytes(MAGIC, 0, MAGIC.length);
        out.raw(VERSION);
        out.varint(vocabularies.size());
        for (Map.Entry<String, Vocabulary> e : vocabularies.entrySet()) {
            Vocabulary v = e.getValue();
            out.string(e.getKey());
            out.string(v.input());
            out.varint(v.hashBuckets());
            List<String> tokens = v.tokens();
            int n = tokens.size();
            // each get decodes one token: the tokens are never all held as Strings
            ByteArrayOutputStream arena = new ByteArrayOutputStream();
            Out lengths = new Out();
            for (int i = 0; i < n; i++) {
                byte[] t = tokens.get(i).getBytes(StandardCharsets.UTF_8);
                lengths.varint(t.length);
                arena.write(t, 0, t.length);
            }
            out.varint(n);
            out.varint(arena.size());
            out.bytes(lengths.buf, 0, lengths.size);
            out.bytes(arena.toByteArray(), 0, arena.size());
        }
        return java.util.Arrays.copyOf(out.buf, out.size);
    }

    static Map<String, Vocabulary> read(Path file, byte[] bytes) {
        In in = new In(file, bytes);
        for (byte b : MAGIC) {
            if (in.raw() != b) {
                throw in.corrupt("does not start with \"MTLV\"");
            }
        }
        int version = in.raw();
        if (version != VERSION) {
            throw in.corrupt("has vocabulary layout " + version + ", this mtl4j reads " + VERSION);
        }
        int count = in.count("vocabularies", 3);
        Map<String, Vocabulary> out = new LinkedHashMap<>();
        for (int k = 0; k < count; k++) {
            String key = in.string("vocabulary " + k + " key");
            String input = in.string("vocabulary '" + key + "' input");
            int buckets = in.varint("vocabulary '" + key + "' hashBuckets");
            int n = in.count("vocabulary '" + key + "' tokens", 1);
            int arenaBytes = in.count("vocabulary '" + key + "' text bytes", 1);
            if (buckets > 0 && n > 0) {
                throw in.corrupt("vocabulary '" + key + "' is hashed (" + buckets + " buckets) and lists " + n + " tokens");
            }
            int[] offsets = new int[n + 1];
            for (int i = 0; i < n; i++) {
                int len = in.varint("vocabulary '" + key + "' token " + i + " length");
                if (len > arenaBytes - offsets[i]) {
                    throw in.corrupt("vocabulary '" + key + "' token " + i + " is " + len + " bytes long, past the "
                            + arenaBytes + " bytes of its text");
                }
                offsets[i + 1] = offsets[i] + len;
            }
            if (offsets[n] != arenaBytes) {
                throw in.corrupt("vocabulary '" + key + "' tokens hold " + offsets[n] + " bytes, its text has " + arenaBytes);
            }
            int base = in.skip(arenaBytes, "vocabulary '" + key + "' text");
            List<String> tokens = new Utf8Tokens(in, key, base, offsets);
            try {
                out.put(key, buckets > 0 ? Vocabulary.hashed(input, buckets) : Vocabulary.of(input, tokens));
            } catch (IllegalArgumentException e) {
                throw in.corrupt(e.getMessage());
            }
            if (out.size() != k + 1) {
                throw in.corrupt("lists vocabulary '" + key + "' twice");
            }
        }
        if (in.pos != bytes.length) {
            throw in.corrupt("has " + (bytes.length - in.pos) + " bytes after its last vocabulary");
        }
        return out;
    }

    /** The tokens of one vocabulary decoded one at a time from the entry's bytes (strictly: malformed UTF-8 is corrupt). */
    private static final class Utf8Tokens extends AbstractList<String> {
        private final In in;
        private final String key;
        private final int base;
        private final int[] offsets;
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);

        Utf8Tokens(In in, String key, int base, int[] offsets) {
            this.in = in;
            this.key = key;
            this.base = base;
            this.offsets = offsets;
        }

        @Override
        public String get(int i) {
            return in.utf8(decoder, base + offsets[i], offsets[i + 1] - offsets[i], "vocabulary '" + key + "' token " + i);
        }

        @Override
        public int size() {
            return offsets.length - 1;
        }
    }

    private static final class Out {
        byte[] buf = new byte[256];
        int size;

        void ensure(int more) {
            if (size + more > buf.length) {
                long cap = Math.max((long) size + more, (long) buf.length * 2);
                if (cap > Integer.MAX_VALUE - 16) {
                    cap = Integer.MAX_VALUE - 16;
                    if (size + (long) more > cap) {
                        throw new IllegalStateException("vocabularies exceed the 2 GB an archive entry may hold");
                    }
                }
                buf = java.util.Arrays.copyOf(buf, (int) cap);
            }
        }

        void raw(int b) {
            ensure(1);
            buf[size++] = (byte) b;
        }

        void bytes(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, buf, size, len);
            size += len;
        }

        void varint(int v) {
            if (v < 0) {
                throw new IllegalArgumentException("negative length " + v);
            }
            while ((v & ~0x7f) != 0) {
                raw((v & 0x7f) | 0x80);
                v >>>= 7;
            }
            raw(v);
        }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            if (b.length > MAX_NAME_BYTES) {
                throw new IllegalArgumentException("vocabulary name longer than " + MAX_NAME_BYTES + " bytes: "
                        + s.substring(0, 40) + "...");
            }
            varint(b.length);
            bytes(b, 0, b.length);
        }
    }

    private static final class In {
        private final Path file;
        private final byte[] b;
        int pos;

        In(Path file, byte[] b) {
            this.file = file;
            this.b = b;
        }

        ModelFileException corrupt(String what) {
            return new ModelFileException(VerifiedZip.corrupt(file) + "entry '" + ModelArchive.VOCABULARIES_BIN_ENTRY + "' " + what);
        }

        int raw() {
            if (pos >= b.length) {
                throw corrupt("ends after " + b.length + " bytes, in the middle of a value");
            }
            return b[pos++];
        }

        int varint(String what) {
            int v = 0;
            for (int shift = 0; shift < 32; shift += 7) {
                int x = raw();
                if (shift == 28 && (x & 0xf8) != 0) {
                    break;
                }
                v |= (x & 0x7f) << shift;
                if ((x & 0x80) == 0) {
                    return v;
                }
            }
            throw corrupt(what + " at byte " + pos + " is not a length (more than 31 bits)");
        }

        /** A count of things that take at least {@code minBytes} each: never more than the bytes left could hold. */
        int count(String what, int minBytes) {
            int n = varint(what);
            long left = b.length - (long) pos;
            if ((long) n * minBytes > left) {
                throw corrupt(what + " says " + n + ", more than the " + left + " bytes left can hold");
            }
            return n;
        }

        int skip(int len, String what) {
            if (len > b.length - pos) {
                throw corrupt(what + " needs " + len + " bytes, " + (b.length - pos) + " are left");
            }
            int at = pos;
            pos += len;
            return at;
        }

        String string(String what) {
            int len = varint(what + " length");
            if (len > MAX_NAME_BYTES) {
                throw corrupt(what + " is " + len + " bytes long, more than " + MAX_NAME_BYTES);
            }
            int at = skip(len, what);
            return utf8(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT), at, len, what);
        }

        String utf8(CharsetDecoder decoder, int at, int len, String what) {
            boolean ascii = true;
            for (int i = at; i < at + len && ascii; i++) {
                ascii = b[i] >= 0;
            }
            if (ascii) {
                return new String(b, at, len, StandardCharsets.ISO_8859_1);
            }
            try {
                CharBuffer c = decoder.reset().decode(ByteBuffer.wrap(b, at, len));
                return c.toString();
            } catch (CharacterCodingException e) {
                throw corrupt(what + " is not valid UTF-8");
            }
        }
    }
}
