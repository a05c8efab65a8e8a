package org.mtl4j.api.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Vocabulary#index(long)} is {@code index(Long.toString(id))}, for closed and hashed vocabularies. */
class VocabularyNumericIdTest {

    private static long[] probes(Random rng) {
        long[] p = new long[3000];
        for (int i = 0; i < p.length; i++) {
            p[i] = switch (i % 6) {
                case 0 -> rng.nextInt(2000);
                case 1 -> -rng.nextInt(2000);
                case 2 -> rng.nextLong();
                case 3 -> Long.MIN_VALUE + rng.nextInt(3);
                case 4 -> Long.MAX_VALUE - rng.nextInt(3);
                default -> (long) Math.pow(10, rng.nextInt(19)) - rng.nextInt(2);
            };
        }
        return p;
    }

    @Test
    void numericIdsMapAsTheirDecimalText() {
        Random rng = new Random(16);
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            tokens.add(Long.toString(i * 2L)); // even ids known, odd ones OOV
        }
        tokens.addAll(List.of("-7", "007", "x9", Long.toString(Long.MIN_VALUE), Long.toString(Long.MAX_VALUE), "1000000000000000000"));
        Vocabulary closed = Vocabulary.of("item", tokens);
        Vocabulary hashed = Vocabulary.hashed("item", 97);
        int known = 0;
        for (long v : probes(rng)) {
            String s = Long.toString(v);
            assertThat(closed.index(v)).as("closed %s", s).isEqualTo(closed.index(s));
            assertThat(hashed.index(v)).as("hashed %s", s).isEqualTo(hashed.index(s));
            known += closed.index(v) >= 2 ? 1 : 0;
        }
        assertThat(known).as("some probes are known ids").isGreaterThan(100);
        assertThat(closed.index(7L)).as("\"007\" is not the id 7").isEqualTo(Vocabulary.OOV);
        assertThat(closed.index(-7L)).isEqualTo(closed.index("-7")).isGreaterThanOrEqualTo(2);
        assertThat(closed.index(Long.MIN_VALUE)).isGreaterThanOrEqualTo(2);
    }
}
