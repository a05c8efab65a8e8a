package org.mtl4j.cli.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.mtl4j.cli.ExitCodes;

/**
 * Checks of {@code --out} made before any work: {@code --out ""} once trained into the current
 * directory, {@code --out} naming a file or {@code /proc/x} failed with a bare path, and
 * {@code predict --out DIR} failed after scoring every row, naming an internal temporary file.
 */
public final class OutputPaths {
    private OutputPaths() {
    }

    /** A run directory: created if missing; must be a writable directory. */
    public static Path runDirectory(String option, Path out) {
        requireNamed(option, out);
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new CliException(ExitCodes.USAGE, option + " " + out + " is a file, not a directory: name a directory for "
                    + "the run");
        }
        // prove the directory can be made, then take back what was made: a later spec or data error leaves nothing
        Path top = out.toAbsolutePath().normalize();
        Path firstMissing = null;
        for (Path p = top; p != null && !Files.exists(p); p = p.getParent()) {
            firstMissing = p;
        }
        try {
            Files.createDirectories(out);
        } catch (IOException | SecurityException e) {
            throw new CliException(ExitCodes.USAGE, option + " " + out + ": cannot create the directory (" + reason(e) + ")", e);
        }
        boolean writable = Files.isWritable(out);
        if (firstMissing != null) {
            try {
                for (Path p = top; p != null && p.startsWith(firstMissing); p = p.getParent()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                // something else wrote into it meanwhile: leave it
            }
        }
        if (!writable) {
            throw new CliException(ExitCodes.USAGE, option + " " + out + ": the directory is not writable");
        }
        return out;
    }

    /** An output file: not a directory, in a directory that exists (or can be made) and is writable. */
    public static Path outputFile(String option, Path out) {
        requireNamed(option, out);
        if (Files.isDirectory(out)) {
            throw new CliException(ExitCodes.USAGE, option + " " + out + " is a directory: name a file, e.g. "
                    + out.resolve("scores.csv"));
        }
        Path parent = out.toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException | SecurityException e) {
            throw new CliException(ExitCodes.USAGE, option + " " + out + ": cannot create its directory " + parent + " ("
                    + reason(e) + ")", e);
        }
        if (!Files.isWritable(parent)) {
            throw new CliException(ExitCodes.USAGE, option + " " + out + ": its directory " + parent + " is not writable");
        }
        return out;
    }

    private static void requireNamed(String option, Path out) {
        if (out == null || out.toString().isBlank()) {
            throw new CliException(ExitCodes.USAGE, option + " is empty: name a path");
        }
    }

    private static String reason(Exception e) {
        String m = e.getMessage();
        String simple = e.getClass().getSimpleName().replace("Exception", "");
        return m == null ? simple : simple + ": " + m;
    }
}
