package org.mtl4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code mtl4j train --spark MASTER}: a trainer that runs the command on a cluster, found with
 * {@link java.util.ServiceLoader} by {@link #name()} when its module is on the class path (the
 * {@code mtl4j-spark} module provides {@code "spark"}; the launcher puts it there for {@code --spark}).
 * The CLI itself depends on no cluster library. It writes the run directory the local command writes:
 * {@code model.mtl}, {@code metrics.json}, {@code history.json}, {@code report.html}, {@code checkpoints/}.
 */
public interface ClusterTrainer {

    /** The name the option selects, e.g. {@code spark}. */
    String name();

    /**
     * Runs {@code train}; returns the exit code ({@link ExitCodes}). Errors are thrown as the local command
     * throws them (bad data: a {@code DataException}), so they get the same exit codes.
     */
    int train(Request request) throws Exception;

    /**
     * The {@code train} options a cluster run takes.
     *
     * @param master the cluster's master URL ({@code local[2]}, {@code spark://host:7077}, {@code yarn}) or
     *     {@code submit}: the one {@code spark-submit} set
     * @param badRows {@code fail} or {@code skip}
     * @param partitions data-parallel shards (0: the cluster's default parallelism)
     * @param localSteps 1: synchronous (the same result as one machine); k > 1: k local steps, then the
     *     parameters averaged
     */
    record Request(String master, Path spec, List<String> overrides, Path data, Path valid, Path out, boolean resume,
            int checkpointEvery, boolean rawLabels, String badRows, boolean progress, int partitions, int localSteps,
            PrintWriter stdout, PrintWriter stderr) {
        public Request {
            overrides = List.copyOf(overrides);
        }
    }
}
