package org.mtl4j.data.internal;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import org.mtl4j.data.DataException;
import org.mtl4j.data.DataException.Reason;

/**
 * A delimited text file read line by line: strict UTF-8 (a malformed byte is an error naming the
 * line and column, never a replacement character), an optional UTF-8 byte-order mark, {@code \n} or
 * {@code \r\n} line ends, blank lines ignored, RFC 4180 quoting within one line ({@code "a,b"} and
 * {@code ""} for a quote). Files ending in {@code .gz} are decompressed on the fly.
 */
public final class CsvRowSource implements RowSource {
    private final Path path;
    private final char delimiter;

    public CsvRowSource(Path path, char delimiter) {
        this.path = path;
        this.delimiter = delimiter;
    }

    @Override
    public String name() {
        return path.toString();
    }

    public Path path() {
        return path;
    }

    public char delimiter() {
        return delimiter;
    }

    @Override
    public Cursor open() {
        InputStream in;
        try {
            in = Files.newInputStream(path);
            if (path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz")) {
                in = new GZIPInputStream(new BufferedInputStream(in, 1 << 16), 1 << 16);
            }
        } catch (IOException e) {
            throw new DataException(Reason.IO, name(), 0, null, null, name() + ": cannot open: " + e, e);
        }
        return new Cursor(in);
    }

    /** A pass over the file. Also usable without a binder, e.g. for splitting files. */
    public final class Cursor implements RowCursor {
        private final InputStream in;
        private final byte[] buf = new byte[1 << 16];
        private int bufPos;
        private int bufLen;
        private byte[] line = new byte[1024];
        private int lineLen;
        private long lineNo;
        private boolean eof;
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        private List<String> header;
        private String lastLine;

