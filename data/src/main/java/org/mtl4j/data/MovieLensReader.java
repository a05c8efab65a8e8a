package org.mtl4j.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.spec.CategoricalInput;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.MultiHotInput;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.Pooling;
import org.mtl4j.api.spec.SequenceInput;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.api.spec.TrainingSpec;
import org.mtl4j.api.spec.TransformerSpec;
import org.mtl4j.data.DataException.Reason;
import org.mtl4j.data.internal.CsvRowSource;
import org.mtl4j.data.internal.CsvWriter;

/**
 * Reads MovieLens (Harper &amp; Konstan, ACM TiiS 2015) in its published formats and writes one
 * impression log for mtl4j. Nothing is downloaded: get the files from
 * <a href="https://grouplens.org/datasets/movielens/">grouplens.org/datasets/movielens</a>.
 * <ul>
 * <li>{@link #latestSmall(Path)}: {@code ratings.csv} (userId,movieId,rating,timestamp) and
 *     {@code movies.csv} (movieId,title,genres with {@code |}), as in ml-latest-small (UTF-8, quoted titles);</li>
 * <li>{@link #ml100k(Path)}: {@code u.data} (user, item, rating, timestamp; tab separated, no header) and
 *     {@code u.item} (pipe separated, ISO-8859-1, 19 genre flags in the order of {@code u.genre}).</li>
 * </ul>
 * The output ({@link #writeCsv(Path)}) has one row per rating, in time order (ties by user, item),
 * with columns {@code user,item,genres,history,rating,liked,timestamp}: {@code genres} is the
 * movie's genres ({@code |} separated, multi-hot), {@code history} the items the user rated
 * strictly before this rating's timestamp, most recent last, the last {@code historyLength} of them
 * ({@code |} separated, a sequence), {@code rating} the rating (regression) and {@code liked} 1 when
 * rating &gt;= 4 else 0 (binary). The ratings are held in memory (about 20 bytes each).
 */
public final class MovieLensReader {
    /** The genres of ml-100k's {@code u.genre}, in flag order. */
    public static final List<String> ML100K_GENRES = List.of("unknown", "Action", "Adventure", "Animation",
            "Children's", "Comedy", "Crime", "Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "Musical",
            "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western");

    /** Output columns. */
    public static final List<String> COLUMNS = List.of("user", "item", "genres", "history", "rating", "liked",
            "timestamp");

    private final String source;
    private final int[] users;
    private final int[] items;
    private final float[] ratings;
    private final long[] times;
    private final Map<Integer, String> genres;
    private final int historyLength;

    private MovieLensReader(String source, int[] users, int[] items, float[] ratings, long[] times,
            Map<Integer, String> genres, int historyLength) {
        this.source = source;
        this.users = users;
        this.items = items;
        this.ratings = ratings;
        this.times = times;
        this.genres = genres;
        this.historyLength = historyLength;
    }

    /** ml-latest-small (or any ml-latest*) directory holding {@code ratings.csv} and {@code movies.csv}. */
    public static MovieLensReader latestSmall(Path dir) {
        Path ratingsFile = dir.resolve("ratings.csv");
        Path moviesFile = dir.resolve("movies.csv");
        Map<Integer, String> genres = new HashMap<>();
        try (CsvRowSource.Cursor c = new CsvRowSource(moviesFile, ',').open()) {
            int id = col(c, "movieId", moviesFile);
            int g = col(c, "genres", moviesFile);
            String[] cells;
            while ((cells = c.next()) != null) {
                cells = checkCells(cells, c, moviesFile);
                String gs = cells[g].trim();
                genres.put((int) integer(cells[id], c.line(), "movieId", moviesFile), "(no genres listed)".equals(gs) ? "" : gs);
            }
        }
        Columns cols = new Columns();
        try (CsvRowSource.Cursor c = new CsvRowSource(ratingsFile, ',').open()) {
            int u = col(c, "userId", ratingsFile);
            int m = col(c, "movieId", ratingsFile);
            int r = col(c, "rating", ratingsFile);
            int t = col(c, "timestamp", ratingsFile);
            String[] cells;
            while ((cells = c.next()) != null) {
                cells = checkCells(cells, c, ratingsFile);
                cols.add(integer(cells[u], c.line(), "userId", ratingsFile), integer(cells[m], c.line(), "movieId", ratingsFile),
                        rating(cells[r], c.line(), "rating", ratingsFile), integer(cells[t], c.line(), "timestamp", ratingsFile));
            }
        }
        return cols.reader(dir.toString(), genres);
    }

