package org.mtl4j.data.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * Golden values printed by NumPy 1.24 ({@code numpy.random.SeedSequence(s).generate_state(4, np.uint64)},
 * {@code default_rng(s).bit_generator.random_raw()}, {@code .random()}, {@code .standard_normal()}).
 */
class Pcg64Test {

    @Test
    void seedSequenceMatchesNumpy() {
        assertThat(Pcg64.seedSequenceState(2018, 4)).containsExactly(0xcb8c30f8d4f96c25L, 0x74219ac35802ebf7L,
                0x61e40b00f46d8841L, 0xcebe5b6ce3417334L);
        assertThat(Pcg64.seedSequenceState(0, 4)).containsExactly(0xdb2cd7e7b0f478beL, 0xabf4641a2c71ba49L,
                0x20c6ed6d9d7b8d41L, 0x2c4099de223c39d4L);
        // a seed above 2^32 is two 32-bit words of entropy
        assertThat(Pcg64.seedSequenceState((1L << 40) + 5, 4)).containsExactly(0xdae41755e08a170bL,
                0x8415abe87ecdcb2cL, 0x2525c5b44b9118d0L, 0x42c2793f3392bed3L);
    }

    @Test
    void rawOutputsAndUniformsMatchNumpy() {
        Pcg64 p = Pcg64.seeded(2018);
        assertThat(new long[] {p.nextLong(), p.nextLong(), p.nextLong()}).containsExactly(0x7cc676514e58f414L,
                0x2de2e30323aae016L, 0xe91e07e0179f635cL);
        Pcg64 q = Pcg64.seeded(2018);
        assertThat(q.nextDouble()).isCloseTo(0.48740329, within(5e-9));
        assertThat(q.nextDouble()).isCloseTo(0.17924327, within(5e-9));
        assertThat(q.nextDouble()).isCloseTo(0.91061448, within(5e-9));
    }

    @Test
    void normalsMatchNumpyIncludingTheTailAndWedges() {
        Pcg64 p = Pcg64.seeded(2018);
        double[] first = {p.standardNormal(), p.standardNormal(), p.standardNormal(), p.standardNormal()};
        assertThat(first[0]).isCloseTo(0.61845901, within(5e-9));
        assertThat(first[1]).isCloseTo(0.30949572, within(5e-9));
        assertThat(first[2]).isCloseTo(-0.36856337, within(5e-9));
        assertThat(first[3]).isCloseTo(-1.08028629, within(5e-9));
        // a million draws cross the wedge (~1%) and tail branches thousands of times: any divergence
        // of the stream would change every later value
        double sum = first[0] + first[1] + first[2] + first[3];
        double maxAbs = 0;
        double last = 0;
        for (int i = 4; i < 1_000_000; i++) {
            last = p.standardNormal();
            sum += last;
            maxAbs = Math.max(maxAbs, Math.abs(last));
        }
        assertThat(last).isCloseTo(0.6892373276582054, within(1e-12));
        assertThat(sum).isCloseTo(1250.2627766869712, within(1e-6));
        assertThat(maxAbs).isCloseTo(4.724279267908193, within(1e-12)); // beyond r = 3.654: a tail draw
        Pcg64 q = Pcg64.seeded(7);
        assertThat(q.standardNormal()).isCloseTo(0.00123015, within(5e-9));
        assertThat(q.standardNormal()).isCloseTo(0.29874554, within(5e-9));
        assertThat(q.standardNormal()).isCloseTo(-0.27413786, within(5e-9));
    }

    @Test
    void copiesContinueIndependently() {
        Pcg64 p = Pcg64.seeded(3);
        p.nextLong();
        Pcg64 c = p.copy();
        assertThat(c.nextLong()).isEqualTo(p.nextLong());
        c.nextLong();
        assertThat(p.nextLong()).isNotEqualTo(c.nextLong());
    }

    @Test
    void negativeSeedsAreRefused() {
        assertThatThrownBy(() -> Pcg64.seeded(-1)).hasMessage("a NumPy-compatible seed must be >= 0, found -1");
    }
}
