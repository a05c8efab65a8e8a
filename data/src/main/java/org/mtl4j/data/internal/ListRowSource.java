package org.mtl4j.data.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rows given as maps from column name to cell. The header is the union of the keys in first-seen
 * order; a key absent from a row is an empty cell. Row i (0-based) is reported as line i + 1.
 */
public final class ListRowSource implements RowSource {
    private final String name;
    private final List<Map<String, String>> rows;
    private final List<String> header;

    public ListRowSource(String name, List<Map<String, String>> rows) {
        this.name = name;
        this.rows = List.copyOf(rows);
        Set<String> cols = new LinkedHashSet<>();
        for (Map<String, String> r : this.rows) {
            cols.addAll(r.keySet());
        }
        this.header = List.copyOf(new ArrayList<>(cols));
    }

    @Override
    public String name() {
        return name;
    }

    public int size() {
        return rows.size();
    }

    @Override
    public RowCursor open() {
        return new RowCursor() {
            private int i;

            @Override
            public List<String> header() {
                return header;
            }

            @Override
            public String[] next() {
                if (i >= rows.size()) {
                    return null;
                }
                Map<String, String> r = rows.get(i++);
                String[] cells = new String[header.size()];
                for (int c = 0; c < cells.length; c++) {
                    String v = r.get(header.get(c));
                    cells[c] = v == null ? "" : v;
                }
                return cells;
            }

            @Override
            public long line() {
                return i;
            }

            @Override
            public void close() {
                // nothing held
            }
        };
    }
}