    /** ml-100k directory holding {@code u.data} and {@code u.item}. */
    public static MovieLensReader ml100k(Path dir) {
        Path data = dir.resolve("u.data");
        Path item = dir.resolve("u.item");
        Map<Integer, String> genres = new HashMap<>();
        readLines(item, StandardCharsets.ISO_8859_1, (line, no) -> {
            String[] cells = line.split("\\|", -1);
            if (cells.length < 5 + ML100K_GENRES.size()) {
                throw DataException.cell(Reason.WRONG_COLUMN_COUNT, item.toString(), no, "genre flags", line,
                        "u.item rows need " + (5 + ML100K_GENRES.size()) + " '|'-separated fields, this one has " + cells.length);
            }
            List<String> gs = new ArrayList<>();
            for (int g = 0; g < ML100K_GENRES.size(); g++) {
                if ("1".equals(cells[5 + g].trim())) {
                    gs.add(ML100K_GENRES.get(g));
                }
            }
            genres.put((int) integer(cells[0], no, "movie id", item), String.join("|", gs));
        });
        Columns cols = new Columns();
        readLines(data, StandardCharsets.UTF_8, (line, no) -> {
            String[] cells = line.split("\t", -1);
            if (cells.length != 4) {
                throw DataException.cell(Reason.WRONG_COLUMN_COUNT, data.toString(), no, "cell " + Math.min(cells.length + 1, 5),
                        line, "u.data rows need 4 tab-separated fields (user, item, rating, timestamp), this one has "
                                + cells.length);
            }
            cols.add(integer(cells[0], no, "user id", data), integer(cells[1], no, "item id", data),
                    rating(cells[2], no, "rating", data), integer(cells[3], no, "timestamp", data));
        });
        return cols.reader(dir.toString(), genres);
    }

