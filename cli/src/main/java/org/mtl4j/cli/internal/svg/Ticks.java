package org.mtl4j.cli.internal.svg;

/**
 * "Nice" axis ticks (1, 2, 5 x 10^k steps) covering a data range, after Heckbert, "Nice numbers for
 * graph labels", Graphics Gems (1990).
 */
record Ticks(double lo, double hi, double step) {

    static Ticks of(double min, double max, int target) {
        if (!(max > min)) {
            double pad = min == 0 ? 1 : Math.abs(min) * 0.1;
            min -= pad;
            max += pad;
        }
        double step = nice((max - min) / Math.max(1, target - 1));
        double lo = Math.floor(min / step) * step;
        double hi = Math.ceil(max / step) * step;
        return new Ticks(lo, hi, step);
    }

    private static double nice(double raw) {
        double exp = Math.floor(Math.log10(raw));
        double f = raw / Math.pow(10, exp);
        double nf = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
        return nf * Math.pow(10, exp);
    }

    int count() {
        return (int) Math.round((hi - lo) / step) + 1;
    }

    double value(int i) {
        double v = lo + i * step;
        return Math.abs(v) < step * 1e-9 ? 0 : v;
    }
}
