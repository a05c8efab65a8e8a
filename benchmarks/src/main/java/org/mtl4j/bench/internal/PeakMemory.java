package org.mtl4j.bench.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory of this process from {@code /proc/self/status} (Linux): the peak (VmHWM) and now (VmRSS). */
public final class PeakMemory {
    private static final Path STATUS = Path.of("/proc/self/status");

    private PeakMemory() {
    }

    /** Peak resident set size in MiB, or NaN where /proc is not available. */
    public static double peakRssMiB() {
        return field("VmHWM:");
    }

    /** Current resident set size in MiB, or NaN where /proc is not available. */
    public static double rssMiB() {
        return field("VmRSS:");
    }

    private static double field(String name) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(name)) {
                    String[] p = line.substring(name.length()).trim().split("\\s+");
                    return Long.parseLong(p[0]) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
