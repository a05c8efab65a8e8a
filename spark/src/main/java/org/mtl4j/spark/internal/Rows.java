package org.mtl4j.spark.internal;

import org.apache.spark.sql.Row;
import org.mtl4j.data.DataException;
import org.mtl4j.data.internal.IdMapper;
import org.mtl4j.data.internal.ParsedRow;
import org.mtl4j.data.internal.RowBinder;

/**
 * A DataFrame row through the data module's one row parser ({@link RowBinder}): cells as the CSV reader
 * would see them, and errors in the CSV reader's form with the file and line replaced by the DataFrame
 * and its row ({@code dataframe 'clicks', row 17: column 'price': not a number, found "abc"}).
 */
public final class Rows {
    private Rows() {
    }

    /**
     * The cells of a row: null as the empty cell (an absent label: the task is masked on this row),
     * booleans as 1 and 0 (binary labels, flags), everything else as its string form (numbers as Java
     * prints them, which the parser reads back).
     */
    public static String[] cells(Row r) {
        String[] c = new String[r.length()];
        for (int i = 0; i < c.length; i++) {
            Object v = r.get(i);
            c[i] = v == null ? "" : v instanceof Boolean b ? (b ? "1" : "0") : v.toString();
        }
        return c;
    }

    /** Parses one row; a bad cell fails naming the DataFrame, the row (1-based, in the DataFrame's order), column and value. */
    public static ParsedRow parse(RowBinder binder, String[] cells, long row, IdMapper ids, String source) {
        try {
            return binder.parse(cells, row, ids);
        } catch (DataException e) {
            throw rename(e, source, row);
        }
    }

    /** The same problem, located in a DataFrame: "{source}, row {row}: ...". */
    public static DataException rename(DataException e, String source, long row) {
        String prefix = e.file() + ":" + e.line() + ": ";
        String m = e.getMessage();
        String problem = m != null && m.startsWith(prefix) ? m.substring(prefix.length()) : m;
        return new DataException(e.reason(), source, row, e.column(), e.value(), source + ", row " + row + ": " + problem, e);
    }
}
