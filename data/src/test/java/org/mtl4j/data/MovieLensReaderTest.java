package org.mtl4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.BatchStream;
import org.mtl4j.api.data.Feature;

/** Small files in the published MovieLens formats (nothing is downloaded). */
class MovieLensReaderTest {
    @TempDir
    Path dir;

    private void latestSmall() throws Exception {
        Files.writeString(dir.resolve("movies.csv"), String.join("\n", "movieId,title,genres",
                "1,Toy Story (1995),Adventure|Animation|Children|Comedy|Fantasy",
                "2,\"American President, The (1995)\",Comedy|Drama|Romance",
                "3,Nothing (2000),(no genres listed)", ""), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("ratings.csv"), String.join("\n", "userId,movieId,rating,timestamp",
                "1,1,4.0,100", "1,2,3.5,50", "1,3,5.0,100", "2,1,2.0,70", "2,2,4.5,80", "1,4,1.0,200", ""));
    }

    @Test
    void latestSmallBecomesATimeOrderedLogWithStrictlyEarlierHistory() throws Exception {
        latestSmall();
        MovieLensReader r = MovieLensReader.latestSmall(dir);
        assertThat(r.size()).isEqualTo(6);
        Path out = dir.resolve("log.csv");
        assertThat(r.writeCsv(out)).isEqualTo(6);
        assertThat(Files.readAllLines(out)).containsExactly(
                "user,item,genres,history,rating,liked,timestamp",
                "1,2,Comedy|Drama|Romance,,3.5,0,50",
                "2,1,Adventure|Animation|Children|Comedy|Fantasy,,2.0,0,70",
                "2,2,Comedy|Drama|Romance,1,4.5,1,80",
                "1,1,Adventure|Animation|Children|Comedy|Fantasy,2,4.0,1,100",
                "1,3,,2,5.0,1,100",
                "1,4,,2|1|3,1.0,0,200");
        Path two = dir.resolve("log2.csv");
        r.withHistoryLength(2).writeCsv(two);
        assertThat(Files.readAllLines(two).get(6)).isEqualTo("1,4,,1|3,1.0,0,200");
    }

    @Test
    void theLogBindsToTheDefaultSpec() throws Exception {
        latestSmall();
        CsvDataset ds = MovieLensReader.latestSmall(dir).dataset(MovieLensReader.spec(3), dir.resolve("log.csv"));
        List<Batch> batches = new ArrayList<>();
        try (BatchStream s = ds.batches(10, false, 0)) {
            s.forEachRemaining(batches::add);
        }
        Batch b = batches.get(0);
        assertThat(b.labels("liked")).containsExactly(0f, 0f, 1f, 1f, 1f, 0f);
        assertThat(b.labels("rating")).containsExactly(3.5f, 2f, 4.5f, 4f, 5f, 1f);
        // items: item column 2,1,2,1,3,4 and history 1,2,2,2,1,3 share one vocabulary
        // counts 1: 2+2 = 4, 2: 2+3 = 5, 3: 2, 4: 1 -> 2 (index 2), 1 (3), 3 (4), 4 (5)
        assertThat(ds.vocabularies().get("item").tokens()).containsExactly("2", "1", "3", "4");
        assertThat(((Feature.Sequence) b.feature("history")).ids()).endsWith(2, 3, 4);
        assertThat(((Feature.Ids) b.feature("item")).ids()).containsExactly(2, 3, 2, 3, 4, 5);
        Feature.Bag g = (Feature.Bag) b.feature("genres");
        assertThat(g.offsets()).containsExactly(0, 3, 8, 11, 16, 16, 16);
        assertThat(b.extras().get("user")).containsExactly(1f, 2f, 2f, 1f, 1f, 1f);
    }

    @Test
    void ml100kReadsTabRatingsAndLatin1ItemsWithGenreFlags() throws Exception {
        Files.writeString(dir.resolve("u.data"), "196\t242\t3\t881250949\n186\t302\t3\t891717742\n196\t302\t4\t881250950\n");
        String flags242 = "0|0|0|0|0|1|0|0|0|0|0|0|0|0|0|0|0|0|0";
        String flags302 = "0|0|0|0|0|0|1|0|0|0|1|0|0|0|0|0|1|0|0";
        byte[] item = ("242|Kolya (1996)|24-Jan-1997||http://x|" + flags242 + "\n302|L.A. Confidential caf\u00e9 (1997)|01-Jan-1997||http://y|"
                + flags302 + "\n").getBytes(StandardCharsets.ISO_8859_1);
        Files.write(dir.resolve("u.item"), item);
        Path out = dir.resolve("log.csv");
        MovieLensReader.ml100k(dir).writeCsv(out);
        assertThat(Files.readAllLines(out)).containsExactly(
                "user,item,genres,history,rating,liked,timestamp",
                "196,242,Comedy,,3.0,0,881250949",
                "196,302,Crime|Film-Noir|Thriller,242,4.0,1,881250950",
                "186,302,Crime|Film-Noir|Thriller,,3.0,0,891717742");
    }

    @Test
    void badFilesAreNamedWithLineAndColumn() throws Exception {
        latestSmall();
        Files.writeString(dir.resolve("ratings.csv"), "userId,movieId,rating,timestamp\n1,1,4.0,100\n1,2,good,50\n");
        Path ratings = dir.resolve("ratings.csv");
        assertThatThrownBy(() -> MovieLensReader.latestSmall(dir)).isInstanceOf(DataException.class)
                .hasMessage(ratings + ":3: column 'rating': needs a finite number, found \"good\"");
        Files.writeString(dir.resolve("u.data"), "196\t242\t3\n");
        Files.writeString(dir.resolve("u.item"), "");
        assertThatThrownBy(() -> MovieLensReader.ml100k(dir)).hasMessage(dir.resolve("u.data")
                + ":1: column 'cell 4': u.data rows need 4 tab-separated fields (user, item, rating, timestamp), "
                + "this one has 3, found \"196\t242\t3\"");
    }
}
