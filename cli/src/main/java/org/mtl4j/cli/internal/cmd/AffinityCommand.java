package org.mtl4j.cli.internal.cmd;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mtl4j.api.backend.TrainableModel;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.cli.ExitCodes;
import org.mtl4j.api.internal.AtomicFiles;
import org.mtl4j.cli.internal.DataFiles;
import org.mtl4j.cli.internal.Engine;
import org.mtl4j.cli.internal.Pipeline;
import org.mtl4j.cli.internal.RunFiles;
import org.mtl4j.cli.internal.SpecFiles;
import org.mtl4j.cli.internal.Table;
import org.mtl4j.cli.internal.report.Report;
import org.mtl4j.spi.io.SpecCodec;
import org.mtl4j.training.affinity.AffinityProbe;
import org.mtl4j.training.affinity.Grouping;
import org.mtl4j.training.affinity.SharingAdvice;
import org.mtl4j.training.affinity.SharingAdvisor;
import org.mtl4j.training.affinity.TaskAffinity;
import org.mtl4j.training.affinity.TaskGrouper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code mtl4j affinity}: a short training run of the spec that measures inter-task affinity
 * (lookahead affinity, Fifty et al. NeurIPS 2021, and gradient cosines), the best grouping of the tasks
 * for each number of groups up to {@code --groups}, and a suggested sharing topology.
 */
@Command(name = "affinity", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure how related the tasks of a spec are; group them; suggest the sharing.",
            "Trains the spec for --steps steps, measuring the lookahead affinity Z(i -> j) (Fifty et al. 2021)",
            "and the gradient cosines; prints both matrices, the best grouping for each number of groups up to",
            "--groups with its score, and a suggested topology. Writes <out>/affinity.json and <out>/report.html."})
public final class AffinityCommand implements Callable<Integer> {
    static final String JSON = "affinity.json";

    @Spec
    CommandSpec command;

    @Option(names = "--spec", required = true, paramLabel = "model.yaml", description = "The model spec; its topology is the one probed (shared-bottom is a good probe).")
    Path spec;

    @Option(names = "--data", required = true, paramLabel = "train.csv", description = "Training data.")
    Path data;

