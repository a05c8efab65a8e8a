package org.mtl4j.cli.internal.cmd;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mtl4j.cli.ExitCodes;
import org.mtl4j.cli.internal.DataFiles;
import org.mtl4j.cli.internal.Engine;
import org.mtl4j.cli.internal.Pipeline;
import org.mtl4j.cli.internal.RunFiles;
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

    @Option(names = "--bad-rows", paramLabel = "fail|skip", defaultValue = "fail",
            description = "What a malformed row does: fail (default) or skip (skipped rows are counted and reported).")
    DataFiles.BadRows badRows;

    @Option(names = "--no-progress", description = "No progress bar.")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        if (checkpointEvery < 0) {
            throw new picocli.CommandLine.ParameterException(command.commandLine(),
                    "--checkpoint-every must be >= 0, found " + checkpointEvery);
        }
        Engine engine = Engine.create();
        SpecFiles.Loaded loaded = SpecFiles.load(spec, engine);
        Pipeline p = new Pipeline(engine, command.commandLine().getOut(), command.commandLine().getErr())
                .progress(!noProgress).checkpointEvery(checkpointEvery).resume(resume).badRows(badRows);
        Pipeline.Data d = p.open(loaded.spec(), data, valid);
        Pipeline.Outcome o = p.run(loaded.spec(), loaded.text(), d, out);
        var w = command.commandLine().getOut();
        w.println("trained " + loaded.spec().name() + " (" + loaded.spec().topology().id() + ", " + loaded.spec().backend()
                + "): " + o.history().stopReason() + "; model = " + o.history().modelEpochDescription());
        w.println("metrics on " + o.evaluatedOn() + ":");
        w.print(Pipeline.metricTable(o.evaluation(), loaded.spec().taskNames()));
        w.println("wrote " + out.resolve(RunFiles.MODEL) + ", " + RunFiles.METRICS + ", " + RunFiles.HISTORY + ", " + RunFiles.REPORT);
        w.flush();
        return ExitCodes.OK;
    }
}
