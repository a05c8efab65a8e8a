package org.mtl4j.api.internal;

import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The one way mtl4j writes a file (model archives, checkpoints, CSV, reports): into a temporary
 * sibling of the target ({@code .<name>.<random>.tmp}), flushed and forced to disk, made
 * {@code rw-r--r--}, then moved over the target with {@code ATOMIC_MOVE} (a plain replace where the
 * file system cannot move atomically). A reader sees the old file or the complete new one; a
 * failed write leaves the old file untouched and no temporary file behind.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** A consumer that may throw {@link IOException}. */
    @FunctionalInterface
    public interface IoConsumer<T> {
        void accept(T t) throws IOException;
    }

    /** Writes what {@code body} writes into a temporary sibling of {@code target}, then moves it into place. */
    public static void write(Path target, IoConsumer<OutputStream> body) throws IOException {
        try (Staged s = stage(target)) {
            body.accept(s.out());
            s.commit();
        }
    }

    /** Writes UTF-8 text atomically. */
    public static void writeString(Path target, String text) throws IOException {
        write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Writes bytes atomically. */
    public static void writeBytes(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    /**
     * Opens a temporary sibling of {@code target} for a write that is streamed over time; the
     * target appears only at {@link Staged#commit()}, and closing without a commit discards it.
     */
    public static Staged stage(Path target) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
        try {
            return new Staged(abs, tmp, new FileOutputStream(tmp.toFile()));
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    /** A write in progress: bytes go to a temporary file until {@link #commit()}. */
    public static final class Staged implements AutoCloseable {
        private final Path target;
        private final Path tmp;
        private final FileOutputStream file;
        private final OutputStream out;
        private boolean closed;
        private boolean committed;

        private Staged(Path target, Path tmp, FileOutputStream file) {
            this.target = target;
            this.tmp = tmp;
            this.file = file;
            // callers may wrap and close their own streams: closing this view does not close the file
            this.out = new java.io.BufferedOutputStream(new FilterOutputStream(file) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    file.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    flush();
                }
            }, 1 << 16);
        }

        /** The stream to write to (buffered; closing it is harmless). */
        public OutputStream out() {
            return out;
        }

        /** The file the bytes will end up in. */
        public Path target() {
            return target;
        }

        /** Flushes, forces to disk, and moves the temporary file over the target. */
        public void commit() throws IOException {
            if (committed) {
                return;
            }
            out.flush();
            file.getChannel().force(true);
            file.close();
            closed = true;
            readableByAll(tmp);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            committed = true;
        }

        /** Without a {@link #commit()}, discards the temporary file. */
        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                file.close();
            }
            if (!committed) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** Temporary files are created owner-only; mtl4j's outputs are ordinary files: rw-r--r--. */
    private static void readableByAll(Path p) throws IOException {
        if (p.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
        }
    }
}
