package org.mtl4j.data.internal;

import java.util.List;

/** One pass over a {@link RowSource}. */
public interface RowCursor extends AutoCloseable {

    List<String> header();

    /**
     * The cells of the next data row, or null at the end. A row that cannot even be split into cells
     * (an invalid UTF-8 byte, an unterminated quote) throws a row-level
     * {@link org.mtl4j.data.DataException}; the cursor is then positioned after that row, so a caller
     * that skips bad rows may call {@code next()} again.
     */
    String[] next();

    /** Line number of the row last returned (header = line 1 for files). */
    long line();

    @Override
    void close();
}
