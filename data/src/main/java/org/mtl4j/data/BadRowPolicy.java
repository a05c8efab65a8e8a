package org.mtl4j.data;

/** What a dataset does with a malformed row. */
public enum BadRowPolicy {
    /** Throw a {@link DataException} naming the file, line, column and value (the default). */
    FAIL,
    /**
     * Skip the row, count it per {@link DataException.Reason} and log a summary at the end of every
     * pass; the counts are exposed by the dataset. Problems with the file as a whole (empty file,
     * missing or duplicate header columns) still throw.
     */
    SKIP_AND_COUNT
}
