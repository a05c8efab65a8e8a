package org.mtl4j.cli.internal.cmd;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.mtl4j.api.metric.Evaluation;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.cli.ExitCodes;
import org.mtl4j.cli.internal.CliException;
import org.mtl4j.cli.internal.DataFiles;
import org.mtl4j.cli.internal.Engine;
import org.mtl4j.cli.internal.Pipeline;
import org.mtl4j.cli.internal.SpecFiles;
import org.mtl4j.cli.internal.Table;
import org.mtl4j.spi.io.SpecCodec;
import org.mtl4j.tasks.MtlGain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code mtl4j compare}: trains several specs on the same data and prints their validation metrics
 * side by side, with the MTL gain of each (PLE, Tang et al. RecSys 2020, section 5.1.3: metric of
 * the multi-task model minus that of the single-task model, signed so that positive is better)
 * against the {@code independent} topology of the same spec: a given spec when one is independent
 * with the same tasks and inputs, otherwise trained automatically.
 */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train several specs on the same data; compare their metrics and MTL gain.",
            "Prints the validation metrics side by side, and each spec's MTL gain over an independent",
            "(single-task) baseline of the same spec, trained automatically when none of the specs is one."})
public final class CompareCommand implements Callable<Integer> {
    @Spec
    CommandSpec command;

    @Option(names = "--spec", required = true, paramLabel = "model.yaml", description = "A spec to train; repeat for each.")
    List<Path> specs;

    @Option(names = "--data", required = true, paramLabel = "train.csv", description = "Training data.")
    Path data;

    @Option(names = "--valid", required = true, paramLabel = "valid.csv", description = "Validation data (the compared metrics).")
    Path valid;

    @Option(names = "--test", paramLabel = "test.csv", description = "Test data: each trained model is also evaluated here "
            + "(table, MTL gain, and test-metrics.json in each run directory).")
    Path test;

    @Option(names = "--out", paramLabel = "DIR", description = "Where each run goes, one sub-directory per spec (default: a new temporary directory).")
    Path out;

    @Option(names = "--bad-rows", paramLabel = "fail|skip", defaultValue = "fail", description = "fail (default) or skip malformed rows.")
    DataFiles.BadRows badRows;

    @Option(names = "--no-progress", description = "No progress bars.")
    boolean noProgress;

    private record Entry(String label, ModelSpec spec, String text, boolean auto) {
    }

    @Override
    public Integer call() throws Exception {
        Engine engine = Engine.create();
        List<Entry> entries = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        Set<String> labels = new LinkedHashSet<>();
        List<SpecFiles.Loaded> loaded = new ArrayList<>();
        for (Path p : specs) {
            try {
                loaded.add(SpecFiles.load(p, engine));
            } catch (CliException e) {
                errors.add(e.getMessage());
            }
        }
        // columns are named by spec name; by file name where two specs share a name
        for (SpecFiles.Loaded l : loaded) {
            boolean shared = loaded.stream().filter(x -> x.spec().name().equals(l.spec().name())).count() > 1;
            entries.add(new Entry(unique(labels, shared ? stem(l.file()) : l.spec().name()), l.spec(), l.text(), false));
        }
        if (!errors.isEmpty()) {
            throw new CliException(ExitCodes.USAGE, String.join("\n", errors));
        }
        // the independent baseline of each spec: a given one with the same tasks and inputs, or derived
        Map<String, Entry> baselineOf = new LinkedHashMap<>();
        List<Entry> auto = new ArrayList<>();
        for (Entry e : entries) {
            if (e.spec.topology() instanceof Topology.Independent) {
                continue;
            }
            Entry b = entries.stream().filter(x -> x.spec.topology() instanceof Topology.Independent
                    && x.spec.taskNames().equals(e.spec.taskNames()) && x.spec.inputs().equals(e.spec.inputs()))
                    .findFirst().orElse(null);
            if (b == null) {
                ModelSpec derived = independent(e.spec);
                b = auto.stream().filter(x -> x.spec.equals(derived)).findFirst().orElse(null);
                if (b == null) {
                    b = new Entry(unique(labels, e.label + "-independent"), derived, SpecCodec.toYaml(derived), true);
                    engine.check(derived, "independent baseline of " + e.label);
                    auto.add(b);
                }
            }
            baselineOf.put(e.label, b);
        }
        PrintWriter w = command.commandLine().getOut();
        PrintWriter err = command.commandLine().getErr();
        Path dir = out != null ? Files.createDirectories(org.mtl4j.cli.internal.OutputPaths.runDirectory("--out", out))
                : Files.createTempDirectory("mtl4j-compare-");
        Pipeline p = new Pipeline(engine, w, err).progress(!noProgress).checkpointEvery(0).badRows(badRows);
        Map<String, Pipeline.Outcome> outcomes = new LinkedHashMap<>();
        List<Entry> all = new ArrayList<>(entries);
        all.addAll(auto);
        for (Entry e : all) {
            err.println("training " + e.label + (e.auto ? " (independent baseline, added automatically)" : "") + " ...");
            err.flush();
            outcomes.put(e.label, p.run(e.spec, e.text, p.open(e.spec, data, valid), dir.resolve(e.label)));
        }
        Map<String, Map<String, Map<String, Double>>> gains = new LinkedHashMap<>();
        for (Map.Entry<String, Entry> be : baselineOf.entrySet()) {
            Pipeline.Outcome o = outcomes.get(be.getKey());
            Evaluation single = outcomes.get(be.getValue().label).evaluation();
            Map<String, Map<String, Double>> g = MtlGain.compute(o.evaluation(), single, engine.metrics());
            gains.put(be.getKey(), g);
            Pipeline.writeRunFiles(o, entries.stream().filter(x -> x.label.equals(be.getKey())).findFirst().orElseThrow().text,
                    single, g);
        }
        w.println("validation metrics on " + valid + ":");
        w.print(metricsTable(all, outcomes));
        if (!gains.isEmpty()) {
            w.println();
            w.println("MTL gain over the independent baseline (positive = better):");
            w.print(gainTable(baselineOf, gains));
        }
        if (test != null) {
            Map<String, Pipeline.Outcome> tested = new LinkedHashMap<>();
            for (Entry e : all) {
                Pipeline.Outcome o = outcomes.get(e.label);
                var testData = DataFiles.open("test data", test, e.spec, o.model().vocabularies(), Map.of(), badRows);
                Evaluation te = engine.evaluate(o.model(), testData);
                tested.put(e.label, new Pipeline.Outcome(o.spec(), o.model(), o.history(), te, testData.description(), o.dir()));
            }
            Map<String, Map<String, Map<String, Double>>> testGains = new LinkedHashMap<>();
            for (Map.Entry<String, Entry> be : baselineOf.entrySet()) {
                testGains.put(be.getKey(), MtlGain.compute(tested.get(be.getKey()).evaluation(),
                        tested.get(be.getValue().label).evaluation(), engine.metrics()));
            }
            for (Map.Entry<String, Pipeline.Outcome> t : tested.entrySet()) {
                Pipeline.Outcome o = t.getValue();
                org.mtl4j.cli.internal.RunFiles.writeJson(o.dir().resolve("test-metrics.json"),
                        org.mtl4j.cli.internal.RunFiles.metricsDocument(o.spec().name(), o.evaluatedOn(), o.evaluation(),
                                testGains.get(t.getKey()), o.history()));
            }
            w.println();
            w.println("test metrics on " + test + ":");
            w.print(metricsTable(all, tested));
            if (!testGains.isEmpty()) {
                w.println();
                w.println("MTL gain on the test data (positive = better):");
                w.print(gainTable(baselineOf, testGains));
            }
        }
        w.println("runs (model, metrics.json, report.html) in " + dir);
        w.flush();
        return ExitCodes.OK;
    }

