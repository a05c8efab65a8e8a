package org.mtl4j.spark.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.backend.TrainableModel;
import org.mtl4j.api.metric.Evaluation;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.train.TrainingDivergedException;
import org.mtl4j.api.train.TrainingListener;
import org.mtl4j.cli.ClusterTrainer;
import org.mtl4j.cli.ExitCodes;
import org.mtl4j.cli.internal.CliException;
import org.mtl4j.cli.internal.Console;
import org.mtl4j.cli.internal.DataFiles;
import org.mtl4j.cli.internal.Engine;
import org.mtl4j.cli.internal.Pipeline;
import org.mtl4j.cli.internal.RunDirectory;
import org.mtl4j.cli.internal.RunFiles;
import org.mtl4j.cli.internal.SpecFiles;
import org.mtl4j.data.BadRowPolicy;
import org.mtl4j.data.CsvDataset;
import org.mtl4j.spark.SparkRun;
import org.mtl4j.spark.SparkTrainer;
import org.mtl4j.training.ProgressBar;

/**
 * {@code mtl4j train --spark MASTER}: reads the CSV/TSV with Spark (every column a string, as the local
 * reader sees cells), trains with {@link SparkTrainer}, and writes the run directory with the CLI's own
 * code ({@link Pipeline#writeRunFiles}): {@code model.mtl}, {@code metrics.json}, {@code history.json},
 * {@code report.html}, {@code checkpoints/}. The metrics are computed on the driver over {@code --valid}
 * (or the training file), read with the run's vocabularies and statistics, so that file must be
 * readable by the driver.
 */
public final class SparkCommand implements ClusterTrainer {

    @Override
    public String name() {
        return "spark";
    }

    /** A session for {@code master}: local masters bind to loopback without the web UI. */
    static SparkSession session(String master, String app) {
        SparkSession.Builder b = SparkSession.builder().appName(app);
        if (!"submit".equals(master)) {
            b.master(master);
            if (master.startsWith("local")) {
                b.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                        .config("spark.ui.enabled", "false");
            }
        }
        SparkSession s = b.getOrCreate();
        // Spark's INFO lines (every stage and task) would bury the progress and the results
        s.sparkContext().setLogLevel(System.getenv().getOrDefault("MTL4J_SPARK_LOG_LEVEL", "WARN"));
        return s;
    }

    @Override
    public int train(Request r) throws Exception {
        Engine engine = Engine.create();
        SpecFiles.Loaded loaded = SpecFiles.load(r.spec(), engine, r.overrides());
        ModelSpec spec = loaded.spec();
        Path dir = r.out();
        Path checkpoints = dir.resolve(RunFiles.CHECKPOINTS);
        Files.createDirectories(dir);
        RunDirectory.removeOrphans(dir, r.stderr());
        if (r.resume()) {
            if (RunDirectory.resumable(checkpoints, r.stderr()) == null) {
                throw new CliException(ExitCodes.USAGE, "--resume: no checkpoint in " + checkpoints + " (start the run without --resume)");
            }
            r.stderr().println("resuming from " + checkpoints.resolve("latest.ckpt"));
        } else if (RunDirectory.hasCheckpoints(checkpoints)) {
            throw new CliException(ExitCodes.USAGE, dir + " already holds checkpoints of an earlier run (" + checkpoints
                    + "): pass --resume to continue it, or choose another --out");
        }
        BadRowPolicy policy = "skip".equals(r.badRows()) ? BadRowPolicy.SKIP_AND_COUNT : BadRowPolicy.FAIL;
        SparkSession spark = session(r.master(), "mtl4j train " + spec.name());
        try {
            String file = r.data().toString();
            Dataset<Row> df = spark.read().option("header", "true").option("inferSchema", "false")
                    .option("sep", file.endsWith(".tsv") ? "\t" : ",").csv(file);
            List<TrainingListener> listeners = new ArrayList<>();
            if (r.progress()) {
                listeners.add(new ProgressBar(Console.stream(r.stderr()), Console.interactive(), System::nanoTime));
            }
            SparkTrainer.Builder b = SparkTrainer.builder().runtime(engine.runtime()).source(file).badRows(policy)
                    .standardiseLabels(!r.rawLabels()).checkpoints(checkpoints, r.checkpointEvery()).resume(r.resume())
                    .listeners(listeners);
            if (r.partitions() > 0) {
                b.partitions(r.partitions());
            }
            if (r.localSteps() > 1) {
                b.averaging(r.localSteps());
            }
            SparkRun run;
            try {
                run = b.build().fit(spark, spec, df);
            } catch (TrainingDivergedException e) {
                throw new CliException(ExitCodes.DIVERGED, e.getMessage() + "; the last checkpoint is kept in " + checkpoints, e);
            }
            TrainableModel model = run.result().model();
            model.save(dir.resolve(RunFiles.MODEL));
            RunFiles.pruneCheckpoints(checkpoints, 0);
            Path evalFile = r.valid() != null ? r.valid() : r.data();
            if (!Files.isRegularFile(evalFile)) {
                throw new MtlException("the metrics are computed on the driver: " + evalFile + " is not a file the driver can read");
            }
            CsvDataset evalData = DataFiles.open(r.valid() != null ? "validation data" : "training data", evalFile, spec,
                    run.vocabularies(), run.denseStats(), DataFiles.BadRows.valueOf(r.badRows()));
            Evaluation eval = engine.evaluate(model, evalData);
            Pipeline.Outcome o = new Pipeline.Outcome(spec, model, run.result().history(), eval, evalData.description(), dir);
            Pipeline.writeRunFiles(o, loaded.text(), null, null);
            var w = r.stdout();
            w.println("trained " + spec.name() + " (" + spec.topology().id() + ", " + spec.backend() + ") on Spark " + r.master()
                    + ": " + o.history().stopReason() + "; " + run.timings().perStep());
            w.println("metrics on " + o.evaluatedOn() + ":");
            w.print(Pipeline.metricTable(eval, spec.taskNames()));
            w.println("wrote " + dir.resolve(RunFiles.MODEL) + ", " + RunFiles.METRICS + ", " + RunFiles.HISTORY + ", " + RunFiles.REPORT);
            w.flush();
            return ExitCodes.OK;
        } finally {
            if (!"submit".equals(r.master())) {
                spark.stop();
            }
        }
    }
}
