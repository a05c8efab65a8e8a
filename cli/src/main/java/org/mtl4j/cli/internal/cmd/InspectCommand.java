package org.mtl4j.cli.internal.cmd;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.mtl4j.api.backend.Provenance;
import org.mtl4j.api.backend.TrainedModel;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.cli.ExitCodes;
import org.mtl4j.cli.internal.Engine;
import org.mtl4j.cli.internal.Table;
import org.mtl4j.spi.io.ModelArchive;
import org.mtl4j.spi.io.SpecCodec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code mtl4j inspect}: what a saved model is, where it came from and how big it is. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show a saved model: provenance, parameter counts, vocabulary sizes and its spec (YAML).")
public final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec command;

    @Option(names = "--model", required = true, paramLabel = "model.mtl", description = "A model saved by train.")
    Path model;

    @Override
    public Integer call() throws Exception {
        Engine engine = Engine.create();
        PrintWriter w = command.commandLine().getOut();
        try (TrainedModel m = engine.load(model)) {
            ModelArchive archive = ModelArchive.read(model);
            w.println("model:    " + m.spec().name() + " (" + model + ", format " + archive.formatVersion() + ")");
            w.println("backend:  " + m.backendName());
            w.println("topology: " + org.mtl4j.cli.internal.Pipeline.topology(m.spec()));
            w.println("tasks:    " + String.join(", ", m.spec().taskNames()));
            w.println();
            w.println("provenance:");
            Provenance p = m.provenance();
            if (p == null) {
                w.println("  (none recorded)");
            } else {
                Table t = new Table(2, "field", "value");
                t.row("backend", p.backend() + " " + p.backendVersion());
                t.row("mtl4j version", p.mtl4jVersion());
                t.row("seed", p.seed());
                t.row("training data", p.trainData());
                t.row("validation data", p.validationData());
                t.row("created", p.createdAt());
                new TreeMap<>(p.libraries()).forEach((k, v) -> t.row("library " + k, v));
                new TreeMap<>(p.summary()).forEach((k, v) -> t.row(k, v));
                indent(w, t.toString());
            }
            w.println();
            w.println("parameters:");
            Map<String, Long> counts = new TreeMap<>(m.parameterCounts());
            Table pt = new Table(1, "group", "parameters");
            long total = 0;
            for (Map.Entry<String, Long> e : counts.entrySet()) {
                pt.row(e.getKey(), String.format(java.util.Locale.ROOT, "%,d", e.getValue()));
                total += e.getValue();
            }
            pt.row("total", String.format(java.util.Locale.ROOT, "%,d", total));
            indent(w, pt.toString());
            w.println();
            w.println("vocabularies:");
            if (m.vocabularies().isEmpty()) {
                w.println("  (none: the model has no id inputs)");
            } else {
                Table vt = new Table(2, "input", "kind", "rows");
                new TreeMap<>(m.vocabularies()).forEach((name, v) -> vt.row(name, kind(v), v.size()));
                indent(w, vt.toString());
            }
            w.println();
            w.println("spec:");
            indent(w, SpecCodec.toYaml(m.spec()));
        }
        w.flush();
        return ExitCodes.OK;
    }

    private static String kind(Vocabulary v) {
        return v.hashBuckets() > 0 ? "hashed (" + v.hashBuckets() + " buckets)" : v.tokens().size() + " values";
    }

    private static void indent(PrintWriter w, String text) {
        for (String line : text.split("\n", -1)) {
            if (!line.isEmpty()) {
                w.println("  " + line);
            }
        }
    }
}
