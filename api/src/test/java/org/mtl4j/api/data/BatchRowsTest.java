package org.mtl4j.api.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Batch#rows(int, int)} and its variant that reuses a worker's shard arrays. */
class BatchRowsTest {

    private static Batch batch(int n, int seed, int bagMembers) {
        float[] dense = new float[n * 3];
        int[] ids = new int[n];
        int[] seq = new int[n * 2];
        float[] pixels = new float[n * 4];
        float[] click = new float[n];
        float[] mask = new float[n];
        float[] extra = new float[n];
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < 3; j++) {
                dense[r * 3 + j] = seed * 1000 + r * 10 + j;
            }
            ids[r] = seed * 100 + r;
            seq[r * 2] = r;
            seq[r * 2 + 1] = seed + r;
            for (int j = 0; j < 4; j++) {
                pixels[r * 4 + j] = seed + r + j / 10f;
            }
            click[r] = (r + seed) % 2;
            mask[r] = r % 3 == 0 ? 0 : 1;
            extra[r] = seed - r;
        }
        int[] offsets = new int[n + 1];
        for (int r = 0; r < n; r++) {
            offsets[r + 1] = offsets[r] + (r < bagMembers ? 1 : 0);
        }
        int[] members = new int[offsets[n]];
        for (int k = 0; k < members.length; k++) {
            members[k] = seed + k;
        }
        return new Batch(n, Map.of("d", new Feature.Dense(3, dense), "id", new Feature.Ids(ids), "s", new Feature.Sequence(2, seq),
                "img", new Feature.Image(1, 2, 2, pixels)), Map.of("click", click), Map.of("click", mask), Map.of("uid", extra));
    }

    private static void assertSameRows(Batch actual, Batch expected) {
        assertThat(actual.size()).isEqualTo(expected.size());
        assertThat(((Feature.Dense) actual.feature("d")).values()).containsExactly(((Feature.Dense) expected.feature("d")).values());
        assertThat(((Feature.Ids) actual.feature("id")).ids()).containsExactly(((Feature.Ids) expected.feature("id")).ids());
        assertThat(((Feature.Sequence) actual.feature("s")).ids()).containsExactly(((Feature.Sequence) expected.feature("s")).ids());
        assertThat(((Feature.Image) actual.feature("img")).pixels()).containsExactly(((Feature.Image) expected.feature("img")).pixels());
        assertThat(actual.labels("click")).containsExactly(expected.labels("click"));
        assertThat(actual.mask("click")).containsExactly(expected.mask("click"));
        assertThat(actual.extras().get("uid")).containsExactly(expected.extras().get("uid"));
    }

    @Test
    void aShardIsCopiedIntoTheArraysOfTheLastOneAndEqualsAFreshCopy() {
        Batch first = batch(8, 1, 0);
        Batch shard = first.rows(4, 8);
        Batch second = batch(8, 2, 0);
        Batch reused = second.rows(4, 8, shard);
        assertThat(reused).isSameAs(shard);
        assertSameRows(reused, second.rows(4, 8));
        // the source batch is not touched, and the next shard of another batch overwrites the same arrays again
        assertThat(((Feature.Ids) second.feature("id")).ids()[4]).isEqualTo(204);
        Batch third = batch(8, 3, 0);
        assertThat(third.rows(4, 8, reused)).isSameAs(shard);
        assertSameRows(shard, third.rows(4, 8));
    }

    @Test
    void aShardOfAnotherLayoutIsANewBatch() {
        Batch shard = batch(8, 1, 0).rows(4, 8);
        // another size
        Batch other = batch(10, 2, 0);
        Batch r = other.rows(4, 9, shard);
        assertThat(r).isNotSameAs(shard);
        assertSameRows(r, other.rows(4, 9));
        // another set of inputs
        Batch fewer = new Batch(8, Map.of("id", new Feature.Ids(new int[8])), Map.of(), Map.of(), Map.of());
        assertThat(fewer.rows(4, 8, shard)).isNotSameAs(shard);
        // the whole batch is the batch itself, as rows(0, size)
        Batch whole = batch(4, 5, 0);
        assertThat(whole.rows(0, 4, shard)).isSameAs(whole);
        assertThat(batch(8, 6, 0).rows(4, 8, null).size()).isEqualTo(4);
    }

    @Test
    void bagsAreCopiedAnewBecauseTheirMemberCountChanges() {
        Batch withBag = new Batch(6, Map.of("bag", new Feature.Bag(new int[] {0, 1, 1, 3, 3, 4, 6}, new int[] {7, 8, 9, 10, 11, 12})),
                Map.of(), Map.of(), Map.of());
        Batch shard = withBag.rows(3, 6);
        Batch next = withBag.rows(3, 6, shard);
        assertThat(next).isNotSameAs(shard);
        Feature.Bag b = (Feature.Bag) next.feature("bag");
        assertThat(b.offsets()).containsExactly(0, 0, 1, 3);
        assertThat(b.ids()).containsExactly(10, 11, 12);
    }
}
