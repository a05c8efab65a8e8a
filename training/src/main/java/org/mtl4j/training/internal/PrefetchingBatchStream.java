package org.mtl4j.training.internal;

import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.BatchStream;

/**
 * A batch stream read ahead by one producer thread into a bounded queue of {@code depth} batches, so
 * the parsing and binding of the next batches (CSV reading, vocabulary look-ups, the shuffle buffer)
 * overlaps the training step that consumes the current one (issue 15). The order of batches is the
 * underlying stream's: training is unchanged bit for bit.
 *
 * <p>With {@code depth} 0 nothing runs ahead: the batches are read on the consumer's thread, as before.
 * Either way {@link #waitNanos()} is the time the consumer spent waiting for input (reading it itself,
 * or waiting on the queue) and {@link #readNanos()} the time the reader spent producing batches: with
 * prefetch, {@code readNanos - waitNanos} is the input time hidden behind compute.
 *
 * <p>A failure of the reader (a bad row, an I/O error) is rethrown, as the same exception, to the
 * consumer at the batch where it happened. {@link #close()} stops the reader, waits for it and closes
 * the underlying stream.
 */
public final class PrefetchingBatchStream implements BatchStream {
    private static final Object END = new Object();

    private final BatchStream source;
    private final BlockingQueue<Object> queue;
    private final Thread reader;
    private volatile boolean stopped;
    private volatile long readNanos;
    private long waitNanos;
    private Object head;
    private boolean closed;

    /** A failure of the reader, carried to the consumer. */
    private record Failure(Throwable error) {
    }

    private PrefetchingBatchStream(BatchStream source, int depth) {
        this.source = source;
        this.queue = depth > 0 ? new ArrayBlockingQueue<>(depth) : null;
        if (depth > 0) {
            reader = new Thread(this::produce, "mtl4j-prefetch");
            reader.setDaemon(true);
            reader.start();
        } else {
            reader = null;
        }
    }

    /** {@code source} read ahead by up to {@code depth} batches (0: read on the caller's thread). */
    public static PrefetchingBatchStream of(BatchStream source, int depth) {
        if (depth < 0) {
            throw new IllegalArgumentException("prefetch depth must be >= 0, found " + depth);
        }
        return new PrefetchingBatchStream(source, depth);
    }

    private void produce() {
        try {
            while (!stopped) {
                long t0 = System.nanoTime();
                Object item;
                try {
                    item = source.hasNext() ? source.next() : END;
                } catch (RuntimeException | Error e) {
                    item = new Failure(e); // an Error too: the consumer must not wait forever for a dead reader
                }
                readNanos += System.nanoTime() - t0;
                while (!stopped && !queue.offer(item, 50, TimeUnit.MILLISECONDS)) {
                    // the consumer is busy: wait for room (and notice a close)
                }
                if (item == END || item instanceof Failure) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean hasNext() {
        if (closed) {
            return false;
        }
        if (head == null) {
            long t0 = System.nanoTime();
            if (queue == null) {
                head = source.hasNext() ? source.next() : END;
                readNanos += System.nanoTime() - t0;
            } else {
                try {
                    head = queue.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the next batch", e);
                }
            }
            waitNanos += System.nanoTime() - t0;
        }
        if (head instanceof Failure f) {
            head = END;
            if (f.error() instanceof Error e) {
                throw e;
            }
            throw (RuntimeException) f.error();
        }
        return head != END;
    }

    @Override
    public Batch next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more batches");
        }
        Batch b = (Batch) head;
        head = null;
        return b;
    }

    /** Nanoseconds the consumer waited for batches (all of the input time without prefetch). */
    public long waitNanos() {
        return waitNanos;
    }

    /** Nanoseconds the reader spent producing batches, on whichever thread it ran. */
    public long readNanos() {
        return readNanos;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopped = true;
        if (reader != null) {
            // no interrupt: it would close a file channel under the reader; it sees the flag within 50 ms
            boolean interrupted = false;
            while (reader.isAlive()) {
                try {
                    reader.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        source.close();
    }
}
