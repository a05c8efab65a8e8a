package org.mtl4j.backend.dl4j.internal.nn;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Embedding tables by name, so that inputs naming the same table (an item id and the user's item
 * history) look ids up in one shared matrix of shape [rows, dim]. Tables are per owner: under the
 * {@code independent} topology every task owns its own copy. A table's gradient is sparse: the rows
 * a batch touched ({@link Param#rowGradient()}).
 */
public final class EmbeddingTables {
    private final ParamStore store;
    private final Map<String, Param> tables = new LinkedHashMap<>();

    public EmbeddingTables(ParamStore store) {
        this.store = store;
    }

    /**
     * The table {@code name} of {@code owner}, declared on first use.
     *
     * @throws IllegalArgumentException if the table exists with another shape
     */
    public Param table(String name, int rows, int dim, String owner) {
        String key = owner + "/" + name;
        Param p = tables.get(key);
        if (p == null) {
            p = store.declareTable("embedding:" + name + (Param.SHARED.equals(owner) ? "" : "@" + owner), rows, dim, owner);
            tables.put(key, p);
        } else if (p.shape()[0] != rows || p.shape()[1] != dim) {
            throw new IllegalArgumentException("embedding table '" + name + "' is used with shape [" + rows + ", " + dim
                    + "] but was declared [" + p.shape()[0] + ", " + p.shape()[1] + "]");
        }
        return p;
    }

    public ParamStore store() {
        return store;
    }
}
