package org.mtl4j.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CSV several times larger than the heap streams through a shuffled epoch: a child JVM with
 * -Xmx32m reads a ~110 MB funnel file (first pass with vocabularies and statistics, then an epoch
 * through a 20k-row shuffle buffer). Loading the file would need several times the heap.
 */
class ConstantMemoryTest {
    @TempDir
    Path dir;

    @Test
    void aFileLargerThanTheHeapStreamsThroughAShuffledEpoch() throws Exception {
        Path csv = dir.resolve("big.csv");
        long rows = 800_000;
        new FunnelGenerator().writeCsv(csv, rows, 5);
        long bytes = Files.size(csv);
        long heap = 32L << 20;
        assertThat(bytes).as("file size").isGreaterThan(3 * heap);
        long clicks = 0;
        try (BufferedReader r = Files.newBufferedReader(csv)) {
            r.readLine();
            String line;
            while ((line = r.readLine()) != null) {
                // click is the 12th column
                int at = 0;
                for (int c = 0; c < 11; c++) {
                    at = line.indexOf(',', at) + 1;
                }
                clicks += line.charAt(at) - '0';
            }
        }
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(javaBin, "-Xmx32m", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), StreamingMain.class.getName(), csv.toString(), "20000"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("rows=" + rows + " size=" + rows + " clicks=" + clicks + " maxHeap=");
        long maxHeap = Long.parseLong(out.replaceAll("(?s).*maxHeap=(\\d+).*", "$1"));
        assertThat(bytes).isGreaterThan(3 * maxHeap);
    }
}
