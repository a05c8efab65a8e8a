package org.mtl4j.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.mtl4j.cli.internal.Errors;
import org.mtl4j.cli.internal.cmd.AffinityCommand;
import org.mtl4j.cli.internal.cmd.CompareCommand;
import org.mtl4j.cli.internal.cmd.DemoCommand;
import org.mtl4j.cli.internal.cmd.EvaluateCommand;
import org.mtl4j.cli.internal.cmd.ExportCommand;
import org.mtl4j.cli.internal.cmd.GenerateCommand;
import org.mtl4j.cli.internal.cmd.InspectCommand;
import org.mtl4j.cli.internal.cmd.PluginsCommand;
import org.mtl4j.cli.internal.cmd.PredictCommand;
import org.mtl4j.cli.internal.cmd.ServeCommand;
import org.mtl4j.cli.internal.cmd.TrainCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The {@code mtl4j} command: train, evaluate and predict with multi-task models described by YAML
 * specs, inspect saved models, list plugins, compare specs, and run the funnel demo.
 * Exit codes are in {@link ExitCodes}.
 */
@Command(name = "mtl4j", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Multi-task learning for recommender systems on the JVM.",
        subcommands = {DemoCommand.class, GenerateCommand.class, TrainCommand.class, EvaluateCommand.class, PredictCommand.class,
            ServeCommand.class, InspectCommand.class, PluginsCommand.class, CompareCommand.class, ExportCommand.class,
            AffinityCommand.class,
            CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ok", "1:internal error (a bug; the stack trace is printed)", "2:usage or spec error",
            "3:data error (bad input rows, missing files)",
            "4:training diverged (NaN/Inf, an exploding loss or saturated outputs; last good checkpoint kept)"})
public final class Main implements Runnable {
    static final String ND4J_LOG = "org.slf4j.simpleLogger.log.org.nd4j";

    @CommandLine.Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (demo, train, evaluate, predict, "
                + "serve, inspect, plugins, compare, export, affinity; see mtl4j --help)");
    }

    public static void main(String[] args) {
        // ND4J prints a 13-line banner (backend, BLAS vendor, cores, memory) at INFO on first use: keep
        // it to warnings unless asked (-Dorg.slf4j.simpleLogger.log.org.nd4j=info)
        if (System.getProperty(ND4J_LOG) == null) {
            System.setProperty(ND4J_LOG, "warn");
        }
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        int code = execute(out, err, args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs the command line with the given streams and returns the exit code (tests call this in-process). */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = commandLine();
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }

    /** The configured command line (error handling, exit codes). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(new Errors());
        cl.setExitCodeExceptionMapper(Errors::exitCode);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }

    /** The version from the jar manifest, or "development" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"mtl4j " + (v == null ? "development" : v), "Java " + System.getProperty("java.version")};
        }
    }
}
