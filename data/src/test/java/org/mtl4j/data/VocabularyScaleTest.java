package org.mtl4j.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 2-million-id vocabulary is built from a streamed CSV by a child JVM with a 256 MB heap
 * (measured: it needs 200 MB and keeps about 58 MB after the pass). The streaming pass counts ids
 * in a compact token store with primitive counts and the vocabulary keeps one UTF-8 arena and an
 * int index (a {@code HashMap<String, long[]>} of counts per id, as before, needs by our estimate,
 * not measured, about 260 MB for the counts alone).
 */
class VocabularyScaleTest {
    private static final int IDS = 2_000_000;

    @TempDir
    Path dir;

    @Test
    void twoMillionIdsInABoundedHeap() throws Exception {
        Path csv = dir.resolve("users.csv");
        try (BufferedWriter w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
            w.write("user_id,click\n");
            for (int i = 0; i < IDS; i++) {
                w.write("user-" + i + "," + (i % 3 == 0 ? 1 : 0) + "\n");
                // two hot ids: hot-0 on every 100th row, hot-1 on every 1000th, so they rank first
                if (i % 100 == 0) {
                    w.write("hot-0,1\n");
                }
                if (i % 1000 == 0) {
                    w.write("hot-1,0\n");
                }
            }
        }
        long rows = IDS + IDS / 100 + IDS / 1000;
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(javaBin, "-Xmx256m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                VocabularyMain.class.getName(), csv.toString(), "3000000", Integer.toString(IDS)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        // index 2 and 3 are the most frequent ids; ties (count 1) follow in byte order of the text
        assertThat(out).contains("size=" + (IDS + 2 + 2) + " hot0=2 hot1=3 first=4 ").contains(" unseen=1 ").contains(" token2=hot-0 rows=" + rows + " ");
        int last = Integer.parseInt(out.replaceAll("(?s).* last=(\\d+) .*", "$1"));
        assertThat(last).isBetween(5, IDS + 3);
        assertThat(out).contains(" roundtrip=user-" + (IDS - 1) + " ");
    }
}
