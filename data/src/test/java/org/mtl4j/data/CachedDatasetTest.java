package org.mtl4j.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.BatchStream;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.data.Feature;

class CachedDatasetTest {
    @TempDir
    Path dir;

    private static List<Batch> all(Dataset ds, int bs, boolean shuffle, long seed) {
        List<Batch> out = new ArrayList<>();
        try (BatchStream s = ds.batches(bs, shuffle, seed)) {
            s.forEachRemaining(out::add);
        }
        return out;
    }

    @Test
    void inOrderItEqualsTheSourceAndShuffledItKeepsEveryRowWhole() throws Exception {
        // 20 copies of the 4 hand-written rows: every feature kind, masks and extras
        StringBuilder sb = new StringBuilder(CsvDatasetTest.CSV.lines().findFirst().orElseThrow()).append('\n');
        List<String> rows = CsvDatasetTest.CSV.lines().skip(1).toList();
        for (int k = 0; k < 20; k++) {
            for (String r : rows) {
                sb.append(r).append('\n');
            }
        }
        Path f = dir.resolve("c.csv");
        Files.writeString(f, sb.toString());
        CsvDataset csv = CsvDataset.builder(f, CsvDatasetTest.fullSpec()).extras("price").shuffleBuffer(3).build();
        CachedDataset cached = CachedDataset.of(csv);
        assertThat(cached.size()).isEqualTo(80);
        assertThat(cached.vocabularies()).isEqualTo(csv.vocabularies());
        List<Batch> a = all(csv, 7, false, 0);
        List<Batch> b = all(cached, 7, false, 0);
        assertThat(b).hasSameSizeAs(a);
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.get(i)).usingRecursiveComparison().isEqualTo(a.get(i));
        }
        // shuffled: rows stay whole (price identifies the source row, every feature must agree)
        Map<Float, Integer> seen = new HashMap<>();
        Batch one = all(csv, 4, false, 0).get(0);
        List<Float> order = new ArrayList<>();
        for (Batch batch : all(cached, 9, true, 3)) {
            float[] price = ((Feature.Dense) batch.feature("price")).values();
            float[] label = batch.labels("rating");
            int[] item = ((Feature.Ids) batch.feature("item")).ids();
            Feature.Bag genres = (Feature.Bag) batch.feature("genres");
            for (int r = 0; r < batch.size(); r++) {
                int src = sourceRow(one, price[r]);
                seen.merge(price[r], 1, Integer::sum);
                order.add(price[r]);
                assertThat(label[r]).isEqualTo(one.labels("rating")[src]);
                assertThat(item[r]).isEqualTo(((Feature.Ids) one.feature("item")).ids()[src]);
                Feature.Bag g = (Feature.Bag) one.feature("genres");
                assertThat(genres.offsets()[r + 1] - genres.offsets()[r]).isEqualTo(g.offsets()[src + 1] - g.offsets()[src]);
            }
        }
        assertThat(seen).containsOnlyKeys(1f, 2f, 3f, 6f).allSatisfy((k, v) -> assertThat(v).isEqualTo(20));
        List<Float> again = new ArrayList<>();
        for (Batch batch : all(cached, 9, true, 3)) {
            for (float p : ((Feature.Dense) batch.feature("price")).values()) {
                again.add(p);
            }
        }
        assertThat(again).isEqualTo(order);
    }

    private static int sourceRow(Batch one, float price) {
        float[] p = ((Feature.Dense) one.feature("price")).values();
        for (int i = 0; i < p.length; i++) {
            if (p[i] == price) {
                return i;
            }
        }
        throw new AssertionError("unknown price " + price);
    }
}
