package org.mtl4j.cli.internal.cmd;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mtl4j.api.backend.TrainedModel;
import org.mtl4j.cli.ExitCodes;
import org.mtl4j.cli.internal.CliException;
import org.mtl4j.cli.internal.Engine;
import org.mtl4j.onnx.OnnxExport;
import org.mtl4j.onnx.OnnxExportException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code mtl4j export}: a saved model as an ONNX graph plus its vocabulary side file. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Export a saved model to ONNX (opset 13, dynamic batch axis, one output per task).",
            "Writes <out> and, next to it, <out without .onnx>.inputs.json: every input's tensor layout and vocabulary."})
public final class ExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec command;

    @Option(names = "--model", required = true, paramLabel = "model.mtl", description = "A model saved by train.")
    Path model;

    @Option(names = "--format", defaultValue = "onnx", paramLabel = "onnx", description = "Export format (only: onnx).")
    String format;

    @Option(names = "--out", required = true, paramLabel = "m.onnx", description = "The file to write.")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (!"onnx".equalsIgnoreCase(format)) {
            throw new CliException(ExitCodes.USAGE, "--format = \"" + format + "\" is not supported (supported: onnx)");
        }
        Engine engine = Engine.create();
        PrintWriter w = command.commandLine().getOut();
        try (TrainedModel m = engine.load(model)) {
            OnnxExport.Result r;
            try {
                r = OnnxExport.export(m, out);
            } catch (OnnxExportException e) {
                throw new CliException(ExitCodes.USAGE, model + ": " + e.getMessage(), e);
            }
            w.println("wrote " + r.onnx() + " (" + r.bytes() + " bytes, opset 13)");
            w.println("wrote " + r.sideFile() + " (input layouts and vocabularies)");
            w.println("inputs:  " + String.join(", ", r.inputs()));
            w.println("outputs: " + String.join(", ", r.outputs()));
        }
        w.flush();
        return ExitCodes.OK;
    }
}
