package org.mtl4j.cli.internal;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.backend.TrainedModel;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.internal.AtomicFiles;
import org.mtl4j.api.metric.Evaluation;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.PluginRef;
import org.mtl4j.api.train.TrainingDivergedException;
import org.mtl4j.api.train.TrainingHistory;
import org.mtl4j.api.train.TrainingListener;
import org.mtl4j.cli.ExitCodes;
import org.mtl4j.cli.internal.report.Report;
import org.mtl4j.data.CsvDataset;
import org.mtl4j.spi.io.SpecCodec;
import org.mtl4j.training.ProgressBar;

/**
 * One training run into a run directory: data, training with checkpoints and a progress bar, the
 * saved model, {@code metrics.json}, {@code history.json} and {@code report.html}. Shared by
 * {@code train}, {@code demo} and {@code compare}.
 */
public final class Pipeline {
    private final Engine engine;
    private final PrintWriter out;
    private final PrintWriter err;
    private boolean progress = true;
    private int checkpointEvery;
    private boolean resume;
    private DataFiles.BadRows badRows = DataFiles.BadRows.fail;
    private int keepCheckpoints;
    private TrainedModel initFrom;
    private boolean initOptimizer;
    private boolean rawLabels;

    public Pipeline(Engine engine, PrintWriter out, PrintWriter err) {
        this.engine = engine;
        this.out = out;
        this.err = err;
    }

    public Pipeline progress(boolean on) {
        this.progress = on;
        return this;
    }

    /** Checkpoint every N steps (0: only at each epoch end). */
    public Pipeline checkpointEvery(int steps) {
        this.checkpointEvery = steps;
        return this;
    }

    public Pipeline resume(boolean r) {
        this.resume = r;
        return this;
    }

    /**
     * How many step and epoch checkpoints of each kind a finished run keeps besides {@code latest.ckpt}
     * (default 0: only {@code latest.ckpt}; while the run goes on, at least the newest 3 are kept).
     */
    public Pipeline keepCheckpoints(int n) {
        this.keepCheckpoints = n;
        return this;
    }

    /**
     * Continual training: start from {@code previous} (its vocabularies grown by the new data's ids,
     * its standardisation kept), with its optimiser state when {@code optimizerState}.
     */
    public Pipeline initFrom(TrainedModel previous, boolean optimizerState) {
        this.initFrom = previous;
        this.initOptimizer = optimizerState;
        return this;
    }

    /** Train regression tasks on their raw labels instead of standardised ones (the default). */
    public Pipeline rawLabels(boolean raw) {
        this.rawLabels = raw;
        return this;
    }

    public Pipeline badRows(DataFiles.BadRows b) {
        this.badRows = b;
        return this;
    }

    /** What a run produced. */
    public record Outcome(ModelSpec spec, TrainedModel model, TrainingHistory history, Evaluation evaluation,
            String evaluatedOn, Path dir) {
    }

    /** Training data and (optional) validation data bound to a spec, vocabularies from the training file. */
    public record Data(CsvDataset train, CsvDataset valid) {
    }

    /** The data files of the last {@link #open}, by role, for the run's fingerprint. */
    private Map<String, Path> files;

    public Data open(ModelSpec spec, Path trainFile, Path validFile) {
        Map<String, Path> f = new java.util.LinkedHashMap<>();
        f.put("training data", trainFile);
        if (validFile != null) {
            f.put("validation data", validFile);
        }
        this.files = f;
        CsvDataset train = DataFiles.open("training data", trainFile, spec, null, null, badRows);
        if (initFrom != null) {
            // old ids keep their rows, ids never seen are appended; dense statistics stay the saved model's
            Map<String, org.mtl4j.api.data.Vocabulary> grown = org.mtl4j.data.Vocabularies.grow(initFrom.vocabularies(),
                    train.vocabularies());
            Map<String, Dataset.DenseStats> stats = initFrom.denseStats().isEmpty() ? null : initFrom.denseStats();
            train = DataFiles.open("training data", trainFile, spec, grown, stats, badRows);
        }
        // a task whose label column is empty on every row fails now (exit 3), before anything is trained
        train.requireLabels();
        CsvDataset valid = validFile == null ? null
                : DataFiles.open("validation data", validFile, spec, train.vocabularies(), train.denseStats(), badRows);
        return new Data(train, valid);
    }

