package org.mtl4j.data;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.mtl4j.api.internal.SplitMix64;
import org.mtl4j.data.DataException.Reason;
import org.mtl4j.data.internal.CsvRowSource;
import org.mtl4j.data.internal.CsvWriter;
import org.mtl4j.data.internal.Rng;

/**
 * Splits a CSV/TSV file into two files with the same header, streaming (memory is constant except
 * for {@link #byTimeFraction}, which holds one number per row to find the cut-off). Lines are
 * copied as they are; both outputs are written atomically. The delimiter is a tab for {@code .tsv}
 * files and a comma otherwise.
 *
 * <ul>
 * <li>{@link #random}: each row goes to the second file with probability {@code fraction} (seeded).</li>
 * <li>{@link #byTime}: rows with time &lt; cut-off are the past (train), the rest the future (test).</li>
 * <li>{@link #byTimeFraction}: the cut-off is chosen so that about {@code futureFraction} of the
 *     rows are the future; rows sharing the cut-off time all go to the future.</li>
 * <li>{@link #byUser}: whole users are left out: a user is in the second file with probability
 *     {@code fraction}, decided by a seeded hash of the user's value, so every row of a user lands
 *     on the same side.</li>
 * </ul>
 */
public final class Splits {
    private Splits() {
    }

    /** The two files written and their row counts. */
    public record Split(Path first, Path second, long firstRows, long secondRows) {
    }

    /** Decides the side of each row; {@code col} is the index of the key column (or -1). */
    private interface Side {
        boolean second(String[] cells, long line, int col);
    }

    public static Split random(Path in, double fraction, long seed, Path first, Path second) {
        checkFraction(fraction);
        Rng r = new Rng(seed);
        return split(in, first, second, null, (cells, line, col) -> r.uniform() < fraction);
    }

    public static Split byTime(Path in, String timeColumn, double cutoff, Path past, Path future) {
        String name = in.toString();
        return split(in, past, future, timeColumn,
                (cells, line, col) -> time(cells, line, col, timeColumn, name) >= cutoff);
    }

    public static Split byTimeFraction(Path in, String timeColumn, double futureFraction, Path past, Path future) {
        checkFraction(futureFraction);
        CsvRowSource src = new CsvRowSource(in, delimiter(in));
        double[] times = new double[1024];
        int n = 0;
        try (CsvRowSource.Cursor c = src.open()) {
            int col = column(c, timeColumn, in);
            String[] cells;
            while ((cells = c.next()) != null) {
                if (n == times.length) {
                    times = Arrays.copyOf(times, n * 2);
                }
                times[n++] = time(cells, c.line(), col, timeColumn, in.toString());
            }
        }
        if (n == 0) {
            throw new DataException(Reason.EMPTY_FILE, in.toString(), 0, null, null,
                    in + ": file has a header but no data rows");
        }
        double[] sorted = Arrays.copyOf(times, n);
        Arrays.sort(sorted);
        int k = (int) Math.min(n - 1, Math.max(0, Math.round(n * (1 - futureFraction))));
        return byTime(in, timeColumn, sorted[k], past, future);
    }

    public static Split byUser(Path in, String userColumn, double fraction, long seed, Path first, Path second) {
        checkFraction(fraction);
        return split(in, first, second, userColumn, (cells, line, col) -> {
            String user = cells[col].trim();
            long h = SplitMix64.derive(seed, user.hashCode() * SplitMix64.GAMMA + user.length());
            return SplitMix64.unit(h) < fraction;
        });
    }

    private static void checkFraction(double f) {
        if (!(f >= 0 && f <= 1)) {
            throw new IllegalArgumentException("split fraction must be in [0, 1], found " + f);
        }
    }

    static char delimiter(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".tsv") || n.endsWith(".tsv.gz") ? '\t' : ',';
    }

    private static int column(CsvRowSource.Cursor c, String col, Path in) {
        int i = c.header().indexOf(col);
        if (i < 0) {
            throw new DataException(Reason.MISSING_COLUMN, in.toString(), 1, col, null, in + ":1: column '" + col
                    + "' named by the split is not in the header (header: " + DataException.names(c.header()) + ")");
        }
        return i;
    }

    private static double time(String[] cells, long line, int col, String colName, String file) {
        if (col >= cells.length) {
            throw DataException.cell(Reason.WRONG_COLUMN_COUNT, file, line, colName, String.join(",", cells),
                    "row has " + cells.length + " cells, too few for the split's time column");
        }
        String v = cells[col].trim();
        try {
            double t = Double.parseDouble(v);
            if (!Double.isNaN(t)) {
                return t;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw DataException.cell(Reason.UNPARSABLE_NUMBER, file, line, colName, cells[col],
                "the split's time column needs a number");
    }

    private static Split split(Path in, Path first, Path second, String keyColumn, Side side) {
        CsvRowSource src = new CsvRowSource(in, delimiter(in));
        long a = 0;
        long b = 0;
        try (CsvRowSource.Cursor c = src.open(); CsvWriter wa = new CsvWriter(first); CsvWriter wb = new CsvWriter(second)) {
            int col = keyColumn == null ? -1 : column(c, keyColumn, in);
            String header = String.join(String.valueOf(src.delimiter()), c.header().stream()
                    .map(h -> CsvWriter.cell(h, src.delimiter())).toList());
            wa.line(header);
            wb.line(header);
            String[] cells;
            while ((cells = c.next()) != null) {
                if (cells.length != c.header().size()) {
                    String missing = cells.length < c.header().size() ? c.header().get(cells.length)
                            : "cell " + (c.header().size() + 1);
                    throw DataException.cell(Reason.WRONG_COLUMN_COUNT, in.toString(), c.line(), missing, c.lastLine(),
                            "row has " + cells.length + " cells but the header has " + c.header().size());
                }
                if (side.second(cells, c.line(), col)) {
                    wb.line(c.lastLine());
                    b++;
                } else {
                    wa.line(c.lastLine());
                    a++;
                }
            }
            wa.commit();
            wb.commit();
        }
        return new Split(first, second, a, b);
    }
}
