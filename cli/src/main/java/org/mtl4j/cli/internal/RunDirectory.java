package org.mtl4j.cli.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.mtl4j.cli.ExitCodes;
import org.mtl4j.training.internal.Checkpoint;

/**
 * What a run directory holds between runs: temporary files an interrupted run left behind
 * (removed), the checkpoint to resume from when {@code latest.ckpt} is missing (a disk filled up
 * between writing {@code epoch-0.ckpt} and {@code latest.ckpt}), and the fingerprint of the data the
 * run started on ({@value #FINGERPRINT} in the checkpoint folder: size and CRC-32C of each file), so
 * that {@code --resume} on changed data fails naming the file instead of with a parameter count,
 * and resuming on reordered rows is not accepted silently.
 */
public final class RunDirectory {
    public static final String FINGERPRINT = "data-fingerprint.json";
    private static final List<String> OUTPUTS = List.of(RunFiles.MODEL, RunFiles.METRICS, RunFiles.HISTORY, RunFiles.REPORT);

    private RunDirectory() {
    }

    /** Deletes the temporary files of interrupted writes in {@code dir} and its checkpoint folder; returns how many. */
    public static int removeOrphans(Path dir, PrintWriter err) throws IOException {
        int n = 0;
        n += delete(dir, name -> OUTPUTS.stream().anyMatch(o -> name.startsWith("." + o)) && name.endsWith(".tmp"));
        n += delete(dir.resolve(RunFiles.CHECKPOINTS), name -> name.startsWith(".checkpoint-") && name.endsWith(".tmp"));
        if (n > 0) {
            err.println("removed " + n + " temporary file" + (n == 1 ? "" : "s") + " left by an interrupted run in " + dir);
        }
        return n;
    }

    private static int delete(Path dir, java.util.function.Predicate<String> match) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        List<Path> doomed;
        try (Stream<Path> s = Files.list(dir)) {
            doomed = s.filter(p -> Files.isRegularFile(p) && match.test(p.getFileName().toString())).toList();
        }
        for (Path p : doomed) {
            Files.deleteIfExists(p);
        }
        return doomed.size();
    }

    /** True when the checkpoint folder holds at least one checkpoint ({@code *.ckpt}). */
    public static boolean hasCheckpoints(Path checkpoints) throws IOException {
        return !checkpoints(checkpoints).isEmpty();
    }

    private static List<Path> checkpoints(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".ckpt")).toList();
        }
    }

    /**
     * The checkpoint to resume from: {@code latest.ckpt}, or else the newest step or epoch checkpoint
     * that reads back whole (newest by modification time); null when there is none.
     */
    public static Path resumable(Path dir, PrintWriter err) throws IOException {
        Path latest = dir.resolve(org.mtl4j.cli.internal.Engine.LATEST_CHECKPOINT);
        if (Files.isRegularFile(latest)) {
            return latest;
        }
        List<Path> all = new ArrayList<>(checkpoints(dir));
        all.sort(Comparator.comparing((Path p) -> {
            try {
                return Files.getLastModifiedTime(p);
            } catch (IOException e) {
                return FileTime.fromMillis(0);
            }
        }).reversed());
        for (Path p : all) {
            try {
                Checkpoint.read(p);
                err.println(latest.getFileName() + " is missing in " + dir + " (an interrupted write?): resuming from "
                        + p.getFileName());
                return p;
            } catch (RuntimeException | IOException e) {
                err.println("skipping checkpoint " + p + ": " + e.getMessage());
            }
        }
        return null;
    }

    /** Size and CRC-32C of each data file, keyed by its role ("training data", "validation data"). */
    public static Map<String, Map<String, String>> fingerprint(Map<String, Path> files) throws IOException {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        for (Map.Entry<String, Path> e : files.entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            CRC32C crc = new CRC32C();
            long size = 0;
            byte[] buf = new byte[1 << 16];
            try (InputStream in = Files.newInputStream(e.getValue())) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    crc.update(buf, 0, n);
                    size += n;
                }
            }
            Map<String, String> f = new LinkedHashMap<>();
            f.put("file", e.getValue().toString());
            f.put("bytes", Long.toString(size));
            f.put("crc32c", Long.toHexString(crc.getValue()));
            out.put(e.getKey(), f);
        }
        return out;
    }

    /** Writes the fingerprint of a new run into its checkpoint folder. */
    public static void writeFingerprint(Path checkpoints, Map<String, Map<String, String>> fp) throws IOException {
        RunFiles.writeJson(checkpoints.resolve(FINGERPRINT), fp);
    }

    /**
     * Compares the data of a resumed run with the fingerprint its start wrote; a difference is a data
     * error (exit 3) naming the file and what changed. A run without a fingerprint (older mtl4j)
     * resumes with a warning.
     */
    public static void checkFingerprint(Path checkpoints, Map<String, Map<String, String>> now, PrintWriter err)
            throws IOException {
        Path f = checkpoints.resolve(FINGERPRINT);
        if (!Files.isRegularFile(f)) {
            err.println("warning: " + checkpoints + " has no " + FINGERPRINT + ": cannot check that the data is the run's");
            return;
        }
        Map<String, Map<String, String>> then;
        try {
            then = RunFiles.JSON.readValue(f.toFile(),
                    new com.fasterxml.jackson.core.type.TypeReference<Map<String, Map<String, String>>>() { });
        } catch (IOException e) {
            throw new CliException(ExitCodes.DATA, "--resume: cannot read " + f + " (" + e.getMessage() + ")", e);
        }
        for (Map.Entry<String, Map<String, String>> e : then.entrySet()) {
            Map<String, String> was = e.getValue();
            Map<String, String> is = now.get(e.getKey());
            if (is == null) {
                throw new CliException(ExitCodes.DATA, "--resume: the run started with " + e.getKey() + " " + was.get("file")
                        + ", this resume has none; resume with the data the run started on");
            }
            if (!was.get("bytes").equals(is.get("bytes")) || !was.get("crc32c").equals(is.get("crc32c"))) {
                String how = was.get("bytes").equals(is.get("bytes"))
                        ? "same size, different content: rows reordered or edited"
                        : "was " + was.get("bytes") + " bytes, now " + is.get("bytes");
                throw new CliException(ExitCodes.DATA, "--resume: " + e.getKey() + " " + is.get("file") + " differs from "
                        + "the file the run started on (" + was.get("file") + "; " + how + "); resume on the same data, "
                        + "or start a new run with another --out");
            }
        }
        for (String role : now.keySet()) {
            if (!then.containsKey(role)) {
                throw new CliException(ExitCodes.DATA, "--resume: this resume has " + role + " " + now.get(role).get("file")
                        + ", the run started without; resume with the data the run started on");
            }
        }
    }
}