    /** The same ratings with another history length (default 50). */
    public MovieLensReader withHistoryLength(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("history length must be >= 1, found " + n);
        }
        return new MovieLensReader(source, users, items, ratings, times, genres, n);
    }

    public int size() {
        return users.length;
    }

    public int historyLength() {
        return historyLength;
    }

    /** Writes the impression log (see the class comment), atomically; returns the number of rows. */
    public long writeCsv(Path out) {
        int n = users.length;
        Integer[] byUser = new Integer[n];
        for (int i = 0; i < n; i++) {
            byUser[i] = i;
        }
        Arrays.sort(byUser, (a, b) -> {
            int c = Integer.compare(users[a], users[b]);
            c = c != 0 ? c : Long.compare(times[a], times[b]);
            return c != 0 ? c : Integer.compare(items[a], items[b]);
        });
        // for each rating: the range [histFrom, histTo) of byUser holding its history
        int[] histFrom = new int[n];
        int[] histTo = new int[n];
        int blockStart = 0;
        int firstOfTime = 0;
        for (int k = 0; k < n; k++) {
            int r = byUser[k];
            if (k > 0 && users[byUser[k - 1]] != users[r]) {
                blockStart = k;
                firstOfTime = k;
            } else if (k > 0 && times[byUser[k - 1]] != times[r]) {
                firstOfTime = k;
            }
            histTo[r] = firstOfTime;
            histFrom[r] = Math.max(blockStart, firstOfTime - historyLength);
        }
        int[] userSortedItems = new int[n];
        for (int k = 0; k < n; k++) {
            userSortedItems[k] = items[byUser[k]];
        }
        Integer[] byTime = byUser.clone();
        Arrays.sort(byTime, (a, b) -> {
            int c = Long.compare(times[a], times[b]);
            c = c != 0 ? c : Integer.compare(users[a], users[b]);
            return c != 0 ? c : Integer.compare(items[a], items[b]);
        });
        StringBuilder sb = new StringBuilder(512);
        try (CsvWriter w = new CsvWriter(out)) {
            w.line(String.join(",", COLUMNS));
            for (int r : byTime) {
                sb.setLength(0);
                sb.append(users[r]).append(',').append(items[r]).append(',');
                sb.append(CsvWriter.cell(genres.getOrDefault(items[r], ""), ',')).append(',');
                for (int k = histFrom[r]; k < histTo[r]; k++) {
                    if (k > histFrom[r]) {
                        sb.append('|');
                    }
                    sb.append(userSortedItems[k]);
                }
                sb.append(',').append(ratings[r]).append(',').append(ratings[r] >= 4 ? '1' : '0').append(',')
                        .append(times[r]);
                w.line(sb);
            }
            w.commit();
        }
        return n;
    }

    /** Writes the log to {@code csv} and binds it to {@code spec}, with extras["user"] set from the user column. */
    public CsvDataset dataset(ModelSpec spec, Path csv) {
        writeCsv(csv);
        return CsvDataset.builder(csv, spec).groupBy("user").build();
    }

    /**
     * A model for the log: user and item embeddings (16), the user's history through a one-layer
     * Transformer sharing the item table, genres as a mean-pooled bag (8); tasks {@code rating}
     * (regression) and {@code liked} (binary); MMoE with 4 experts of 32 units.
     */
    public static ModelSpec spec(int historyLength) {
        return new ModelSpec("movielens", List.of(
                new CategoricalInput("user", "user", 16, null, null),
                new CategoricalInput("item", "item", 16, null, "items"),
                new SequenceInput("history", "history", "|", historyLength, null, "items", TransformerSpec.of(1, 2, 16)),
                new MultiHotInput("genres", "genres", "|", 8, Pooling.MEAN, null, null)),
                List.of(TaskSpec.regression("rating", "rating"), TaskSpec.binary("liked", "liked")),
                new Topology.Mmoe(4, List.of(32), List.of()), null, null, null, OptimizerSpec.adam(1e-3),
                new TrainingSpec(3, 256, 42L, 0.0, null, 50, 100_000), "dl4j");
    }

    @Override
    public String toString() {
        return "MovieLens[" + source + ", " + size() + " ratings]";
    }

    private static final class Columns {
        int n;
        int[] u = new int[1024];
        int[] i = new int[1024];
        float[] r = new float[1024];
        long[] t = new long[1024];

        void add(long user, long item, float rating, long time) {
            if (n == u.length) {
                u = Arrays.copyOf(u, n * 2);
                i = Arrays.copyOf(i, n * 2);
                r = Arrays.copyOf(r, n * 2);
                t = Arrays.copyOf(t, n * 2);
            }
            u[n] = (int) user;
            i[n] = (int) item;
            r[n] = rating;
            t[n] = time;
            n++;
        }

        MovieLensReader reader(String source, Map<Integer, String> genres) {
            return new MovieLensReader(source, Arrays.copyOf(u, n), Arrays.copyOf(i, n), Arrays.copyOf(r, n),
                    Arrays.copyOf(t, n), genres, 50);
        }
    }

    private interface LineHandler {
        void line(String line, long number);
    }

    private static void readLines(Path file, Charset cs, LineHandler h) {
        long no = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(Files.newInputStream(file),
                cs.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)))) {
            String line;
            while (true) {
                try {
                    line = r.readLine();
                } catch (CharacterCodingException e) {
                    throw new DataException(Reason.INVALID_UTF8, file.toString(), no + 1, null, null,
                            file + ":" + (no + 1) + ": not valid " + cs.name() + " (" + e.getMessage() + ")", e);
                }
                if (line == null) {
                    break;
                }
                no++;
                if (!line.isBlank()) {
                    h.line(line, no);
                }
            }
        } catch (IOException e) {
            throw new DataException(Reason.IO, file.toString(), no, null, null, file + ": cannot read: " + e, e);
        }
    }

    private static int col(CsvRowSource.Cursor c, String name, Path file) {
        int i = c.header().indexOf(name);
        if (i < 0) {
            throw new DataException(Reason.MISSING_COLUMN, file.toString(), 1, name, null, file + ":1: column '" + name
                    + "' of the MovieLens format is not in the header (header: " + DataException.names(c.header()) + ")");
        }
        return i;
    }

    private static String[] checkCells(String[] cells, CsvRowSource.Cursor c, Path file) {
        if (cells.length != c.header().size()) {
            String col = cells.length < c.header().size() ? c.header().get(cells.length) : "cell " + (c.header().size() + 1);
            throw DataException.cell(Reason.WRONG_COLUMN_COUNT, file.toString(), c.line(), col, c.lastLine(),
                    "row has " + cells.length + " cells but the header has " + c.header().size());
        }
        return cells;
    }

    private static long integer(String cell, long line, String column, Path file) {
        try {
            return Long.parseLong(cell.trim());
        } catch (NumberFormatException e) {
            throw DataException.cell(Reason.UNPARSABLE_NUMBER, file.toString(), line, column, cell, "needs an integer");
        }
    }

    private static float rating(String cell, long line, String column, Path file) {
        try {
            float v = Float.parseFloat(cell.trim());
            if (Float.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw DataException.cell(Reason.UNPARSABLE_NUMBER, file.toString(), line, column, cell, "needs a finite number");
    }
}
