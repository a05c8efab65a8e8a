package org.mtl4j.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import org.mtl4j.api.Checks;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.BatchStream;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.internal.SplitMix64;
import org.mtl4j.training.internal.Batches;

/**
 * One side of a deterministic hold-out split of a dataset, used when training has a
 * {@code validationFraction} but no validation set. Row i (its position in the source's unshuffled
 * order) is held out when a 64-bit mix of (i, seed) mapped to [0, 1) falls below the fraction, so
 * the split needs no memory, is the same on every epoch and every run with the same seed, and the
 * two sides are disjoint and together cover every row.
 *
 * <p>Batches are read from the source unshuffled, filtered, and (when shuffling) shuffled within a
 * buffer of {@code shuffleBuffer} rows (rounded up to whole batches): memory stays bounded for a
 * streaming source. Vocabularies and dense statistics are the source's (computed over all rows).
 */
public final class HoldoutDataset implements Dataset {
    private final Dataset source;
    private final double fraction;
    private final long seed;
    private final boolean heldOut;
    private final int shuffleBuffer;
    private long size = -2;

    /** The training and validation sides of one split. */
    public record Split(HoldoutDataset train, HoldoutDataset validation) {
    }

    private HoldoutDataset(Dataset source, double fraction, long seed, boolean heldOut, int shuffleBuffer) {
        this.source = Checks.notNull("hold-out source", source);
        this.fraction = Checks.inRange("hold-out fraction", fraction, 0, 1);
        this.seed = seed;
        this.heldOut = heldOut;
        this.shuffleBuffer = Checks.positive("hold-out shuffleBuffer", shuffleBuffer);
    }

    /** Splits {@code source}: about {@code fraction} of the rows go to the validation side. */
    public static Split split(Dataset source, double fraction, long seed, int shuffleBuffer) {
        return new Split(new HoldoutDataset(source, fraction, seed, false, shuffleBuffer),
                new HoldoutDataset(source, fraction, seed, true, shuffleBuffer));
    }

    /** Whether row {@code index} is on the validation side of a split with this fraction and seed. */
    public static boolean isHeldOut(long index, long seed, double fraction) {
        return SplitMix64.unit(SplitMix64.at(seed, index)) < fraction;
    }

    public boolean isValidationSide() {
        return heldOut;
    }

    @Override
    public String description() {
        return source.description() + " (" + (heldOut ? "validation hold-out " : "training part, hold-out ")
                + fraction + ", seed " + seed + ")";
    }

    @Override
    public Map<String, Vocabulary> vocabularies() {
        return source.vocabularies();
    }

    @Override
    public Map<String, DenseStats> denseStats() {
        return source.denseStats();
    }

    /** Exact when the source knows its size (one hash per row, no pass over the data), else -1. */
    @Override
    public synchronized long size() {
        if (size == -2) {
            long n = source.size();
            if (n < 0) {
                size = -1;
            } else {
                long kept = 0;
                for (long i = 0; i < n; i++) {
                    if (isHeldOut(i, seed, fraction) == heldOut) {
                        kept++;
                    }
                }
                size = kept;
            }
        }
        return size;
    }

    @Override
    public BatchStream batches(int batchSize, boolean shuffle, long shuffleSeed) {
        Checks.positive("batch size", batchSize);
        int chunk = shuffle ? (int) Math.min(Integer.MAX_VALUE - 8L,
                ((long) Math.max(shuffleBuffer, batchSize) + batchSize - 1) / batchSize * batchSize) : batchSize;
        return new Stream(source.batches(batchSize, false, 0), batchSize, chunk, shuffle, shuffleSeed);
    }

    private final class Stream implements BatchStream {
        private final BatchStream in;
        private final int batchSize;
        private final int chunk;
        private final boolean shuffle;
        private final Random rnd;
        private Batch current;
        private int pos;
        private long index;
        private Batch ready;
        private int[] order;
        private int emitted;

        Stream(BatchStream in, int batchSize, int chunk, boolean shuffle, long shuffleSeed) {
            this.in = in;
            this.batchSize = batchSize;
            this.chunk = chunk;
            this.shuffle = shuffle;
            this.rnd = new Random(shuffleSeed);
        }

        /** Fills the next chunk of kept rows; false at the end of the source. */
        private boolean fill() {
            List<Batch> sources = new ArrayList<>();
            int[] src = new int[chunk];
            int[] rows = new int[chunk];
            int n = 0;
            while (n < chunk) {
                if (current == null || pos >= current.size()) {
                    if (!in.hasNext()) {
                        break;
                    }
                    current = in.next();
                    pos = 0;
                    continue;
                }
                if (isHeldOut(index++, seed, fraction) == heldOut) {
                    if (sources.isEmpty() || sources.get(sources.size() - 1) != current) {
                        sources.add(current);
                    }
                    src[n] = sources.size() - 1;
                    rows[n] = pos;
                    n++;
                }
                pos++;
            }
            if (n == 0) {
                return false;
            }
            ready = Batches.gather(sources, src, rows, n);
            order = new int[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            if (shuffle) {
                for (int i = n - 1; i > 0; i--) {
                    int j = rnd.nextInt(i + 1);
                    int t = order[i];
                    order[i] = order[j];
                    order[j] = t;
                }
            }
            emitted = 0;
            return true;
        }

        @Override
        public boolean hasNext() {
            if (ready != null && emitted < ready.size()) {
                return true;
            }
            ready = null;
            return fill();
        }

        @Override
        public Batch next() {
            if (!hasNext()) {
                throw new NoSuchElementException("hold-out stream over " + source.description() + " is exhausted");
            }
            int n = Math.min(batchSize, ready.size() - emitted);
            if (!shuffle && n == ready.size()) {
                emitted = n;
                return ready;
            }
            int[] rows = java.util.Arrays.copyOfRange(order, emitted, emitted + n);
            emitted += n;
            return Batches.gather(List.of(ready), new int[n], rows, n);
        }

        @Override
        public void close() {
            in.close();
        }
    }
}
