package org.mtl4j.balancers.internal;

import java.util.Random;
import org.mtl4j.api.balance.PlainState;

/**
 * {@link Random} whose state can be saved and restored as plain data: the same 48-bit linear
 * congruential generator and Gaussian pairing that {@code java.util.Random} specifies (Knuth, TAOCP
 * vol. 2, 3.2.1; polar method, 3.4.1 C), so a seed draws exactly the numbers a {@code Random} with that
 * seed draws, and a balancer resumed from a checkpoint continues the same sequence.
 */
public final class ResumableRandom extends Random {
    private static final long serialVersionUID = 1L;
    private static final long MULTIPLIER = 0x5DEECE66DL;
    private static final long ADDEND = 0xBL;
    private static final long MASK = (1L << 48) - 1;

    private long state;
    private double nextNextGaussian;
    private boolean haveNextNextGaussian;

    public ResumableRandom(long seed) {
        super(seed);
    }

    @Override
    public synchronized void setSeed(long seed) {
        state = (seed ^ MULTIPLIER) & MASK;
        haveNextNextGaussian = false;
    }

    @Override
    protected int next(int bits) {
        state = (state * MULTIPLIER + ADDEND) & MASK;
        return (int) (state >>> (48 - bits));
    }

    @Override
    public synchronized double nextGaussian() {
        if (haveNextNextGaussian) {
            haveNextNextGaussian = false;
            return nextNextGaussian;
        }
        double v1;
        double v2;
        double s;
        do {
            v1 = 2 * nextDouble() - 1;
            v2 = 2 * nextDouble() - 1;
            s = v1 * v1 + v2 * v2;
        } while (s >= 1 || s == 0);
        double multiplier = StrictMath.sqrt(-2 * StrictMath.log(s) / s);
        nextNextGaussian = v2 * multiplier;
        haveNextNextGaussian = true;
        return v1 * multiplier;
    }

    /** The generator's state. */
    public PlainState saveState() {
        return PlainState.builder().put("lcg", state).put("gaussian", nextNextGaussian)
                .put("haveGaussian", haveNextNextGaussian ? 1L : 0L).build();
    }

    /** Restores a {@link #saveState()}. */
    public void restoreState(PlainState s) {
        long lcg = s.getLong("lcg");
        if ((lcg & ~MASK) != 0) {
            throw new IllegalArgumentException("random state " + lcg + " is not a 48-bit value");
        }
        state = lcg;
        nextNextGaussian = s.getDouble("gaussian");
        haveNextNextGaussian = s.getLong("haveGaussian") != 0;
    }
}