    /** The spec with its sharing replaced by independent towers of the same bottom layers. */
    static ModelSpec independent(ModelSpec s) {
        Topology t = s.topology();
        List<Integer> layers = t instanceof Topology.SharedBottom sb ? sb.layers()
                : t instanceof Topology.Mmoe m ? m.expertLayers()
                : t instanceof Topology.Ple pl ? pl.expertLayers()
                : t instanceof Topology.CrossStitch cs ? cs.layers()
                : t instanceof Topology.Grouped g ? g.layers()
                : ((Topology.Independent) t).layers();
        return s.withTopology(new Topology.Independent(layers));
    }

    private static String metricsTable(List<Entry> all, Map<String, Pipeline.Outcome> outcomes) {
        List<String> header = new ArrayList<>(List.of("task", "metric"));
        for (Entry e : all) {
            header.add(e.label + (e.auto ? " (auto)" : ""));
        }
        Table t = new Table(2, header.toArray(String[]::new));
        List<Evaluation> evals = outcomes.values().stream().map(Pipeline.Outcome::evaluation).toList();
        for (String[] key : keys(evals, all.get(0).spec.taskNames())) {
            List<Object> row = new ArrayList<>(List.of(key[0], key[1]));
            for (Entry e : all) {
                row.add(Table.num(value(outcomes.get(e.label).evaluation(), key[0], key[1])));
            }
            t.row(row.toArray());
        }
        return t.toString();
    }

    private static String gainTable(Map<String, Entry> baselineOf, Map<String, Map<String, Map<String, Double>>> gains) {
        List<String> header = new ArrayList<>(List.of("task", "metric"));
        baselineOf.forEach((label, b) -> header.add(label + " vs " + b.label));
        Table t = new Table(2, header.toArray(String[]::new));
        Set<String> rows = new LinkedHashSet<>();
        gains.values().forEach(g -> g.forEach((task, m) -> m.keySet().forEach(metric -> rows.add(task + "\u0000" + metric))));
        for (String r : rows) {
            String[] key = r.split("\u0000");
            List<Object> row = new ArrayList<>(List.of(key[0], key[1]));
            for (String label : baselineOf.keySet()) {
                Double g = gains.get(label).getOrDefault(key[0], Map.of()).get(key[1]);
                row.add(g == null ? "-" : Table.signed(g));
            }
            t.row(row.toArray());
        }
        return t.toString();
    }

    private static List<String[]> keys(List<Evaluation> evals, List<String> taskOrder) {
        Set<String> seen = new LinkedHashSet<>();
        for (Evaluation e : evals) {
            for (String task : Pipeline.ordered(e, taskOrder)) {
                e.metrics().getOrDefault(task, Map.of()).keySet().forEach(metric -> seen.add(task + "\u0000" + metric));
                if (e.losses().containsKey(task)) {
                    seen.add(task + "\u0000" + MtlGain.LOSS);
                }
            }
        }
        return seen.stream().map(s -> s.split("\u0000")).toList();
    }

    private static double value(Evaluation e, String task, String metric) {
        if (MtlGain.LOSS.equals(metric)) {
            Double l = e.losses().get(task);
            return l == null ? Double.NaN : l;
        }
        Double v = e.metrics().getOrDefault(task, Map.of()).get(metric);
        return v == null ? Double.NaN : v;
    }

    private static String stem(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    private static String unique(Set<String> used, String label) {
        String l = label;
        for (int i = 2; !used.add(l); i++) {
            l = label + "-" + i;
        }
        return l;
    }
}
