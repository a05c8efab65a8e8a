package org.mtl4j.bench.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * Process CPU time per operation over the measurement iterations of a JMH trial. On a shared, loaded
 * machine wall time mostly measures the scheduler; CPU time per operation of a single-threaded run is
 * what the same work costs, so the report shows both and takes its ratios from both.
 *
 * <p>The benchmark calls {@link #begin} and {@link #end} from its {@code Level.Iteration} fixtures and
 * {@link #add} from the benchmark method; {@link #append} writes a result line to the side file named
 * by the system property {@value #SIDE_FILE_PROPERTY}.
 */
public final class CpuCounter {
    /** System property: the file that trials append their side results (CPU time, peak memory) to. */
    public static final String SIDE_FILE_PROPERTY = "mtl4j.bench.sideFile";
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private long cpuAtStart;
    private long opsAtStart;
    private long ops;
    private long measuredCpu;
    private long measuredOps;

    /** Process CPU time in nanoseconds (all threads: native BLAS/OpenMP threads included). */
    public static long processCpuNanos() {
        return OS.getProcessCpuTime();
    }

    public void begin(IterationParams p) {
        cpuAtStart = processCpuNanos();
        opsAtStart = ops;
    }

    public void add(long n) {
        ops += n;
    }

    public void end(IterationParams p) {
        if (p == null || p.getType() == IterationType.MEASUREMENT) {
            measuredCpu += processCpuNanos() - cpuAtStart;
            measuredOps += ops - opsAtStart;
        }
    }

    /** CPU nanoseconds per operation over the measurement iterations, NaN before any. */
    public double cpuNanosPerOp() {
        return measuredOps == 0 ? Double.NaN : (double) measuredCpu / measuredOps;
    }

    /** Appends a tab-separated line to the side file, when the property names one. */
    public static void append(String... fields) {
        String file = System.getProperty(SIDE_FILE_PROPERTY);
        if (file == null || file.isEmpty()) {
            return;
        }
        try {
            Files.writeString(Path.of(file), String.join("\t", fields) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("could not append benchmark side results to " + file, e);
        }
    }
}
