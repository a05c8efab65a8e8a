package org.mtl4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SplitsTest {
    @TempDir
    Path dir;
    Path in;
    List<String> lines;

    @BeforeEach
    void write() throws Exception {
        lines = new ArrayList<>();
        lines.add("user,time,title,y");
        for (int i = 0; i < 2000; i++) {
            lines.add("u" + (i % 97) + "," + (i / 2) + ",\"t, " + i + "\"," + (i % 2));
        }
        in = dir.resolve("all.csv");
        Files.write(in, lines);
    }

    private List<String> read(Path p) throws Exception {
        return Files.readAllLines(p);
    }

    private void assertPartition(Splits.Split s) throws Exception {
        List<String> a = read(s.first());
        List<String> b = read(s.second());
        assertThat(a.get(0)).isEqualTo(lines.get(0));
        assertThat(b.get(0)).isEqualTo(lines.get(0));
        assertThat(a).hasSize((int) s.firstRows() + 1);
        assertThat(b).hasSize((int) s.secondRows() + 1);
        List<String> union = new ArrayList<>(a.subList(1, a.size()));
        union.addAll(b.subList(1, b.size()));
        assertThat(union).containsExactlyInAnyOrderElementsOf(lines.subList(1, lines.size()));
    }

    @Test
    void randomIsSeededAndNearTheFraction() throws Exception {
        Splits.Split s = Splits.random(in, 0.2, 1, dir.resolve("tr.csv"), dir.resolve("te.csv"));
        assertPartition(s);
        // binomial(2000, 0.2): std 17.9
        assertThat(s.secondRows()).isBetween(340L, 460L);
        Splits.Split again = Splits.random(in, 0.2, 1, dir.resolve("tr2.csv"), dir.resolve("te2.csv"));
        assertThat(read(again.second())).isEqualTo(read(s.second()));
        Splits.Split other = Splits.random(in, 0.2, 2, dir.resolve("tr3.csv"), dir.resolve("te3.csv"));
        assertThat(read(other.second())).isNotEqualTo(read(s.second()));
        // a split file is a valid dataset input (quoted cells copied verbatim)
        assertThat(read(s.first()).get(1)).contains("\"t, ");
    }

    @Test
    void byTimePutsThePastBeforeTheFuture() throws Exception {
        Splits.Split s = Splits.byTime(in, "time", 700, dir.resolve("past.csv"), dir.resolve("future.csv"));
        assertPartition(s);
        assertThat(s.firstRows()).isEqualTo(1400);
        for (String l : read(s.first()).subList(1, (int) s.firstRows() + 1)) {
            assertThat(Integer.parseInt(l.split(",")[1])).isLessThan(700);
        }
        Splits.Split f = Splits.byTimeFraction(in, "time", 0.25, dir.resolve("p.csv"), dir.resolve("f.csv"));
        assertPartition(f);
        // times 0..999 twice each: the cut-off at 750 puts exactly 500 rows in the future
        assertThat(f.secondRows()).isEqualTo(500);
    }

    @Test
    void byUserLeavesWholeUsersOut() throws Exception {
        Splits.Split s = Splits.byUser(in, "user", 0.3, 5, dir.resolve("a.csv"), dir.resolve("b.csv"));
        assertPartition(s);
        Set<String> ua = users(s.first());
        Set<String> ub = users(s.second());
        assertThat(ua).doesNotContainAnyElementsOf(ub);
        assertThat(ua.size() + ub.size()).isEqualTo(97);
        // binomial(97, 0.3): std 4.5
        assertThat(ub.size()).isBetween(15, 44);
    }

    private Set<String> users(Path p) throws Exception {
        Set<String> u = new HashSet<>();
        for (String l : read(p).subList(1, read(p).size())) {
            u.add(l.split(",")[0]);
        }
        return u;
    }

    @Test
    void errorsNameTheFileLineAndColumn() throws Exception {
        assertThatThrownBy(() -> Splits.byTime(in, "ts", 1, dir.resolve("a.csv"), dir.resolve("b.csv")))
                .isInstanceOf(DataException.class)
                .hasMessage(in + ":1: column 'ts' named by the split is not in the header (header: user, time, title, y)");
        Files.writeString(in, "user,time\nu1,5\nu2,soon\n");
        assertThatThrownBy(() -> Splits.byTime(in, "time", 1, dir.resolve("a.csv"), dir.resolve("b.csv")))
                .hasMessage(in + ":3: column 'time': the split's time column needs a number, found \"soon\"");
        assertThat(dir.resolve("a.csv")).doesNotExist();
        assertThatThrownBy(() -> Splits.random(in, 1.5, 1, dir.resolve("a.csv"), dir.resolve("b.csv")))
                .hasMessage("split fraction must be in [0, 1], found 1.5");
    }
}
