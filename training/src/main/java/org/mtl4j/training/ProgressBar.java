package org.mtl4j.training;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.mtl4j.api.backend.TaskLosses;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.train.EpochSummary;
import org.mtl4j.api.train.TrainingListener;

/**
 * A console progress bar: epoch, bar, rows done, rows/s, ETA and the epoch's running mean loss per
 * task. On a terminal it redraws one line with {@code \r} (at most every 100 ms); otherwise (a log
 * file, CI) it prints a line at every 10% of the run (when the dataset size is known) and a line per
 * epoch. Writes to stderr by default, so stdout stays clean for results.
 *
 * <p>A run resumed from a checkpoint counts progress from the resume point.
 */
public final class ProgressBar implements TrainingListener {
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final int WIDTH = 20;

    private final PrintStream out;
    private final boolean terminal;
    private final LongSupplier clock;
    private int epochs;
    private long rowsPerEpoch;
    private long total;
    private long rows;
    private long start;
    private long lastDraw;
    private int nextDecile;
    private int epoch;
    private List<String> tasks = List.of();
    private double[] lossSum = new double[0];
    private long[] labelled = new long[0];
    private int lastLength;

    /** Draws on stderr, redrawing in place when a console is attached. */
    public ProgressBar() {
        this(System.err, System.console() != null, System::nanoTime);
    }

    /**
     * @param terminal redraw in place with {@code \r} (true) or print a line every 10% (false)
     * @param nanoClock a monotonic clock in nanoseconds (for rows/s and ETA)
     */
    public ProgressBar(PrintStream out, boolean terminal, LongSupplier nanoClock) {
        this.out = out;
        this.terminal = terminal;
        this.clock = nanoClock;
    }

    @Override
    public void onStart(ModelSpec spec, long rowsPerEpoch) {
        this.epochs = spec.training().epochs();
        this.rowsPerEpoch = rowsPerEpoch;
        this.total = rowsPerEpoch > 0 ? rowsPerEpoch * epochs : -1;
        this.tasks = spec.taskNames();
        this.lossSum = new double[tasks.size()];
        this.labelled = new long[tasks.size()];
        this.rows = 0;
        this.start = clock.getAsLong();
        this.lastDraw = Long.MIN_VALUE;
        this.nextDecile = 1;
    }

    @Override
    public void onStep(long step, int epoch, int batchRows, TaskLosses losses, double[] weights) {
        if (epoch != this.epoch) {
            this.epoch = epoch;
            java.util.Arrays.fill(lossSum, 0);
            java.util.Arrays.fill(labelled, 0);
        }
        rows += batchRows;
        for (int k = 0; k < Math.min(losses.size(), lossSum.length); k++) {
            lossSum[k] += losses.losses()[k] * losses.labelled()[k];
            labelled[k] += losses.labelled()[k];
        }
        long now = clock.getAsLong();
        if (terminal) {
            if (lastDraw == Long.MIN_VALUE || now - lastDraw >= REDRAW_NANOS || (total > 0 && rows >= total)) {
                String line = line(now);
                out.print('\r' + line + " ".repeat(Math.max(0, lastLength - line.length())));
                out.flush();
                lastLength = line.length();
                lastDraw = now;
            }
        } else if (total > 0) {
            while (nextDecile <= 10 && rows * 10 >= nextDecile * total) {
                out.println(line(now));
                nextDecile++;
            }
        }
    }

    @Override
    public void onEpochEnd(EpochSummary summary) {
        if (terminal) {
            out.println();
            lastLength = 0;
        }
        out.println(MetricLogger.format(summary));
        out.flush();
    }

    /** The progress line at clock value {@code now}. */
    String line(long now) {
        StringBuilder b = new StringBuilder();
        b.append("epoch ").append(epoch + 1).append('/').append(epochs).append(' ');
        double seconds = Math.max(1e-9, (now - start) / 1e9);
        double rate = rows / seconds;
        if (total > 0) {
            double frac = Math.min(1.0, (double) rows / total);
            int filled = (int) Math.round(frac * WIDTH);
            b.append('[').append("#".repeat(filled)).append(".".repeat(WIDTH - filled)).append("] ");
            b.append(String.format(Locale.ROOT, "%3d%% ", Math.round(frac * 100)));
        }
        b.append(String.format(Locale.ROOT, "%,d rows  %,.0f rows/s", rows, rate));
        if (total > 0 && rate > 0) {
            b.append("  ETA ").append(clockTime((total - Math.min(rows, total)) / rate));
        }
        if (!tasks.isEmpty()) {
            b.append("  loss");
            for (int k = 0; k < tasks.size(); k++) {
                b.append(' ').append(tasks.get(k)).append('=');
                b.append(labelled[k] == 0 ? "-" : String.format(Locale.ROOT, "%.4f", lossSum[k] / labelled[k]));
            }
        }
        return b.toString();
    }

    static String clockTime(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }

}