    /**
     * Trains {@code spec} into {@code dir}; returns after every file is written. The caller prints.
     *
     * @param specText the spec as the user wrote it (shown in the report), or null to render it
     */
    public Outcome run(ModelSpec spec, String specText, Data data, Path dir) throws IOException {
        Path checkpoints = dir.resolve(RunFiles.CHECKPOINTS);
        Files.createDirectories(dir);
        RunDirectory.removeOrphans(dir, err);
        Path resumeFrom = null;
        if (resume) {
            resumeFrom = RunDirectory.resumable(checkpoints, err);
            if (resumeFrom == null) {
                throw new CliException(ExitCodes.USAGE, "--resume: no checkpoint in " + checkpoints
                        + " (start the run without --resume)");
            }
            if (files != null) {
                RunDirectory.checkFingerprint(checkpoints, RunDirectory.fingerprint(files), err);
            }
            err.println("resuming from " + resumeFrom);
        } else if (RunDirectory.hasCheckpoints(checkpoints)) {
            throw new CliException(ExitCodes.USAGE, dir + " already holds checkpoints of an earlier run (" + checkpoints
                    + "): pass --resume to continue it, or choose another --out");
        } else if (files != null) {
            Files.createDirectories(checkpoints);
            RunDirectory.writeFingerprint(checkpoints, RunDirectory.fingerprint(files));
        }
        List<TrainingListener> listeners = new ArrayList<>();
        if (progress) {
            listeners.add(new ProgressBar(Console.stream(err), Console.interactive(), System::nanoTime));
        }
        Engine.Trained trained;
        try {
            trained = engine.train(spec, data.train(), data.valid(), listeners, checkpoints, checkpointEvery, resumeFrom,
                    b -> {
                        b.keepCheckpoints(Math.max(3, keepCheckpoints));
                        b.standardiseLabels(!rawLabels);
                        if (initFrom != null) {
                            b.initFrom(initFrom, initOptimizer);
                        }
                    });
        } catch (TrainingDivergedException e) {
            err.flush();
            Path last = engine.latestCheckpoint(checkpoints);
            throw new CliException(ExitCodes.DIVERGED, e.getMessage() + "; "
                    + (last == null ? "no checkpoint had been written yet" : "the last good checkpoint is kept: " + last), e);
        }
        TrainedModel model = trained.model();
        model.save(dir.resolve(RunFiles.MODEL));
        RunFiles.pruneCheckpoints(checkpoints, keepCheckpoints);
        Evaluation eval = trained.validation();
        String on = data.valid() != null ? data.valid().description()
                : "held out " + spec.training().validationFraction() + " of " + data.train().description();
        if (eval == null) {
            Dataset evalData = data.valid() != null ? data.valid() : data.train();
            eval = engine.evaluate(model, evalData);
            on = evalData.description();
        }
        String display = specText == null ? SpecCodec.toYaml(spec) : specText;
        Outcome o = new Outcome(spec, model, trained.history(), eval, on, dir);
        writeRunFiles(o, display, null, null);
        return o;
    }

    /** (Re)writes metrics.json, history.json and report.html of a run, with the MTL gain when given. */
    public static void writeRunFiles(Outcome o, String specText, Evaluation single, Map<String, Map<String, Double>> gain)
            throws IOException {
        RunFiles.writeJson(o.dir().resolve(RunFiles.METRICS), RunFiles.metricsDocument(o.spec().name(), o.evaluatedOn(),
                o.evaluation(), gain, o.history()));
        RunFiles.writeHistory(o.dir().resolve(RunFiles.HISTORY), o.history());
        AtomicFiles.writeString(o.dir().resolve(RunFiles.REPORT), report(o, specText, single, gain).html());
    }

    static Report report(Outcome o, String specText, Evaluation single, Map<String, Map<String, Double>> gain) {
        ModelSpec s = o.spec();
        Report r = new Report(s.name(), o.history())
                .fact("backend", s.backend())
                .fact("topology", topology(s))
                .fact("tasks", String.join(", ", s.taskNames()))
                .fact("loss weighting", s.lossWeighting().name())
                .fact("gradient aggregation", s.gradientAggregation().name())
                .fact("optimizer", s.optimizer().name() + " lr=" + s.optimizer().learningRate())
                .fact("epochs / batch / seed", s.training().epochs() + " / " + s.training().batchSize() + " / " + s.training().seed())
                .fact("epochs run", o.history().epochs().size() + " of " + s.training().epochs())
                .fact("model holds", o.history().modelEpochDescription())
                .fact("evaluated on", o.evaluatedOn())
                .spec(specText)
                .clippers(s.clipping().stream().map(PluginRef::name).toList())
                .evaluation("value", o.evaluation());
        r.sharedParameters(!(s.topology() instanceof org.mtl4j.api.spec.Topology.Independent));
        if (o.model().provenance() != null) {
            r.fact("trained on", o.model().provenance().trainData()).fact("created", o.model().provenance().createdAt());
        }
        if (single != null) {
            r.gain(single, gain);
        }
        return r;
    }

    /**
     * The tasks of an evaluation in spec order, each ESMM conditional output right after its task,
     * then anything else (sorted).
     */
    public static List<String> ordered(Evaluation e, List<String> taskOrder) {
        java.util.Set<String> all = new java.util.TreeSet<>(e.metrics().keySet());
        all.addAll(e.losses().keySet());
        java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
        for (String task : taskOrder) {
            for (String name : List.of(task, task + org.mtl4j.api.spec.TaskSpec.CONDITIONAL_SUFFIX)) {
                if (all.contains(name)) {
                    out.add(name);
                }
            }
        }
        out.addAll(all);
        return List.copyOf(out);
    }

    /** {@code mmoe [experts=4, expertLayers=[64], gateLayers=[]]}: the spec id and its parameters. */
    public static String topology(ModelSpec s) {
        String t = s.topology().toString();
        int open = t.indexOf('[');
        return s.topology().id() + (open < 0 ? "" : " " + t.substring(open));
    }

    /** The per-task metric table printed by train, evaluate and demo. */
    public static String metricTable(Evaluation e, List<String> taskOrder) {
        Table t = new Table(2, "task", "metric", "value", "rows");
        for (String task : ordered(e, taskOrder)) {
            e.metrics().getOrDefault(task, Map.of()).forEach((metric, v) -> t.row(task, metric, Table.num(v), e.rows().get(task)));
            Double loss = e.losses().get(task);
            Double logloss = e.metrics().getOrDefault(task, Map.of()).get("logloss");
            // a binary or multiclass task's loss is its logloss: print it once
            if (loss != null && !(logloss != null && Math.abs(logloss - loss) < 1e-12)) {
                t.row(task, "loss", Table.num(loss), e.rows().get(task));
            }
        }
        return t.toString();
    }
}
