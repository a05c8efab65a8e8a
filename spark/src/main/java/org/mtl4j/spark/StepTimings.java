package org.mtl4j.spark;

/**
 * Where the time of a run's distributed steps went, summed over {@code steps} steps (nanoseconds) and
 * the bytes moved. {@code state}: the driver writing the model state and broadcasting it;
 * {@code compute}: the slowest shard's readState + forward + backward passes; {@code encode}: the
 * slowest shard encoding its result; {@code decode}: the driver decoding shard results;
 * {@code driver}: the reduced step through the gradient pipeline and the optimiser; {@code other}:
 * the rest of the step's wall time (scheduling, transfer, merging: the aggregation's cost).
 */
public record StepTimings(long steps, long wall, long state, long compute, long encode, long decode, long driver,
        long broadcastBytes, long resultBytes) {

    public static final StepTimings NONE = new StepTimings(0, 0, 0, 0, 0, 0, 0, 0, 0);

    public StepTimings plus(long wall, long state, long compute, long encode, long decode, long driver, long broadcastBytes,
            long resultBytes) {
        return new StepTimings(steps + 1, this.wall + wall, this.state + state, this.compute + compute, this.encode + encode,
                this.decode + decode, this.driver + driver, this.broadcastBytes + broadcastBytes, this.resultBytes + resultBytes);
    }

    /** Scheduling, transfer and merging: the wall time not spent in the measured parts. */
    public long other() {
        return Math.max(0, wall - state - compute - encode - decode - driver);
    }

    private double ms(long nanos) {
        return steps == 0 ? 0 : nanos / 1e6 / steps;
    }

    /** One line of means per step, e.g. for logs and the benchmark table. */
    public String perStep() {
        return String.format(java.util.Locale.ROOT,
                "%d steps, per step: wall %.1f ms = state %.1f + compute %.1f + encode %.1f + decode %.1f + driver %.1f"
                        + " + scheduling/transfer/merge %.1f; bytes: broadcast %d + results %d",
                steps, ms(wall), ms(state), ms(compute), ms(encode), ms(decode), ms(driver), ms(other()),
                steps == 0 ? 0 : broadcastBytes / steps, steps == 0 ? 0 : resultBytes / steps);
    }
}
