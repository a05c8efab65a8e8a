package org.mtl4j.cli.internal.cmd;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mtl4j.api.backend.Predictions;
import org.mtl4j.api.backend.TrainedModel;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.BatchStream;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.TaskKind;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.cli.ExitCodes;
import org.mtl4j.api.internal.AtomicFiles;
import org.mtl4j.cli.internal.CliException;
import org.mtl4j.cli.internal.DataFiles;
import org.mtl4j.cli.internal.Engine;
import org.mtl4j.data.CsvDataset;
import org.mtl4j.data.KeyedBatchStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code mtl4j predict}: scores a CSV with a saved model, streaming batches in file order into a CSV
 * with one column per task output; the output appears only when complete (atomic move).
 */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Score new rows with a saved model.",
            "Writes one column per task output, in the input's row order: binary -> probability, regression -> value,",
            "multiclass -> <task>.p<k> per class, an ESMM-chained task also -> <task>.conditional (e.g. pCVR).",
            "Label columns are not needed; --keep copies id columns in front of the scores.",
            "The output file appears only once complete."})
public final class PredictCommand implements Callable<Integer> {
    private static final int BATCH = 4096;

    @Spec
    CommandSpec command;

    @Option(names = "--model", required = true, paramLabel = "model.mtl", description = "A model saved by train.")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "new.csv", description = "Rows to score (CSV; TSV for .tsv).")
    Path data;

    @Option(names = "--out", required = true, paramLabel = "scores.csv", description = "The scores file.")
    Path out;

    @Option(names = "--auxiliary", description = "Also write auxiliary tasks' outputs (left out by default: not product outputs).")
    boolean auxiliary;

    @Option(names = "--keep", split = ",", paramLabel = "col[,col...]",
            description = "Input columns to copy, as they are, in front of the scores (e.g. user_id,item_id) to join them back.")
    List<String> keep;

    @Option(names = "--bad-rows", paramLabel = "fail|skip", defaultValue = "fail",
            description = "fail (default) or skip malformed rows (no output line; use --keep to join the scores by id).")
    DataFiles.BadRows badRows;

    @Option(names = "--prefix", paramLabel = "pred_", defaultValue = "",
            description = "Put this in front of every output column's name (so --keep can copy label columns of the same name).")
    String prefix;

    @Option(names = "--rename", split = ",", paramLabel = "output=column",
            description = "Name an output column yourself, e.g. rating=rating_hat (overrides --prefix for that column).")
    Map<String, String> rename;

    @Override
    public Integer call() throws Exception {
        org.mtl4j.cli.internal.OutputPaths.outputFile("--out", out);
        Engine engine = Engine.create();
        long rows = 0;
        try (TrainedModel m = engine.load(model)) {
            ModelSpec spec = m.spec();
            // features only: new rows need no label columns
            CsvDataset ds = DataFiles.open("prediction data", data, spec.withTasks(List.of()), m.vocabularies(), Map.of(), badRows);
            List<Column> columns = named(columns(spec, auxiliary), prefix, rename == null ? Map.of() : rename);
            List<String> kept = keep == null ? List.of() : List.copyOf(keep);
            List<String> header = header(kept, columns);
            long[] written = new long[1];
            // open the stream first: a kept column missing from the data fails before any output
            try (BatchStream s = kept.isEmpty() ? ds.batches(BATCH, false, 0L) : ds.batchesKeeping(BATCH, kept)) {
                AtomicFiles.write(out, os -> {
                    BufferedWriter w = new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8), 1 << 16);
                    w.write(String.join(",", header));
                    w.write('\n');
                    StringBuilder line = new StringBuilder(128);
                    while (s.hasNext()) {
                        Batch b = s.next();
                        Predictions p = m.predict(b);
                        List<float[]> outs = new ArrayList<>();
                        for (Column c : columns) {
                            outs.add(p.output(c.output()));
                        }
                        for (int r = 0; r < b.size(); r++) {
                            line.setLength(0);
                            if (!kept.isEmpty()) {
                                for (String cell : ((KeyedBatchStream) s).keys(r)) {
                                    appendCell(line, cell).append(',');
                                }
                            }
                            for (int c = 0; c < columns.size(); c++) {
                                Column col = columns.get(c);
                                if (c > 0) {
                                    line.append(',');
                                }
                                line.append(outs.get(c)[r * col.width() + col.index()]);
                            }
                            w.append(line).append('\n');
                        }
                        written[0] += b.size();
                    }
                    w.flush();
                });
            }
            rows = written[0];
            if (!ds.skippedRows().isEmpty()) {
                command.commandLine().getErr().println("skipped rows (no output line): " + ds.skippedRows());
            }
        }
        command.commandLine().getOut().println("wrote " + rows + " rows to " + out);
        command.commandLine().getOut().flush();
        return ExitCodes.OK;
    }

    /** The kept columns, then the outputs; a kept column named like an output is a usage error. */
    static List<String> header(List<String> kept, List<Column> columns) {
        List<String> header = new ArrayList<>();
        for (String k : kept) {
            if (header.contains(k)) {
                throw new CliException(ExitCodes.USAGE, "--keep names column '" + k + "' twice");
            }
            header.add(k);
        }
        for (Column c : columns) {
            if (header.contains(c.header())) {
                throw new CliException(ExitCodes.USAGE, "--keep column '" + c.header()
                        + "' has the name of an output column of the model; outputs: " + outputNames(columns));
            }
            header.add(c.header());
        }
        return header;
    }

    /** The columns with {@code prefix} in front of their names, or the name {@code rename} gives them. */
    static List<Column> named(List<Column> columns, String prefix, Map<String, String> rename) {
        List<String> outputs = outputNames(columns);
        for (String k : rename.keySet()) {
            if (!outputs.contains(k)) {
                throw new CliException(ExitCodes.USAGE, "--rename " + k + "=" + rename.get(k) + ": the model has no output column '"
                        + k + "'; outputs: " + outputs);
            }
            if (rename.get(k).isBlank()) {
                throw new CliException(ExitCodes.USAGE, "--rename " + k + "=: the new name is empty");
            }
        }
        List<Column> out = new ArrayList<>();
        for (Column c : columns) {
            String name = rename.containsKey(c.header()) ? rename.get(c.header()) : prefix + c.header();
            out.add(new Column(name, c.output(), c.index(), c.width()));
        }
        return out;
    }

    private static List<String> outputNames(List<Column> columns) {
        List<String> names = new ArrayList<>();
        columns.forEach(c -> names.add(c.header()));
        return names;
    }

    /** A CSV cell, quoted (RFC 4180) when it holds a comma, a quote or a line break. */
    static StringBuilder appendCell(StringBuilder line, String cell) {
        if (cell.indexOf(',') < 0 && cell.indexOf('"') < 0 && cell.indexOf('\n') < 0 && cell.indexOf('\r') < 0) {
            return line.append(cell);
        }
        return line.append('"').append(cell.replace("\"", "\"\"")).append('"');
    }

    /** One output column: its header, the prediction output it reads, the index within a row of that output and the output's width. */
    record Column(String header, String output, int index, int width) {
    }

    static List<Column> columns(ModelSpec spec, boolean auxiliary) {
        List<Column> cols = new ArrayList<>();
        for (TaskSpec t : spec.tasks()) {
            if (t.auxiliary() && !auxiliary) {
                continue;
            }
            if (t.kind() == TaskKind.MULTICLASS) {
                for (int k = 0; k < t.numClasses(); k++) {
                    cols.add(new Column(t.name() + ".p" + k, t.name(), k, t.numClasses()));
                }
            } else {
                cols.add(new Column(t.name(), t.name(), 0, 1));
            }
            if (t.chained()) {
                String c = t.name() + TaskSpec.CONDITIONAL_SUFFIX;
                cols.add(new Column(c, c, 0, 1));
            }
        }
        if (cols.isEmpty()) {
            throw new CliException(ExitCodes.USAGE, "model " + spec.name() + " has only auxiliary tasks; pass --auxiliary to write them");
        }
        return cols;
    }
}
