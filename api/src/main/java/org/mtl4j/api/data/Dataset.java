package org.mtl4j.api.data;

import java.util.Map;

/**
 * A source of rows bound to a model's inputs and labels. Implementations stream: one epoch is a
 * {@link BatchStream} and the whole source is never required to fit in memory.
 */
public interface Dataset {

    /** What this data is, for provenance and error messages (a file path, a generator and its seed). */
    String description();

    /** The vocabularies of the categorical, multi-hot, sequence and text inputs, keyed by input name. */
    Map<String, Vocabulary> vocabularies();

    /**
     * Per-input statistics for dense inputs, keyed by input name: mean and standard deviation of
     * each column (used to standardise). May be empty.
     */
    default Map<String, DenseStats> denseStats() {
        return Map.of();
    }

    /**
     * One epoch of batches.
     *
     * @param shuffle whether rows are shuffled (within a buffer for streaming sources)
     * @param seed the shuffling seed of this epoch
     */
    BatchStream batches(int batchSize, boolean shuffle, long seed);

    /** Number of rows, or -1 when not known without a pass over the data. */
    default long size() {
        return -1;
    }

    /** Per-column mean and standard deviation of a dense input. */
    record DenseStats(double[] mean, double[] std) {
    }
}
