package org.mtl4j.cli.internal.cmd;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.mtl4j.cli.ExitCodes;
import org.mtl4j.cli.internal.DataFiles;
import org.mtl4j.cli.internal.Engine;
import org.mtl4j.cli.internal.Pipeline;
import org.mtl4j.cli.internal.RunFiles;
import org.mtl4j.cli.internal.SeedSummary;
import org.mtl4j.cli.internal.SpecFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code mtl4j train}: trains a spec on a CSV into a run directory. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a model described by a YAML spec on a CSV/TSV file.",
            "Writes <out>/model.mtl, metrics.json, history.json, report.html and checkpoints/."})
public final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec command;

    @Option(names = "--spec", required = true, paramLabel = "model.yaml", description = "The model spec (YAML, or JSON for .json).")
    Path spec;

    @Option(names = "--data", required = true, paramLabel = "train.csv", description = "Training data (CSV; TSV for .tsv).")
    Path data;

    @Option(names = "--valid", paramLabel = "valid.csv", description = "Validation data: per-epoch validation loss and metrics, "
            + "and the metrics printed at the end (default: the training data).")
    Path valid;

    @Option(names = "--out", required = true, paramLabel = "runs/NAME", description = "The run directory.")
    Path out;

    @Option(names = "--resume", description = "Continue the run in --out from its latest checkpoint (after a crash or kill).")
    boolean resume;

    @Option(names = "--checkpoint-every", paramLabel = "N", defaultValue = "1000",
            description = "Write a checkpoint every N steps (also at each epoch end); 0: only at epoch ends. Default: ${DEFAULT-VALUE}.")
    int checkpointEvery;

    @Option(names = "--init-from", paramLabel = "model.mtl", description = "Continual training: start from a saved model "
            + "(same inputs, tasks and topology) on new data; ids never seen get new embedding rows, old rows are kept.")
    Path initFrom;

    @Option(names = "--init-optimizer", description = "With --init-from: also take the saved model's optimiser state "
            + "(Adam's moments and step count); default: a fresh optimiser.")
    boolean initOptimizer;

    @Option(names = "--raw-labels", description = "Train regression tasks on their raw labels (default: standardised with the "
            + "training mean and sd, predictions in the label's units).")
    boolean rawLabels;

    @Option(names = "--keep-checkpoints", paramLabel = "N", defaultValue = "0",
            description = "Step and epoch checkpoints of each kind to keep once the run has finished, besides latest.ckpt "
                    + "(default ${DEFAULT-VALUE}: only latest.ckpt).")
    int keepCheckpoints;

    @Option(names = "--bad-rows", paramLabel = "fail|skip", defaultValue = "fail",
            description = "What a malformed row does: fail (default) or skip (skipped rows are counted and reported).")
    DataFiles.BadRows badRows;

    @Option(names = "--no-progress", description = "No progress bar.")
    boolean noProgress;

    @Option(names = "--set", paramLabel = "path=value", description = "Override a field of the spec, e.g. training.seed=1, "
            + "tasks.rating.weight=2, topology.layers=[64,32] (repeatable; checked like the file's own fields).")
    List<String> sets = new ArrayList<>();

    @Option(names = "--seed", paramLabel = "N", description = "Shorthand for --set training.seed=N.")
    Long seed;

    @Option(names = "--epochs", paramLabel = "N", description = "Shorthand for --set training.epochs=N.")
    Integer epochs;

    @Option(names = "--workers", paramLabel = "N", description = "Data-parallel worker threads (synchronous: each batch is "
            + "split into N row shards, one optimiser step; results equal one worker's up to float rounding). Default: "
            + "training.workers when the spec or --set names it, else the number of cores.")
    Integer workers;

    @Option(names = "--seeds", paramLabel = "1,2,3", split = ",", description = "Train once per seed into <out>/seed-<s>/ and "
            + "report each task metric's mean +- sd over the seeds (also in <out>/seeds.json).")
    List<Long> seeds = new ArrayList<>();

    @Option(names = "--spark", paramLabel = "MASTER", description = "Train on Apache Spark: a master URL (local[2], "
            + "spark://host:7077, yarn) or 'submit' (the master spark-submit set). Needs the mtl4j-spark module on the class path "
            + "(./mtl4j adds it for --spark); the same run directory files. See spark/README.md.")
    String spark;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "0",
            description = "With --spark: data-parallel shards (default: the cluster's default parallelism); must divide the batch size.")
    int partitions;

    @Option(names = "--local-steps", paramLabel = "K", defaultValue = "1",
            description = "With --spark: 1 (default) sums every step's per-task gradients (the result of one machine with the same "
                    + "global batch); K > 1 runs K local steps per partition, then averages the parameters (less traffic, another result).")
    int localSteps;

    @Override
    public Integer call() throws Exception {
        if (spark != null) {
            return cluster();
        }
        if (partitions != 0 || localSteps != 1) {
            throw new picocli.CommandLine.ParameterException(command.commandLine(), "--partitions and --local-steps need --spark");
        }
        if (checkpointEvery < 0) {
            throw new picocli.CommandLine.ParameterException(command.commandLine(),
                    "--checkpoint-every must be >= 0, found " + checkpointEvery);
        }
        org.mtl4j.cli.internal.OutputPaths.runDirectory("--out", out);
        if (keepCheckpoints < 0) {
            throw new picocli.CommandLine.ParameterException(command.commandLine(),
                    "--keep-checkpoints must be >= 0, found " + keepCheckpoints);
        }
        if (seed != null && !seeds.isEmpty()) {
            throw new picocli.CommandLine.ParameterException(command.commandLine(), "--seed and --seeds exclude each other");
        }
        List<String> overrides = new ArrayList<>(sets);
        if (seed != null) {
            overrides.add("training.seed=" + seed);
        }
        if (epochs != null) {
            overrides.add("training.epochs=" + epochs);
        }
        if (workers != null) {
            if (workers < 1 || workers > 1024) {
                throw new picocli.CommandLine.ParameterException(command.commandLine(), "--workers must be in 1..1024, found " + workers);
            }
            overrides.add("training.workers=" + workers);
        }
        // without --workers, --set training.workers= or the spec's own value: the cores (applied after the spec is
        // read, so messages about the spec do not name an override the user did not write)
        int defaultWorkers = overrides.stream().noneMatch(o -> o.startsWith("training.workers=")) && !namesWorkers(spec)
                ? Runtime.getRuntime().availableProcessors() : 0;
        Engine engine = Engine.create();
        Pipeline p = new Pipeline(engine, command.commandLine().getOut(), command.commandLine().getErr())
                .progress(!noProgress).checkpointEvery(checkpointEvery).resume(resume).badRows(badRows)
                .keepCheckpoints(keepCheckpoints).rawLabels(rawLabels);
        if (initOptimizer && initFrom == null) {
            throw new picocli.CommandLine.ParameterException(command.commandLine(), "--init-optimizer needs --init-from");
        }
        if (initFrom != null) {
            if (resume) {
                throw new picocli.CommandLine.ParameterException(command.commandLine(),
                        "--init-from starts a new run; --resume continues one: choose one");
            }
            org.mtl4j.api.backend.TrainedModel previous = engine.load(initFrom);
            checkInitFrom(SpecFiles.load(spec, engine, overrides).spec(), previous, engine);
            p.initFrom(previous, initOptimizer);
        }
        if (!seeds.isEmpty()) {
            return multiSeed(engine, p, overrides, defaultWorkers);
        }
        SpecFiles.Loaded loaded = SpecFiles.load(spec, engine, overrides);
        org.mtl4j.api.spec.ModelSpec s = withWorkers(loaded.spec(), defaultWorkers);
        Pipeline.Data d = p.open(s, data, valid);
        Pipeline.Outcome o = p.run(s, loaded.text(), d, out);
        var w = command.commandLine().getOut();
        w.println("trained " + loaded.spec().name() + " (" + loaded.spec().topology().id() + ", " + loaded.spec().backend()
                + "): " + o.history().stopReason() + "; model = " + o.history().modelEpochDescription());
        w.println("metrics on " + o.evaluatedOn() + ":");
        w.print(Pipeline.metricTable(o.evaluation(), loaded.spec().taskNames()));
        w.println("wrote " + out.resolve(RunFiles.MODEL) + ", " + RunFiles.METRICS + ", " + RunFiles.HISTORY + ", " + RunFiles.REPORT);
        w.flush();
        return ExitCodes.OK;
    }

    /** {@code spec} with {@code n} workers, or unchanged when {@code n} is 0. */
    private static org.mtl4j.api.spec.ModelSpec withWorkers(org.mtl4j.api.spec.ModelSpec spec, int n) {
        return n <= 0 ? spec : spec.withTraining(spec.training().withWorkers(n));
    }

    /** Whether the spec file sets {@code training.workers} itself (then it wins over the cores default). */
    private static boolean namesWorkers(Path specFile) {
        try {
            return java.util.regex.Pattern.compile("(?m)(^\\s*workers\\s*:|\"workers\"\\s*:)").matcher(java.nio.file.Files.readString(specFile)).find();
        } catch (java.io.IOException | RuntimeException e) {
            return false; // SpecFiles.load reports an unreadable file with its own message
        }
    }

    /** {@code --spark}: the cluster trainer named "spark", found through ServiceLoader. */
    private int cluster() throws Exception {
        if (!seeds.isEmpty() || initFrom != null || keepCheckpoints != 0) {
            throw new picocli.CommandLine.ParameterException(command.commandLine(),
                    "--spark does not take --seeds, --init-from or --keep-checkpoints (yet)");
        }
        if (localSteps < 1 || partitions < 0) {
            throw new picocli.CommandLine.ParameterException(command.commandLine(), "--local-steps must be >= 1 and --partitions >= 0");
        }
        org.mtl4j.cli.internal.OutputPaths.runDirectory("--out", out);
        List<String> overrides = new ArrayList<>(sets);
        if (seed != null) {
            overrides.add("training.seed=" + seed);
        }
        if (epochs != null) {
            overrides.add("training.epochs=" + epochs);
        }
        org.mtl4j.cli.ClusterTrainer trainer = null;
        for (org.mtl4j.cli.ClusterTrainer t : java.util.ServiceLoader.load(org.mtl4j.cli.ClusterTrainer.class)) {
            if (t.name().equals("spark")) {
                trainer = t;
            }
        }
        if (trainer == null) {
            throw new org.mtl4j.cli.internal.CliException(ExitCodes.USAGE, "--spark: the Spark trainer (module mtl4j-spark) is not on "
                    + "the class path: run ./mtl4j, which adds it for --spark, or spark-submit the mtl4j-spark jar (spark/README.md)");
        }
        return trainer.train(new org.mtl4j.cli.ClusterTrainer.Request(spark, spec, overrides, data, valid, out, resume, checkpointEvery,
                rawLabels, badRows.name(), !noProgress, partitions, localSteps, command.commandLine().getOut(),
                command.commandLine().getErr()));
    }

    /** One run per seed into {@code <out>/seed-<s>}, then the mean +- sd of every task metric. */
    private int multiSeed(Engine engine, Pipeline p, List<String> overrides, int defaultWorkers) throws java.io.IOException {
        var w = command.commandLine().getOut();
        SeedSummary summary = new SeedSummary();
        SpecFiles.Loaded first = null;
        String evaluatedOn = null;
        for (long s : seeds) {
            List<String> o = new ArrayList<>(overrides);
            o.add("training.seed=" + s);
            SpecFiles.Loaded loaded = SpecFiles.load(spec, engine, o);
            first = first == null ? loaded : first;
            org.mtl4j.api.spec.ModelSpec seeded = withWorkers(loaded.spec(), defaultWorkers);
            Pipeline.Data d = p.open(seeded, data, valid);
            Path dir = out.resolve("seed-" + s);
            Pipeline.Outcome r = p.run(seeded, loaded.text(), d, dir);
            evaluatedOn = r.evaluatedOn();
            w.println("seed " + s + ": " + r.history().stopReason() + "; model = " + r.history().modelEpochDescription()
                    + " -> " + dir);
            w.flush();
            summary.add(s, r.evaluation());
        }
        List<String> tasks = first.spec().taskNames();
        w.println("metrics on " + evaluatedOn + " over seeds " + summary.seeds() + " (mean +- sample sd):");
        w.print(summary.table(tasks));
        java.util.Map<String, Object> doc = new java.util.LinkedHashMap<>();
        doc.put("model", first.spec().name());
        doc.put("data", evaluatedOn);
        doc.put("seeds", summary.seeds());
        doc.put("metrics", summary.document(tasks));
        RunFiles.writeJson(out.resolve("seeds.json"), doc);
        w.println("wrote " + out.resolve("seeds.json") + " and one run directory per seed");
        w.flush();
        return ExitCodes.OK;
    }

    /** The saved model can seed this spec: a backend that can, the same backend, inputs, tasks and topology. */
    private void checkInitFrom(org.mtl4j.api.spec.ModelSpec s, org.mtl4j.api.backend.TrainedModel previous, Engine engine) {
        if (!engine.runtime().backend(s.backend()).supports(org.mtl4j.api.backend.Capability.CONTINUAL_TRAINING)) {
            throw new org.mtl4j.cli.internal.CliException(ExitCodes.USAGE, "--init-from: backend '" + s.backend()
                    + "' cannot start training from a saved model (it lacks CONTINUAL_TRAINING); train from scratch");
        }
        org.mtl4j.api.spec.ModelSpec o = previous.spec();
        List<String> diff = new ArrayList<>();
        if (!o.backend().equals(s.backend())) {
            diff.add("backend (" + o.backend() + " vs " + s.backend() + ")");
        }
        if (!o.inputs().equals(s.inputs())) {
            diff.add("inputs");
        }
        if (!o.taskNames().equals(s.taskNames())
                || !o.tasks().stream().map(t -> t.kind() + " " + t.tower()).toList()
                        .equals(s.tasks().stream().map(t -> t.kind() + " " + t.tower()).toList())) {
            diff.add("tasks (names, kinds or towers)");
        }
        if (!o.topology().equals(s.topology())) {
            diff.add("topology (" + o.topology() + " vs " + s.topology() + ")");
        }
        if (!diff.isEmpty()) {
            throw new org.mtl4j.cli.internal.CliException(ExitCodes.USAGE, "--init-from " + initFrom + ": the saved model '"
                    + o.name() + "' differs from " + spec + " in " + String.join(", ", diff)
                    + "; continual training needs the same inputs, tasks and topology");
        }
    }
}
