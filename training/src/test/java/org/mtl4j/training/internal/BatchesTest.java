package org.mtl4j.training.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.Feature;

class BatchesTest {

    private static Batch batch(int base) {
        // 3 rows; every feature kind; row r of this batch carries values derived from base + r
        float[] dense = {base, base + 0.5f, base + 1, base + 1.5f, base + 2, base + 2.5f};
        int[] ids = {base, base + 1, base + 2};
        int[] offsets = {0, 1, 1, 3};
        int[] bagIds = {base, base + 20, base + 21};
        int[] seq = {0, base, base + 1, base + 1, base + 2, base + 2};
        float[] pixels = new float[3 * 1 * 2 * 1];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = base + i;
        }
        return new Batch(3, Map.of("d", new Feature.Dense(2, dense), "i", new Feature.Ids(ids),
                "b", new Feature.Bag(offsets, bagIds), "s", new Feature.Sequence(2, seq),
                "img", new Feature.Image(1, 2, 1, pixels)),
                Map.of("t", new float[] {base, base + 1, base + 2}), Map.of("t", new float[] {1, 0, 1}),
                Map.of("user", new float[] {base * 10, base * 10 + 1, base * 10 + 2}));
    }

    @Test
    void gathersEveryFeatureKindRowByRow() {
        Batch a = batch(0);
        Batch b = batch(100);
        // rows: a[2], b[0], a[1]
        Batch g = Batches.gather(List.of(a, b), new int[] {0, 1, 0}, new int[] {2, 0, 1}, 3);
        assertThat(g.size()).isEqualTo(3);
        assertThat(((Feature.Dense) g.feature("d")).values()).containsExactly(2, 2.5f, 100, 100.5f, 1, 1.5f);
        assertThat(((Feature.Ids) g.feature("i")).ids()).containsExactly(2, 100, 1);
        Feature.Bag bag = (Feature.Bag) g.feature("b");
        assertThat(bag.offsets()).containsExactly(0, 2, 3, 3);
        assertThat(bag.ids()).containsExactly(20, 21, 100);
        assertThat(((Feature.Sequence) g.feature("s")).ids()).containsExactly(2, 2, 0, 100, 1, 1);
        Feature.Image img = (Feature.Image) g.feature("img");
        assertThat(img.pixels()).containsExactly(4, 5, 100, 101, 2, 3);
        assertThat(g.labels("t")).containsExactly(2, 100, 1);
        assertThat(g.mask("t")).containsExactly(1, 1, 0);
        assertThat(g.extras().get("user")).containsExactly(2, 1000, 1);
    }
}
