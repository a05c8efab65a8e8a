package org.mtl4j.data;

import java.nio.file.Path;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.BatchStream;

/**
 * Run in a child JVM with a small heap by {@link ConstantMemoryTest}: streams a funnel CSV through
 * {@link CsvDataset} (validating first pass + vocabularies, then one shuffled epoch) and prints what
 * it saw.
 */
public final class StreamingMain {
    private StreamingMain() {
    }

    public static void main(String[] args) {
        Path csv = Path.of(args[0]);
        int buffer = Integer.parseInt(args[1]);
        CsvDataset ds = CsvDataset.builder(csv, FunnelGenerator.demoSpec()).shuffleBuffer(buffer).groupBy("user_id")
                .build();
        long rows = 0;
        long clicks = 0;
        long firstUserSum = 0;
        try (BatchStream s = ds.batches(512, true, 7)) {
            while (s.hasNext()) {
                Batch b = s.next();
                rows += b.size();
                for (float c : b.labels("ctr")) {
                    clicks += (long) c;
                }
                firstUserSum += (long) b.extras().get("user")[0];
            }
        }
        Runtime rt = Runtime.getRuntime();
        System.out.println("rows=" + rows + " size=" + ds.size() + " clicks=" + clicks + " maxHeap=" + rt.maxMemory()
                + " users=" + ds.vocabularies().get("user").size() + " check=" + firstUserSum);
    }
}
