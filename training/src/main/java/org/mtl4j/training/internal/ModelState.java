package org.mtl4j.training.internal;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.ref.Cleaner;
import java.nio.file.Files;
import java.nio.file.Path;
import org.mtl4j.api.backend.TrainableModel;

/**
 * A copy of a model's state (parameters and optimiser, {@link TrainableModel#writeState}) held for later:
 * the best epoch's state of early stopping and the state inside a {@link Checkpoint}. A state of at most
 * {@link #IN_MEMORY_MAX} bytes (64 MiB, or an eighth of the heap if that is less) stays in one array; a larger one (a recommender's embedding tables: 10M
 * users x 16 with Adam moments is 2.3 GB, beyond any Java array) is streamed into a temporary file in
 * {@code java.io.tmpdir} ({@code mtl4j-state-*.bin}), deleted once the snapshot is no longer referenced
 * (or when the JVM exits). Either way it is never held twice, and it is read back as a stream.
 */
public final class ModelState {
    /** The largest state kept in memory (64 MiB, at most an eighth of the heap); larger ones go to a temporary file. */
    public static final long IN_MEMORY_MAX = Math.min(64L << 20, Runtime.getRuntime().maxMemory() / 8);
    private static final Cleaner CLEANER = Cleaner.create();

    private final byte[] bytes;
    private final Path file;
    private final long size;

    private ModelState(byte[] bytes, Path file, long size) {
        this.bytes = bytes;
        this.file = file;
        this.size = size;
        if (file != null) {
            file.toFile().deleteOnExit();
            CLEANER.register(this, () -> {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    // a temporary file; deleteOnExit tries again
                }
            });
        }
    }

    /** A state held in the given bytes (not copied). */
    public static ModelState ofBytes(byte[] bytes) {
        return bytes == null ? null : new ModelState(bytes, null, bytes.length);
    }

    /** Snapshots the model's current state. */
    public static ModelState of(TrainableModel model) throws IOException {
        return of(model, IN_MEMORY_MAX);
    }

    static ModelState of(TrainableModel model, long inMemoryMax) throws IOException {
        try (Spill s = new Spill(inMemoryMax)) {
            BufferedOutputStream b = new BufferedOutputStream(s, 1 << 16);
            model.writeState(b);
            b.flush();
            return s.done();
        }
    }

    /** Copies exactly {@code n} bytes of {@code in} into a state; fewer is an {@link EOFException}. */
    static ModelState read(InputStream in, long n) throws IOException {
        return read(in, n, IN_MEMORY_MAX);
    }

    static ModelState read(InputStream in, long n, long inMemoryMax) throws IOException {
        try (Spill s = new Spill(inMemoryMax)) {
            byte[] buf = new byte[(int) Math.min(n, 1 << 16)];
            long left = n;
            while (left > 0) {
                int k = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (k < 0) {
                    throw new EOFException("model state ends after " + (n - left) + " of its " + n + " bytes");
                }
                s.write(buf, 0, k);
                left -= k;
            }
            s.flush();
            return s.done();
        }
    }

    /** The size in bytes. */
    public long size() {
        return size;
    }

    /** True when the state lives in a temporary file rather than in memory. */
    public boolean inFile() {
        return file != null;
    }

    /** The state's bytes as a stream (close it). */
    public InputStream open() throws IOException {
        return bytes != null ? new ByteArrayInputStream(bytes) : new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    }

    /** Writes the state's bytes to {@code out}. */
    public void writeTo(OutputStream out) throws IOException {
        if (bytes != null) {
            out.write(bytes);
            return;
        }
        try (InputStream in = Files.newInputStream(file)) {
            in.transferTo(out);
        }
    }

    /** Puts this state back into {@code model}. */
    public void restore(TrainableModel model) throws IOException {
        try (InputStream in = open()) {
            model.readState(in);
        }
    }

    /** The state as one array (a state in memory, or a file-held one that fits an array). */
    public byte[] bytes() {
        if (bytes != null) {
            return bytes;
        }
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("a model state of " + size + " bytes does not fit one array");
        }
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An output stream that keeps up to a limit in memory and moves to a temporary file beyond it. */
    private static final class Spill extends OutputStream {
        private final long max;
        private ByteArrayOutputStream mem = new ByteArrayOutputStream();
        private Path file;
        private OutputStream out;
        private long size;
        private boolean done;

        Spill(long max) {
            this.max = max;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (out == null && size + len > max) {
                file = Files.createTempFile("mtl4j-state-", ".bin");
                out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
                mem.writeTo(out);
                mem = null;
            }
            (out != null ? out : mem).write(b, off, len);
            size += len;
        }

        @Override
        public void flush() throws IOException {
            if (out != null) {
                out.flush();
            }
        }

        ModelState done() throws IOException {
            done = true;
            if (out == null) {
                return new ModelState(mem.toByteArray(), null, size);
            }
            out.close();
            return new ModelState(null, file, size);
        }

        @Override
        public void close() throws IOException {
            if (!done && out != null) {
                out.close();
                Files.deleteIfExists(file);
            }
        }
    }
}
