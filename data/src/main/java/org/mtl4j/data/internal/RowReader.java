package org.mtl4j.data.internal;

import java.util.Map;
import org.mtl4j.data.BadRowPolicy;
import org.mtl4j.data.DataException;

/** Reads parsed rows from a cursor, applying the bad-row policy: throw, or skip and count per reason. */
final class RowReader implements AutoCloseable {
    private final RowCursor cursor;
    private final RowBinder binder;
    private final IdMapper ids;
    private final BadRowPolicy policy;
    private final BadRowCounts counts;

    RowReader(RowCursor cursor, RowBinder binder, IdMapper ids, BadRowPolicy policy, BadRowCounts counts) {
        this.cursor = cursor;
        this.binder = binder;
        this.ids = ids;
        this.policy = policy;
        this.counts = counts;
    }

    /** The cells of the row last returned by {@link #next()} (valid until the next call). */
    private String[] lastCells;

    /** The next good row, or null at the end. */
    ParsedRow next() {
        while (true) {
            try {
                String[] cells = cursor.next();
                if (cells == null) {
                    lastCells = null;
                    return null;
                }
                ParsedRow row = binder.parse(cells, cursor.line(), ids);
                lastCells = cells;
                return row;
            } catch (DataException e) {
                if (policy == BadRowPolicy.SKIP_AND_COUNT && e.reason().rowLevel()) {
                    counts.add(e);
                } else {
                    throw e;
                }
            }
        }
    }

    /** The raw cells of the row last returned by {@link #next()}. */
    String[] lastCells() {
        return lastCells;
    }

    Map<String, Long> counts() {
        return counts.snapshot();
    }

    @Override
    public void close() {
        cursor.close();
    }
}
