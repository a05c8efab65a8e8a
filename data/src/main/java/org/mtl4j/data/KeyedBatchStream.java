package org.mtl4j.data;

import java.util.List;
import org.mtl4j.api.data.BatchStream;

/**
 * Batches in file order that also carry, row by row, the raw cells of chosen columns (ids to join
 * predictions back to users and items). Rows skipped as bad under
 * {@link BadRowPolicy#SKIP_AND_COUNT} are skipped here too, so keys and batch rows always line up.
 */
public interface KeyedBatchStream extends BatchStream {

    /** The kept columns, in the order their cells appear in {@link #keys}. */
    List<String> keyColumns();

    /** The kept cells of row {@code row} of the batch last returned by {@link #next()}. */
    List<String> keys(int row);
}