    @Option(names = "--groups", paramLabel = "K", description = "Largest number of groups (default: the number of tasks).")
    Integer groups;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "200", description = "Training steps of the run. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--every", paramLabel = "M", defaultValue = "1",
            description = "Measure on every M-th step (each costs at most T + 1 normal steps). Default: ${DEFAULT-VALUE}.")
    int every;

    @Option(names = "--warmup", paramLabel = "W", defaultValue = "0",
            description = "Train W steps before the first measurement (towers start random). Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--lookahead-rate", paramLabel = "LR", description = "Learning rate of the lookahead step (default: the spec optimiser's).")
    Double lookaheadRate;

    @Option(names = "--out", paramLabel = "DIR", description = "Where affinity.json and report.html go (default: affinity-<model name>).")
    Path out;

    @Option(names = "--bad-rows", paramLabel = "fail|skip", defaultValue = "fail", description = "fail (default) or skip malformed rows.")
    DataFiles.BadRows badRows;

    @Override
    public Integer call() throws Exception {
        if (steps < 1) {
            throw new ParameterException(command.commandLine(), "--steps must be >= 1, found " + steps);
        }
        if (every < 1) {
            throw new ParameterException(command.commandLine(), "--every must be >= 1, found " + every);
        }
        if (warmup < 0 || warmup >= steps) {
            throw new ParameterException(command.commandLine(), "--warmup must be >= 0 and below --steps (" + steps + "), found "
                    + warmup);
        }
        if (groups != null && groups < 1) {
            throw new ParameterException(command.commandLine(), "--groups must be >= 1, found " + groups);
        }
        if (lookaheadRate != null && !(lookaheadRate > 0 && Double.isFinite(lookaheadRate))) {
            throw new ParameterException(command.commandLine(), "--lookahead-rate must be > 0, found " + lookaheadRate);
        }
        Engine engine = Engine.create();
        SpecFiles.Loaded loaded = SpecFiles.load(spec, engine);
        ModelSpec s = loaded.spec();
        int t = s.tasks().size();
        if (t < 2) {
            throw new ParameterException(command.commandLine(), "affinity needs a spec with at least 2 tasks, found " + t
                    + " in " + spec);
        }
        if (t > TaskGrouper.MAX_TASKS) {
            throw new ParameterException(command.commandLine(), "affinity groups at most " + TaskGrouper.MAX_TASKS
                    + " tasks, found " + t + " in " + spec);
        }
        int k = groups == null ? t : Math.min(groups, t);
        PrintWriter w = command.commandLine().getOut();
        Pipeline p = new Pipeline(engine, w, command.commandLine().getErr()).badRows(badRows);
        Pipeline.Data d = p.open(s, data, null);
        TrainableModel model = engine.runtime().backend(s.backend()).compile(s, d.train().vocabularies(), d.train().denseStats());
        AffinityProbe.Builder b = AffinityProbe.builder().steps(steps).warmup(warmup).every(every);
        if (lookaheadRate != null) {
            b.lookaheadRate(lookaheadRate);
        }
        TaskAffinity a = b.build().measure(model, d.train());
        List<Grouping> perCount = TaskGrouper.bestPerCount(a, k);
        Grouping best = TaskGrouper.best(a, k);
        SharingAdvice advice = SharingAdvisor.advise(a, best, layers(s.topology()));

        w.printf(Locale.ROOT, "task affinity of %s (%s, %s) on %s: %d of %d steps sampled (after %d warm-up steps),"
                + " lookahead rate %s%n", s.name(), s.topology().id(), s.backend(), data, a.sampledSteps(), a.steps(), warmup,
                a.lookaheadRate());
        w.println();
        w.println("lookahead affinity Z(row -> column) = 1 - L_col(after a step on row's gradient) / L_col(before):");
        w.print(matrix(a.tasks(), a.lookahead(), "%.3e"));
        w.println();
        w.println("gradient cosine on the shared parameters:");
        w.print(matrix(a.tasks(), a.cosine(), "%.3f"));
        w.println();
        Table g = new Table(1, "groups", "best grouping", "score");
        for (Grouping x : perCount) {
            g.row(x.size(), x.groups(), String.format(Locale.ROOT, "%.4e", x.score()));
        }
        w.println("best grouping per number of groups (score: sum over tasks of the mean affinity from the other members):");
        w.print(g);
        w.println();
        w.println("suggested (at most " + k + " groups): " + best.groups());
        w.println("  topology: " + advice.topology().id() + " -- " + advice.reason());
        w.print(indent(SpecCodec.toYaml(advice.topology())));
        if (!Double.isNaN(a.costRatio())) {
            w.printf(Locale.ROOT, "a sampled step took %.1fx a normal step (bound: T + 1 = %d)%n", a.costRatio(), t + 1);
        }

        Path dir = out != null ? out : Path.of("affinity-" + s.name());
        Files.createDirectories(dir);
        RunFiles.writeJson(dir.resolve(JSON), document(s, data.toString(), warmup, a, perCount, best, advice));
        Report r = new Report(s.name(), null).fact("backend", s.backend()).fact("probed topology", s.topology().id())
                .fact("data", data.toString()).spec(loaded.text()).affinity(a, perCount, advice);
        AtomicFiles.writeString(dir.resolve(RunFiles.REPORT), r.html());
        w.println("wrote " + dir.resolve(JSON) + ", " + dir.resolve(RunFiles.REPORT));
        w.flush();
        return ExitCodes.OK;
    }

    /** The hidden sizes of a topology's bottom (of each expert for MMoE/PLE). */
    static List<Integer> layers(Topology t) {
        if (t instanceof Topology.SharedBottom sb) {
            return sb.layers();
        }
        if (t instanceof Topology.Independent ind) {
            return ind.layers().isEmpty() ? List.of(64) : ind.layers();
        }
        if (t instanceof Topology.Mmoe m) {
            return m.expertLayers();
        }
        if (t instanceof Topology.Ple pl) {
            return pl.expertLayers();
        }
        if (t instanceof Topology.Grouped g) {
            return g.layers();
        }
        return ((Topology.CrossStitch) t).layers();
    }

    private static String matrix(List<String> tasks, double[][] m, String format) {
        String[] header = new String[tasks.size() + 1];
        header[0] = "";
        for (int j = 0; j < tasks.size(); j++) {
            header[j + 1] = tasks.get(j);
        }
        Table table = new Table(1, header);
        for (int i = 0; i < tasks.size(); i++) {
            Object[] row = new Object[tasks.size() + 1];
            row[0] = tasks.get(i);
            for (int j = 0; j < tasks.size(); j++) {
                row[j + 1] = Double.isFinite(m[i][j]) ? String.format(Locale.ROOT, format, m[i][j]) : "n/a";
            }
            table.row(row);
        }
        return table.toString();
    }

    private static String indent(String yaml) {
        StringBuilder b = new StringBuilder();
        for (String line : yaml.split("\n")) {
            if (!line.isBlank() && !line.equals("---")) {
                b.append("    ").append(line).append('\n');
            }
        }
        return b.toString();
    }

    static Map<String, Object> document(ModelSpec s, String data, int warmup, TaskAffinity a, List<Grouping> perCount, Grouping best,
            SharingAdvice advice) throws java.io.IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("model", s.name());
        doc.put("data", data);
        doc.put("probedTopology", s.topology().id());
        doc.put("tasks", a.tasks());
        doc.put("steps", a.steps());
        doc.put("warmup", warmup);
        doc.put("sampledSteps", a.sampledSteps());
        doc.put("lookaheadRate", a.lookaheadRate());
        doc.put("lookahead", a.lookahead());
        doc.put("cosine", a.cosine());
        doc.put("samples", a.samples());
        doc.put("meanLosses", a.meanLosses());
        doc.put("normalStepMillis", a.normalStepNanos() / 1e6);
        doc.put("sampledStepMillis", a.sampledStepNanos() / 1e6);
        List<Map<String, Object>> gs = new ArrayList<>();
        for (Grouping g : perCount) {
            gs.add(grouping(g));
        }
        doc.put("groupings", gs);
        doc.put("best", grouping(best));
        Map<String, Object> sug = new LinkedHashMap<>();
        sug.put("topology", RunFiles.JSON.readValue(SpecCodec.toJson(advice.topology()), Map.class));
        sug.put("reason", advice.reason());
        doc.put("suggestion", sug);
        return doc;
    }

    private static Map<String, Object> grouping(Grouping g) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("groups", g.groups());
        m.put("score", g.score());
        m.put("taskScores", g.taskScores());
        return m;
    }
}
