package org.mtl4j.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.BatchStream;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.data.Feature;
import org.mtl4j.training.testmodel.ArrayDataset;

class HoldoutDatasetTest {
    private static final int N = 1000;

    private static ArrayDataset indexed() {
        float[] x = new float[N];
        float[] label = new float[N];
        for (int i = 0; i < N; i++) {
            x[i] = i;
            label[i] = i % 2;
        }
        return new ArrayDataset("x", 1, x, Map.of("click", label), Map.of(), Map.of("row", x.clone()));
    }

    private static List<Integer> rows(Dataset d, int batch, boolean shuffle, long seed, List<Integer> sizes) {
        List<Integer> out = new ArrayList<>();
        try (BatchStream s = d.batches(batch, shuffle, seed)) {
            while (s.hasNext()) {
                Batch b = s.next();
                sizes.add(b.size());
                float[] x = ((Feature.Dense) b.feature("x")).values();
                for (int r = 0; r < b.size(); r++) {
                    // features, labels and extras stay aligned row by row
                    assertThat(b.extras().get("row")[r]).isEqualTo(x[r]);
                    assertThat(b.labels("click")[r]).isEqualTo(x[r] % 2);
                    out.add((int) x[r]);
                }
            }
        }
        return out;
    }

    @Test
    void sidesAreDisjointCoverEveryRowAndAreDeterministic() {
        HoldoutDataset.Split split = HoldoutDataset.split(indexed(), 0.2, 42, 64);
        List<Integer> sizes = new ArrayList<>();
        List<Integer> valid = rows(split.validation(), 32, false, 0, new ArrayList<>());
        List<Integer> train = rows(split.train(), 32, true, 5, sizes);

        Set<Integer> all = new HashSet<>(valid);
        all.addAll(train);
        assertThat(all).hasSize(N);
        assertThat(valid.size() + train.size()).isEqualTo(N);
        assertThat(valid).allSatisfy(i -> assertThat(HoldoutDataset.isHeldOut(i, 42, 0.2)).isTrue());
        assertThat(valid.size()).isBetween(150, 250);
        assertThat(valid).isSorted();
        assertThat(split.validation().size()).isEqualTo(valid.size());
        assertThat(split.train().size()).isEqualTo(train.size());
        // whole batches except the last one of the epoch
        assertThat(sizes.subList(0, sizes.size() - 1)).containsOnly(32);
        // shuffled, reproducibly, and differently for another seed
        assertThat(train).isNotEqualTo(train.stream().sorted().toList());
        assertThat(rows(split.train(), 32, true, 5, new ArrayList<>())).isEqualTo(train);
        assertThat(rows(split.train(), 32, true, 6, new ArrayList<>())).isNotEqualTo(train);
        // another split seed holds out other rows
        assertThat(rows(HoldoutDataset.split(indexed(), 0.2, 43, 64).validation(), 32, false, 0, new ArrayList<>()))
                .isNotEqualTo(valid);
    }
}
