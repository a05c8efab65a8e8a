package org.mtl4j.data.internal;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a text file atomically: into a temporary file beside the target, moved into place only
 * when complete, so a failure never leaves a half-written file under the target's name.
 */
public final class CsvWriter implements AutoCloseable {
    private final Path target;
    private final Path tmp;
    private final BufferedWriter out;
    private boolean done;

    public CsvWriter(Path target) {
        this.target = target;
        try {
            Path dir = target.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            this.tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
            this.out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8);
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
            out.close();
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            done = true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Without a {@link #commit()}, discards the temporary file. */
    @Override
    public void close() {
        if (!done) {
            try {
                out.close();
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
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
