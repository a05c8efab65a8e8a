package org.mtl4j.cli.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.cli.ExitCodes;
import org.mtl4j.spi.io.SpecCodec;
import org.mtl4j.spi.io.SpecFormatException;

/**
 * Reads a spec file (YAML, or JSON for {@code .json}) and validates it as the DSL's {@code build()}
 * does. Every failure is a {@link CliException} with exit code 2 whose message names the file, and
 * for each problem the line it is on.
 */
public final class SpecFiles {
    private SpecFiles() {
    }

    /** A spec with the text it was read from. */
    public record Loaded(Path file, String text, ModelSpec spec) {
    }

    public static Loaded load(Path file, Engine engine) {
        return load(file, engine, List.of());
    }

    /**
     * Reads the spec with {@code --set path=value} overrides applied ({@link SpecOverrides}); the text
     * returned is the overridden document, headed by a comment listing the overrides.
     */
    public static Loaded load(Path file, Engine engine, List<String> overrides) {
        if (Files.isDirectory(file)) {
            throw new CliException(ExitCodes.USAGE, "spec " + file + " is a directory, not a YAML or JSON file");
        }
        if (!Files.isRegularFile(file)) {
            throw new CliException(ExitCodes.USAGE, "spec file not found: " + file);
        }
        String text;
        try {
            long bytes = Files.size(file);
            // checked before reading: a 50 MB quoted string once kept the YAML reader busy for minutes
            if (bytes > 4L * SpecCodec.MAX_YAML_CHARS) {
                throw new CliException(ExitCodes.USAGE, "invalid spec " + file + " (1 problem):\n  " + file + ": the spec is "
                        + bytes + " bytes, more than the " + 4L * SpecCodec.MAX_YAML_CHARS + " a spec file may have");
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot read spec file " + file + ": " + e.getMessage(), e);
        }
        boolean overridden = overrides != null && !overrides.isEmpty();
        String effective = SpecOverrides.apply(text, file.toString(), overrides);
        String source = overridden ? file + " with --set " + String.join(" --set ", overrides) : file.toString();
        ModelSpec spec;
        try {
            spec = !overridden && file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json")
                    ? SpecCodec.fromJson(effective, source)
                    : SpecCodec.fromYaml(effective, source);
        } catch (SpecFormatException e) {
            throw new CliException(ExitCodes.USAGE, "invalid spec " + source + " (1 problem):\n  " + e.getMessage(), e);
        }
        List<Engine.SpecProblem> problems = engine.validate(spec);
        if (!problems.isEmpty()) {
            throw new CliException(ExitCodes.USAGE, describe(overridden ? Path.of(source) : file, text, problems));
        }
        if (overridden) {
            StringBuilder head = new StringBuilder("# " + file + " with overrides:\n");
            overrides.forEach(o -> head.append("#   --set ").append(o).append('\n'));
            return new Loaded(file, head + effective, spec);
        }
        return new Loaded(file, text, spec);
    }

    /** {@code invalid spec F (N problems):} then one line per problem, {@code F: line L: message}. */
    static String describe(Path file, String text, List<Engine.SpecProblem> problems) {
        YamlLines lines = YamlLines.index(text);
        StringBuilder b = new StringBuilder("invalid spec ").append(file).append(" (").append(problems.size())
                .append(problems.size() == 1 ? " problem):" : " problems):");
        for (Engine.SpecProblem p : problems) {
            int line = lines.lineOf(p.path());
            b.append("\n  ").append(file);
            if (line > 0) {
                b.append(": line ").append(line);
            }
            b.append(": ").append(p.message());
        }
        return b.toString();
    }
}
