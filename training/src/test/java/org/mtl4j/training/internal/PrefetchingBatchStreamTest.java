package org.mtl4j.training.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.BatchStream;

/** The read-ahead queue keeps the stream's order, carries a reader failure to its batch and closes cleanly. */
class PrefetchingBatchStreamTest {

    /** {@code n} one-row batches whose single label is the batch index; fails at {@code failAt} (-1: never). */
    private static final class Numbered implements BatchStream {
        private final int n;
        private final int failAt;
        private final AtomicInteger at = new AtomicInteger();
        final AtomicBoolean closed = new AtomicBoolean();
        final List<String> threads = new ArrayList<>();

        Numbered(int n, int failAt) {
            this.n = n;
            this.failAt = failAt;
        }

        @Override
        public boolean hasNext() {
            return at.get() < n;
        }

        @Override
        public Batch next() {
            int i = at.getAndIncrement();
            synchronized (threads) {
                threads.add(Thread.currentThread().getName());
            }
            if (i == failAt) {
                throw new MtlException("bad row in batch " + i);
            }
            return new Batch(1, Map.of(), Map.of("y", new float[] {i}), Map.of(), Map.of());
        }

        @Override
        public void close() {
            closed.set(true);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3})
    void batchesComeInTheStreamsOrder(int depth) {
        Numbered src = new Numbered(50, -1);
        List<Float> seen = new ArrayList<>();
        try (PrefetchingBatchStream s = PrefetchingBatchStream.of(src, depth)) {
            while (s.hasNext()) {
                seen.add(s.next().labels("y")[0]);
            }
            assertThat(s.hasNext()).isFalse();
            assertThat(s.readNanos()).isPositive();
        }
        assertThat(seen).hasSize(50);
        for (int i = 0; i < 50; i++) {
            assertThat(seen.get(i)).isEqualTo((float) i);
        }
        assertThat(src.closed).isTrue();
        // with a depth the batches were read on the reader thread, else on this one
        assertThat(src.threads).allMatch(t -> depth > 0 ? t.equals("mtl4j-prefetch") : !t.equals("mtl4j-prefetch"));
    }

    @Test
    void aReaderFailureReachesTheConsumerAtItsBatch() {
        Numbered src = new Numbered(10, 4);
        try (PrefetchingBatchStream s = PrefetchingBatchStream.of(src, 2)) {
            for (int i = 0; i < 4; i++) {
                assertThat(s.next().labels("y")[0]).isEqualTo((float) i);
            }
            assertThatThrownBy(s::hasNext).isInstanceOf(MtlException.class).hasMessage("bad row in batch 4");
            assertThat(s.hasNext()).isFalse();
        }
        assertThat(src.closed).isTrue();
    }

    @Test
    void closingEarlyStopsTheReaderAndClosesTheSource() {
        Numbered src = new Numbered(1000, -1);
        PrefetchingBatchStream s = PrefetchingBatchStream.of(src, 2);
        s.next();
        s.close();
        assertThat(src.closed).isTrue();
        int read = src.at.get();
        assertThat(read).isLessThan(10); // the queue bounded the read-ahead
        assertThat(s.hasNext()).isFalse();
    }
}
