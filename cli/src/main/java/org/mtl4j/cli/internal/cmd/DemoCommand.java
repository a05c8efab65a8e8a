package org.mtl4j.cli.internal.cmd;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.BatchStream;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.metric.Evaluation;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.api.spec.TrainingSpec;
import org.mtl4j.cli.ExitCodes;
import org.mtl4j.cli.internal.Engine;
import org.mtl4j.cli.internal.Pipeline;
import org.mtl4j.cli.internal.RunFiles;
import org.mtl4j.cli.internal.Table;
import org.mtl4j.data.FunnelGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code mtl4j demo}: generates click -&gt; conversion funnel data with known truth, trains the demo
 * model and prints its metrics next to the oracle's (the generator's true probabilities) with the
 * share of the oracle's lift over chance that the model recovered.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train on generated funnel data and compare with the oracle (the true probabilities).",
            "Generates click -> conversion data with known truth, trains the demo model with a progress bar and",
            "prints its AUC and logloss per task next to the oracle's, with the share of the oracle's lift."})
public final class DemoCommand implements Callable<Integer> {
    /** Row seeds of the generated files; the world (users, items, true probabilities) is the generator's default. */
    static final long TRAIN_SEED = 1L;
    static final long TEST_SEED = 2L;

    @Spec
    CommandSpec command;

    @Option(names = "--rows", defaultValue = "200000", paramLabel = "N", description = "Training rows (default ${DEFAULT-VALUE}).")
    long rows;

    @Option(names = "--test-rows", defaultValue = "20000", paramLabel = "N", description = "Test rows (default ${DEFAULT-VALUE}).")
    long testRows;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs (default: the demo spec's, 2).")
    Integer epochs;

    @Option(names = "--topology", defaultValue = "shared-bottom", paramLabel = "NAME",
            description = "independent, shared-bottom (default), mmoe, ple or cross-stitch.")
    String topology;

    @Option(names = "--backend", defaultValue = "dl4j", paramLabel = "NAME", description = "dl4j (default) or tribuo.")
    String backend;

    @Option(names = "--dir", paramLabel = "DIR", description = "Where data and results go (default: a new temporary directory).")
    Path dir;

    @Option(names = "--no-progress", description = "No progress bar.")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        if (rows < 1 || testRows < 1) {
            throw new picocli.CommandLine.ParameterException(command.commandLine(),
                    "--rows and --test-rows must be >= 1, found " + rows + " and " + testRows);
        }
        if (epochs != null && epochs < 1) {
            throw new picocli.CommandLine.ParameterException(command.commandLine(), "--epochs must be >= 1, found " + epochs);
        }
        ModelSpec base = FunnelGenerator.demoSpec();
        ModelSpec spec = base.withTopology(topology(topology)).withBackend(backend);
        if (epochs != null) {
            TrainingSpec t = base.training();
            spec = spec.withTraining(new TrainingSpec(epochs, t.batchSize(), t.seed(), t.validationFraction(), t.earlyStopping(),
                    t.diagnosticsEvery(), t.shuffleBuffer()));
        }
        Engine engine = Engine.create();
        if (!engine.runtime().backend(backend).supports(org.mtl4j.api.backend.Capability.HIDDEN_LAYERS)) {
            // the Tribuo FM has no hidden layers and refuses the demo's bottom layer and towers
            spec = spec.withoutHiddenLayers();
        }
        engine.check(spec, "demo spec");
        PrintWriter out = command.commandLine().getOut();
        PrintWriter err = command.commandLine().getErr();
        Path d = dir != null ? Files.createDirectories(org.mtl4j.cli.internal.OutputPaths.runDirectory("--dir", dir))
                : Files.createTempDirectory("mtl4j-demo-");
        FunnelGenerator gen = new FunnelGenerator();
        Path train = d.resolve("train.csv");
        Path test = d.resolve("test.csv");
        err.println("generating " + rows + " training and " + testRows + " test rows into " + d);
        err.flush();
        gen.writeCsv(train, rows, TRAIN_SEED);
        gen.writeCsv(test, testRows, TEST_SEED);
        Pipeline p = new Pipeline(engine, out, err).progress(!noProgress).checkpointEvery(0);
        Pipeline.Data data = p.open(spec, train, test);
        Pipeline.Outcome o = p.run(spec, null, data, d.resolve("run"));
        Evaluation oracle = FunnelGenerator.oracle(test);
        Map<String, Double> baseRates = baseRates(data.valid(), spec.taskNames());
        out.println("demo: " + spec.topology().id() + " on " + rows + " funnel rows (" + spec.backend() + ", "
                + spec.training().epochs() + " epochs), evaluated on " + testRows + " other rows");
        out.print(table(o.evaluation(), oracle, baseRates));
        out.println("share of lift = (model - chance) / (oracle - chance); chance: AUC 0.5, logloss of the base rate");
        out.println("data, model and report.html in " + d + " (run/" + RunFiles.REPORT + ")");
        out.flush();
        return ExitCodes.OK;
    }