        Cursor(InputStream in) {
            this.in = in;
            try {
                if (!readLine()) {
                    throw new DataException(Reason.EMPTY_FILE, name(), 0, null, null,
                            name() + ": file is empty (no header line)");
                }
                int start = 0;
                if (lineLen >= 3 && (line[0] & 0xff) == 0xEF && (line[1] & 0xff) == 0xBB && (line[2] & 0xff) == 0xBF) {
                    start = 3;
                }
                String text = decode(start, null);
                int cr = text.indexOf('\r');
                if (cr >= 0) {
                    // a CR inside the first line: lines end in a bare CR (classic Mac OS), the whole file is one line
                    throw new DataException(Reason.BAD_CELL, name(), 1, null, null, name() + ":1: the file's lines end in a "
                            + "bare CR (carriage return, old Mac OS style) at character " + (cr + 1) + " of the first line; "
                            + "convert the line endings to LF or CRLF (e.g. tr '\\r' '\\n')");
                }
                String[] cells = split(text, null);
                List<String> h = new ArrayList<>(cells.length);
                for (String c : cells) {
                    h.add(c.trim());
                }
                header = List.copyOf(h);
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        @Override
        public List<String> header() {
            return header;
        }

        @Override
        public long line() {
            return lineNo;
        }

        /** The text of the line last returned by {@link #next()}. */
        public String lastLine() {
            return lastLine;
        }

        @Override
        public String[] next() {
            if (!readLine()) {
                return null;
            }
            lastLine = decode(0, header);
            return split(lastLine, header);
        }

        /** Reads the next non-blank line into {@code line}; false at end of file. */
        private boolean readLine() {
            while (true) {
                if (eof) {
                    return false;
                }
                lineLen = 0;
                boolean any = false;
                while (true) {
                    if (bufPos >= bufLen) {
                        fill();
                        if (bufLen <= 0) {
                            eof = true;
                            break;
                        }
                    }
                    any = true;
                    int i = bufPos;
                    while (i < bufLen && buf[i] != '\n') {
                        i++;
                    }
                    append(bufPos, i - bufPos);
                    if (i < bufLen) {
                        bufPos = i + 1;
                        break;
                    }
                    bufPos = bufLen;
                }
                if (!any) {
                    return false;
                }
                lineNo++;
                if (lineLen > 0 && line[lineLen - 1] == '\r') {
                    lineLen--;
                }
                if (lineLen > 0) {
                    return true;
                }
            }
        }

        private void append(int from, int n) {
            if (lineLen + n > line.length) {
                line = Arrays.copyOf(line, Math.max(line.length * 2, lineLen + n));
            }
            System.arraycopy(buf, from, line, lineLen, n);
            lineLen += n;
        }

        private void fill() {
            try {
                bufPos = 0;
                bufLen = in.read(buf, 0, buf.length);
            } catch (IOException e) {
                throw new DataException(Reason.IO, name(), lineNo + 1, null, null,
                        name() + ":" + (lineNo + 1) + ": read failed: " + e, e);
            }
        }

        private String decode(int start, List<String> cols) {
            boolean ascii = true;
            for (int i = start; i < lineLen; i++) {
                if (line[i] < 0) {
                    ascii = false;
                    break;
                }
            }
            if (ascii) {
                return new String(line, start, lineLen - start, StandardCharsets.ISO_8859_1);
            }
            decoder.reset();
            ByteBuffer bin = ByteBuffer.wrap(line, start, lineLen - start);
            CharBuffer out = CharBuffer.allocate(lineLen - start);
            CoderResult r = decoder.decode(bin, out, true);
            if (!r.isError()) {
                r = decoder.flush(out);
            }
            if (r.isError()) {
                int bad = bin.position();
                String prefix = new String(line, start, bad - start, StandardCharsets.UTF_8);
                int cellIndex;
                try {
                    cellIndex = split(prefix, null).length - 1;
                } catch (DataException e) {
                    cellIndex = 0; // inside an open quote: report the cell where the quote began is not known exactly
                }
                String column = cols != null && cellIndex < cols.size() ? cols.get(cellIndex)
                        : cols == null ? "header cell " + (cellIndex + 1) : "cell " + (cellIndex + 1);
                String hex = String.format(Locale.ROOT, "0x%02X", line[bad] & 0xff);
                throw DataException.cell(Reason.INVALID_UTF8, name(), lineNo, column, hex,
                        "invalid UTF-8 byte at byte offset " + (bad - start) + " of the line");
            }
            out.flip();
            return out.toString();
        }

        /** Splits one line into cells; quotes are honoured only when the line contains one. */
        String[] split(String s, List<String> cols) {
            int expected = cols == null ? 8 : cols.size();
            if (s.indexOf('"') < 0) {
                int count = 1;
                for (int i = s.indexOf(delimiter); i >= 0; i = s.indexOf(delimiter, i + 1)) {
                    count++;
                }
                String[] cells = new String[count];
                int from = 0;
                for (int k = 0; k < count - 1; k++) {
                    int i = s.indexOf(delimiter, from);
                    cells[k] = s.substring(from, i);
                    from = i + 1;
                }
                cells[count - 1] = s.substring(from);
                return cells;
            }
            List<String> cells = new ArrayList<>(expected);
            StringBuilder cell = new StringBuilder();
            boolean quoted = false;
            int cellStart = 0;
            for (int i = 0; i < s.length(); i++) {
                char ch = s.charAt(i);
                if (quoted) {
                    if (ch == '"') {
                        if (i + 1 < s.length() && s.charAt(i + 1) == '"') {
                            cell.append('"');
                            i++;
                        } else {
                            quoted = false;
                        }
                    } else {
                        cell.append(ch);
                    }
                } else if (ch == '"') {
                    quoted = true;
                } else if (ch == delimiter) {
                    cells.add(cell.toString());
                    cell.setLength(0);
                    cellStart = i + 1;
                } else {
                    cell.append(ch);
                }
            }
            if (quoted) {
                int idx = cells.size();
                String column = cols != null && idx < cols.size() ? cols.get(idx) : "cell " + (idx + 1);
                throw DataException.cell(Reason.BAD_CELL, name(), lineNo, column, s.substring(cellStart),
                        "unterminated quote (a quoted cell must end on the same line)");
            }
            cells.add(cell.toString());
            return cells.toArray(new String[0]);
        }

        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
