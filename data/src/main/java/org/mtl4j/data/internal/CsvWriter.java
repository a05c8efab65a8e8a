package org.mtl4j.data.internal;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.mtl4j.api.internal.AtomicFiles;

/**
 * Writes a text file atomically ({@link AtomicFiles}): into a temporary file beside the target, moved
 * into place only when complete, so a failure never leaves a half-written file under the target's name.
 */
public final class CsvWriter implements AutoCloseable {
    private final Path target;
    private final AtomicFiles.Staged staged;
    private final BufferedWriter out;

    public CsvWriter(Path target) {
        this.target = target;
        try {
            this.staged = AtomicFiles.stage(target);
            this.out = new BufferedWriter(new OutputStreamWriter(staged.out(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    public CsvWriter line(CharSequence s) {
        try {
            out.append(s).append('\n');
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Completes the file: flushes and moves it into place. */
    public void commit() {
        try {
            out.flush();
            staged.commit();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Without a {@link #commit()}, discards the temporary file. */
    @Override
    public void close() {
        try {
            staged.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Quotes a cell when it contains the delimiter, a quote or a line end (RFC 4180). */
    public static String cell(String s, char delimiter) {
        if (s.indexOf(delimiter) < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
