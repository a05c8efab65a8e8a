package org.mtl4j.bench.internal;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.BatchStream;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.data.Vocabulary;

/**
 * Batches read once into memory and served again and again in the same order, so that a benchmark
 * times the training step and not CSV parsing. {@link #batches} ignores its arguments: the batch size
 * and the (single) shuffle were fixed when the batches were loaded.
 */
public final class PreloadedDataset implements Dataset {
    private final String description;
    private final List<Batch> batches;
    private final Map<String, Vocabulary> vocabularies;
    private final Map<String, DenseStats> denseStats;
    private final long rows;

    public PreloadedDataset(String description, List<Batch> batches, Map<String, Vocabulary> vocabularies,
            Map<String, DenseStats> denseStats) {
        if (batches.isEmpty()) {
            throw new IllegalArgumentException("preloaded dataset '" + description + "' has no batches");
        }
        this.description = description;
        this.batches = List.copyOf(batches);
        this.vocabularies = Map.copyOf(vocabularies);
        this.denseStats = Map.copyOf(denseStats);
        this.rows = this.batches.stream().mapToLong(Batch::size).sum();
    }

    /**
     * Reads one shuffled pass of {@code source} in batches of {@code batchSize}; with {@code fullOnly} the
     * last, partial batch is dropped (every step then sees exactly {@code batchSize} rows).
     *
     * @param maxRows stop after this many rows (0: all)
     */
    public static PreloadedDataset load(Dataset source, int batchSize, long seed, boolean fullOnly, long maxRows) {
        List<Batch> out = new ArrayList<>();
        long seen = 0;
        try (BatchStream s = source.batches(batchSize, true, seed)) {
            while (s.hasNext() && (maxRows <= 0 || seen < maxRows)) {
                Batch b = s.next();
                if (b.size() == 0 || (fullOnly && b.size() < batchSize)) {
                    continue;
                }
                out.add(b);
                seen += b.size();
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("data '" + source.description() + "' has no full batch of " + batchSize
                    + " rows");
        }
        return new PreloadedDataset(source.description() + " (preloaded, " + seen + " rows)", out,
                source.vocabularies(), source.denseStats());
    }

    /** The batches in serving order. */
    public List<Batch> batchList() {
        return batches;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public Map<String, Vocabulary> vocabularies() {
        return vocabularies;
    }

    @Override
    public Map<String, DenseStats> denseStats() {
        return denseStats;
    }

    @Override
    public long size() {
        return rows;
    }

    @Override
    public BatchStream batches(int batchSize, boolean shuffle, long seed) {
        Iterator<Batch> it = batches.iterator();
        return new BatchStream() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Batch next() {
                if (!it.hasNext()) {
                    throw new NoSuchElementException("preloaded dataset '" + description + "' has no more batches");
                }
                return it.next();
            }

            @Override
            public void close() {
            }
        };
    }
}