    static Topology topology(String name) {
        return switch (name) {
            case "independent" -> new Topology.Independent(List.of(128));
            case "shared-bottom" -> new Topology.SharedBottom(List.of(128));
            case "mmoe" -> new Topology.Mmoe(4, List.of(64), List.of());
            case "ple" -> new Topology.Ple(1, 2, 1, List.of(64));
            case "cross-stitch" -> new Topology.CrossStitch(List.of(64), 0.9);
            default -> throw new org.mtl4j.cli.internal.CliException(ExitCodes.USAGE, "unknown topology \"" + name
                    + "\" (known: independent, shared-bottom, mmoe, ple, cross-stitch)");
        };
    }

    /** The model's AUC and logloss per task, the oracle's, and the share of the oracle's lift over chance. */
    static String table(Evaluation model, Evaluation oracle, Map<String, Double> baseRates) {
        Table t = new Table(2, "task", "metric", "model", "oracle", "share of lift");
        for (String task : Pipeline.ordered(oracle, List.of("ctr", "ctcvr"))) {
            double auc = model.metric(task, "auc");
            double oAuc = oracle.metric(task, "auc");
            t.row(task, "auc", Table.num(auc), Table.num(oAuc), percent((auc - 0.5) / (oAuc - 0.5)));
            double ll = model.metric(task, "logloss");
            double oLl = oracle.metric(task, "logloss");
            double chance = entropy(baseRates.getOrDefault(task, Double.NaN));
            t.row(task, "logloss", Table.num(ll), Table.num(oLl), percent((chance - ll) / (chance - oLl)));
        }
        return t.toString();
    }

    /** The log loss of always predicting the base rate p: the binary entropy of p. */
    static double entropy(double p) {
        if (!(p > 0 && p < 1)) {
            return Double.NaN;
        }
        return -(p * Math.log(p) + (1 - p) * Math.log(1 - p));
    }

    private static String percent(double share) {
        return Double.isFinite(share) ? String.format(java.util.Locale.ROOT, "%.1f%%", 100 * share) : "n/a";
    }

    /** Mean label of each task over its labelled rows. */
    static Map<String, Double> baseRates(Dataset data, List<String> tasks) {
        double[] sum = new double[tasks.size()];
        double[] n = new double[tasks.size()];
        try (BatchStream s = data.batches(8192, false, 0L)) {
            while (s.hasNext()) {
                Batch b = s.next();
                for (int k = 0; k < tasks.size(); k++) {
                    float[] l = b.labels(tasks.get(k));
                    float[] m = b.mask(tasks.get(k));
                    for (int r = 0; r < b.size(); r++) {
                        sum[k] += l[r] * m[r];
                        n[k] += m[r];
                    }
                }
            }
        }
        Map<String, Double> out = new java.util.LinkedHashMap<>();
        for (int k = 0; k < tasks.size(); k++) {
            out.put(tasks.get(k), n[k] == 0 ? Double.NaN : sum[k] / n[k]);
        }
        return out;
    }
}
