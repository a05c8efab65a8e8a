package org.mtl4j.cli.internal.cmd;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.mtl4j.cli.ExitCodes;
import org.mtl4j.cli.internal.CliException;
import org.mtl4j.serving.Predictor;
import org.mtl4j.serving.ScoringServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code mtl4j serve}: HTTP/JSON scoring of a saved model until the process is stopped
 * (see the serving module's {@link ScoringServer}).
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve a saved model over HTTP/JSON until stopped (Ctrl-C).",
            "POST /score {\"context\": {col: value}, \"candidates\": [{col: value}, ...], \"tasks\": [...]} -> per-candidate scores;",
            "GET /health; GET /metrics (Prometheus text). A new model file renamed over --model is loaded and swapped in",
            "without failing a request. Binds to 127.0.0.1 unless --host says otherwise."})
public final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec command;

    @Option(names = "--model", required = true, paramLabel = "model.mtl", description = "A model saved by train (watched for changes).")
    Path model;

    @Option(names = "--port", required = true, paramLabel = "P", description = "The port (0: an ephemeral one, printed).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "addr",
            description = "The address to bind (default: ${DEFAULT-VALUE}, loopback only; 0.0.0.0 for every interface).")
    String host;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "n",
            description = "Request threads, also concurrent predictions (default: the number of processors).")
    int threads;

    @Option(names = "--max-candidates", defaultValue = "1000", paramLabel = "n",
            description = "Candidates per request at most; more get HTTP 400 (default: ${DEFAULT-VALUE}).")
    int maxCandidates;

    @Option(names = "--max-body-bytes", defaultValue = "4194304", paramLabel = "bytes",
            description = "Request body size at most; more get HTTP 413 (default: ${DEFAULT-VALUE}).")
    int maxBodyBytes;

    @Option(names = "--watch-ms", defaultValue = "1000", paramLabel = "ms",
            description = "How often the model file is checked for a new version, 0 never (default: ${DEFAULT-VALUE}).")
    long watchMs;

    private final CountDownLatch stop = new CountDownLatch(1);

    /** Stops a running {@code serve} (for tests and embedding; a real run stops with the process). */
    public void stop() {
        stop.countDown();
    }

    @Override
    public Integer call() throws Exception {
        org.mtl4j.cli.internal.Engine.checkModelFile(model);
        ScoringServer.Config config;
        try {
            config = ScoringServer.Config.of(model).withHost(host).withPort(port)
                    .withThreads(threads > 0 ? threads : Runtime.getRuntime().availableProcessors())
                    .withMaxCandidates(maxCandidates).withMaxBodyBytes(maxBodyBytes)
                    .withWatchInterval(watchMs > 0 ? Duration.ofMillis(watchMs) : null);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
        try (ScoringServer server = ScoringServer.start(config)) {
            Predictor p = server.predictor();
            command.commandLine().getOut().println("serving model '" + p.spec().name() + "' version " + p.version() + " ("
                    + p.backend() + ") on http://" + config.host() + ":" + server.port() + "  (POST /score, GET /health, GET /metrics)");
            command.commandLine().getOut().flush();
            Thread hook = new Thread(stop::countDown, "mtl4j-serve-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                stop.await();
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // already shutting down
                }
            }
        }
        return ExitCodes.OK;
    }
}
