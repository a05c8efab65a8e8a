package org.mtl4j.data.internal;

/**
 * NumPy's default generator, {@code numpy.random.default_rng(seed)}, re-implemented so that a Java
 * generator can draw the same numbers as a Python script with the same seed (NumPy >= 1.17):
 * <ul>
 * <li>seeding by NumPy's {@code SeedSequence} (the hash-mixing entropy pool of Melissa O'Neill's
 * "seed_seq" design, pool of 4 32-bit words) from a non-negative integer seed;</li>
 * <li>the PCG64 bit generator: a 128-bit linear congruential state with the XSL-RR output function
 * (O'Neill, "PCG: A Family of Simple Fast Space-Efficient Statistically Good Algorithms for Random
 * Number Generation", 2014);</li>
 * <li>{@link #nextDouble()} from the top 53 bits, and {@link #standardNormal()} by NumPy's 256-layer
 * ziggurat on 52-bit mantissas (Marsaglia and Tsang, "The Ziggurat Method for Generating Random
 * Variables", JSS 2000), whose tables are computed here from the edge r of the last layer.</li>
 * </ul>
 * The raw 64-bit outputs and the uniform doubles are bit-identical to NumPy's; normals are identical up
 * to the last bit of the layer tables (computed here, tabulated in NumPy). {@link #copy()} forks the
 * stream, which lets a writer read two regions of one stream side by side. Not thread-safe.
 */
public final class Pcg64 {
    private static final long MULT_HI = 0x2360ED051FC65DA4L;
    private static final long MULT_LO = 0x4385DF649FCCF645L;

    // SeedSequence constants (numpy/random/bit_generator.pyx)
    private static final int INIT_A = 0x43b0d7e5;
    private static final int MULT_A = 0x931e8875;
    private static final int INIT_B = 0x8b51f9dd;
    private static final int MULT_B = 0x58f38ded;
    private static final int MIX_MULT_L = 0xca01f9dd;
    private static final int MIX_MULT_R = 0x4973f715;
    private static final int XSHIFT = 16;
    private static final int POOL_SIZE = 4;

    // Ziggurat: the right-most layer's edge r; every one of the 256 layers has the area v of the base
    // strip, r f(r) + the tail beyond r, with f(x) = exp(-x^2 / 2).
    private static final double ZIG_R = 3.6541528853610088;
    private static final double ZIG_INV_R = 1 / ZIG_R;
    private static final double ZIG_V = ZIG_R * Math.exp(-0.5 * ZIG_R * ZIG_R) + gaussianTail(ZIG_R);
    private static final long[] KI = new long[256];
    private static final double[] WI = new double[256];
    private static final double[] FI = new double[256];

    static {
        double m = 0x1p52;
        double q = ZIG_V / Math.exp(-0.5 * ZIG_R * ZIG_R);
        KI[0] = (long) (ZIG_R / q * m);
        KI[1] = 0;
        WI[0] = q / m;
        WI[255] = ZIG_R / m;
        FI[0] = 1;
        FI[255] = Math.exp(-0.5 * ZIG_R * ZIG_R);
        double dn = ZIG_R;
        double tn = ZIG_R;
        for (int i = 254; i >= 1; i--) {
            dn = Math.sqrt(-2 * Math.log(ZIG_V / dn + Math.exp(-0.5 * dn * dn)));
            KI[i + 1] = (long) (dn / tn * m);
            tn = dn;
            FI[i] = Math.exp(-0.5 * dn * dn);
            WI[i] = dn / m;
        }
    }

    /**
     * The integral of exp(-x^2 / 2) from r to infinity, exp(-r^2 / 2) times Mills' ratio by its
     * continued fraction 1 / (r + 1 / (r + 2 / (r + 3 / ...))), which converges fast for r > 3.
     */
    private static double gaussianTail(double r) {
        double t = r;
        for (int k = 400; k >= 1; k--) {
            t = r + k / t;
        }
        return Math.exp(-0.5 * r * r) / t;
    }

    private long stateHi;
    private long stateLo;
    private final long incHi;
    private final long incLo;

    private Pcg64(long stateHi, long stateLo, long incHi, long incLo) {
        this.stateHi = stateHi;
        this.stateLo = stateLo;
        this.incHi = incHi;
        this.incLo = incLo;
    }

