package org.mtl4j.cli.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Bridges the command's {@link PrintWriter}s to listeners that write to a {@link PrintStream} (the progress bar). */
public final class Console {
    private Console() {
    }

    /** A UTF-8 PrintStream that forwards everything to {@code writer}, flushing it on every flush. */
    public static PrintStream stream(PrintWriter writer) {
        return new PrintStream(new WriterStream(writer), true, StandardCharsets.UTF_8);
    }

    /** True when stderr is a terminal (so the progress bar may redraw in place). */
    public static boolean interactive() {
        return System.console() != null;
    }

    private static final class WriterStream extends OutputStream {
        private final PrintWriter writer;
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
        private final ByteBuffer bytes = ByteBuffer.allocate(8192);
        private final CharBuffer chars = CharBuffer.allocate(8192);

        WriterStream(PrintWriter writer) {
            this.writer = writer;
        }

        @Override
        public synchronized void write(int b) {
            if (!bytes.hasRemaining()) {
                drain();
            }
            bytes.put((byte) b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            for (int i = 0; i < len; i++) {
                write(b[off + i]);
            }
        }

        private void drain() {
            bytes.flip();
            decoder.decode(bytes, chars, false);
            chars.flip();
            writer.append(chars);
            chars.clear();
            bytes.compact();
        }

        @Override
        public synchronized void flush() throws IOException {
            drain();
            writer.flush();
        }
    }
}
