package org.mtl4j.data.internal;

/**
 * Rows of string cells under a header: a CSV file, a list of maps, or a dataset reader. Every source
 * feeds the same {@link RowBinder}, so a cell means the same thing whatever its origin.
 */
public interface RowSource {

    /** The file path or source name used in messages. */
    String name();

    /** Opens a new pass; the cursor has already read the header. */
    RowCursor open();
}
