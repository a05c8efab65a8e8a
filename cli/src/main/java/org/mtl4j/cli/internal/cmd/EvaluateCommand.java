package org.mtl4j.cli.internal.cmd;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mtl4j.api.backend.TrainedModel;
import org.mtl4j.api.metric.Evaluation;
import org.mtl4j.cli.ExitCodes;
import org.mtl4j.cli.internal.DataFiles;
import org.mtl4j.cli.internal.Engine;
import org.mtl4j.cli.internal.Pipeline;
import org.mtl4j.cli.internal.RunFiles;
import org.mtl4j.data.CsvDataset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code mtl4j evaluate}: per-task metrics of a saved model on labelled data. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Evaluate a saved model on labelled data: per-task metrics and mean loss.")
public final class EvaluateCommand implements Callable<Integer> {
    @Spec
    CommandSpec command;

    @Option(names = "--model", required = true, paramLabel = "model.mtl", description = "A model saved by train.")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "test.csv", description = "Labelled data (CSV; TSV for .tsv).")
    Path data;

    @Option(names = "--json", description = "Print the metrics as JSON (the metrics.json format) instead of a table.")
    boolean json;

    @Option(names = "--bad-rows", paramLabel = "fail|skip", defaultValue = "fail", description = "fail (default) or skip malformed rows.")
    DataFiles.BadRows badRows;

    @Override
    public Integer call() throws Exception {
        Engine engine = Engine.create();
        try (TrainedModel m = engine.load(model)) {
            CsvDataset ds = DataFiles.open("evaluation data", data, m.spec(), m.vocabularies(), java.util.Map.of(), badRows);
            Evaluation e = engine.evaluate(m, ds);
            var w = command.commandLine().getOut();
            if (json) {
                w.print(RunFiles.json(RunFiles.metricsDocument(m.spec().name(), ds.description(), e, null)));
            } else {
                w.println("metrics of " + model + " on " + ds.description() + ":");
                w.print(Pipeline.metricTable(e, m.spec().taskNames()));
            }
            if (!ds.skippedRows().isEmpty()) {
                command.commandLine().getErr().println("skipped rows: " + ds.skippedRows());
            }
            w.flush();
        }
        return ExitCodes.OK;
    }
}
