package org.mtl4j.api.data;

import java.util.Iterator;

/** One pass over a dataset, batch by batch; closing it releases the file handles behind it. */
public interface BatchStream extends Iterator<Batch>, AutoCloseable {
    @Override
    void close();
}