    /** The stream of {@code numpy.random.default_rng(seed)}. */
    public static Pcg64 seeded(long seed) {
        if (seed < 0) {
            throw new IllegalArgumentException("a NumPy-compatible seed must be >= 0, found " + seed);
        }
        long[] words = seedSequenceState(seed, 4);
        // pcg64_set_seed: 128-bit seed = (words[0] high, words[1] low), increment = (words[2], words[3])
        long seedHi = words[0];
        long seedLo = words[1];
        long incHi = (words[2] << 1) | (words[3] >>> 63);
        long incLo = (words[3] << 1) | 1;
        Pcg64 p = new Pcg64(0, 0, incHi, incLo);
        p.step();
        long lo = p.stateLo + seedLo;
        p.stateHi = p.stateHi + seedHi + (Long.compareUnsigned(lo, seedLo) < 0 ? 1 : 0);
        p.stateLo = lo;
        p.step();
        return p;
    }

    /** NumPy's {@code SeedSequence(seed).generate_state(n, np.uint64)}. */
    static long[] seedSequenceState(long seed, int n) {
        int[] entropy = seed >>> 32 == 0 ? new int[] {(int) seed} : new int[] {(int) seed, (int) (seed >>> 32)};
        int[] pool = new int[POOL_SIZE];
        int[] hash = {INIT_A};
        for (int i = 0; i < POOL_SIZE; i++) {
            pool[i] = hashMix(i < entropy.length ? entropy[i] : 0, hash);
        }
        for (int src = 0; src < POOL_SIZE; src++) {
            for (int dst = 0; dst < POOL_SIZE; dst++) {
                if (src != dst) {
                    pool[dst] = mix(pool[dst], hashMix(pool[src], hash));
                }
            }
        }
        for (int src = POOL_SIZE; src < entropy.length; src++) {
            for (int dst = 0; dst < POOL_SIZE; dst++) {
                pool[dst] = mix(pool[dst], hashMix(entropy[src], hash));
            }
        }
        int hashB = INIT_B;
        int[] state = new int[2 * n];
        for (int i = 0; i < state.length; i++) {
            int v = pool[i % POOL_SIZE] ^ hashB;
            hashB *= MULT_B;
            v *= hashB;
            v ^= v >>> XSHIFT;
            state[i] = v;
        }
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            // little-endian view of the uint32 words as uint64
            out[i] = (state[2 * i] & 0xFFFFFFFFL) | ((long) state[2 * i + 1] << 32);
        }
        return out;
    }

    private static int hashMix(int value, int[] hash) {
        int v = value ^ hash[0];
        hash[0] *= MULT_A;
        v *= hash[0];
        return v ^ (v >>> XSHIFT);
    }

    private static int mix(int x, int y) {
        int r = MIX_MULT_L * x - MIX_MULT_R * y;
        return r ^ (r >>> XSHIFT);
    }

    /** An independent copy at the same position of the stream. */
    public Pcg64 copy() {
        return new Pcg64(stateHi, stateLo, incHi, incLo);
    }

    private void step() {
        // state = state * MULT + inc (mod 2^128)
        long lo = stateLo * MULT_LO;
        long hi = unsignedMultiplyHigh(stateLo, MULT_LO) + stateHi * MULT_LO + stateLo * MULT_HI;
        long sumLo = lo + incLo;
        stateHi = hi + incHi + (Long.compareUnsigned(sumLo, lo) < 0 ? 1 : 0);
        stateLo = sumLo;
    }

    private static long unsignedMultiplyHigh(long a, long b) {
        return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
    }

    /** The next raw 64-bit output (NumPy's {@code bit_generator.random_raw()}). */
    public long nextLong() {
        step();
        return Long.rotateRight(stateHi ^ stateLo, (int) (stateHi >>> 58));
    }

    /** A uniform double in [0, 1) from the top 53 bits of the next output. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** A standard normal draw (NumPy's {@code Generator.standard_normal()}). */
    public double standardNormal() {
        while (true) {
            long r = nextLong();
            int idx = (int) (r & 0xff);
            r >>>= 8;
            boolean negative = (r & 1) != 0;
            long rabs = (r >>> 1) & 0x000fffffffffffffL;
            double x = rabs * WI[idx];
            if (negative) {
                x = -x;
            }
            if (rabs < KI[idx]) {
                return x;
            }
            if (idx == 0) {
                // the tail beyond r, by Marsaglia's exponential rejection
                while (true) {
                    double xx = -ZIG_INV_R * Math.log1p(-nextDouble());
                    double yy = -Math.log1p(-nextDouble());
                    if (yy + yy > xx * xx) {
                        return ((rabs >>> 8) & 1) != 0 ? -(ZIG_R + xx) : ZIG_R + xx;
                    }
                }
            }
            if ((FI[idx - 1] - FI[idx]) * nextDouble() + FI[idx] < Math.exp(-0.5 * x * x)) {
                return x;
            }
        }
    }

    /** {@code loc + scale * standardNormal()} (NumPy's {@code Generator.normal(loc, scale)}). */
    public double normal(double loc, double scale) {
        return loc + scale * standardNormal();
    }
}
