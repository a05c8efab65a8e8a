package org.mtl4j.training.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.mtl4j.api.MtlException;
import org.mtl4j.training.CheckpointException;

/**
 * A run's checkpoint folder: {@code step-<global step>.ckpt}, {@code epoch-<epoch>.ckpt} and
 * {@code latest.ckpt} (always the newest), each written atomically; keeps the newest
 * {@code keep} files of each kind (those of an earlier, resumed run included) and deletes older ones.
 */
public final class CheckpointStore {
    /** The file name of the newest checkpoint in a folder. */
    public static final String LATEST = "latest.ckpt";
    /** The state before the first step: the good checkpoint of a run whose first steps diverge. */
    public static final String INITIAL = "initial.ckpt";

    private final Path dir;
    private final int keep;
    private final Deque<Path> stepFiles = new ArrayDeque<>();
    private final Deque<Path> epochFiles = new ArrayDeque<>();
    private final GoodCheckpoints good = new GoodCheckpoints();

    /** Opens a folder (it need not exist yet), listing the checkpoints already there, oldest first. */
    public CheckpointStore(Path dir, int keep) {
        this.dir = dir;
        this.keep = keep;
        existing("step-", stepFiles);
        existing("epoch-", epochFiles);
    }

    /** Writes {@code initial.ckpt} (never pruned) and {@code latest.ckpt}: the state before the first step. */
    public void writeInitial(Checkpoint c) {
        write(c, INITIAL, new ArrayDeque<>());
    }

    /**
     * After a divergence at {@code step}: points {@code latest.ckpt} at the newest checkpoint that was
     * followed by a finite step (see {@link GoodCheckpoints}); a failure is attached to {@code ex}.
     */
    public void keepGood(RuntimeException ex, long step) {
        try {
            good.rewind(dir.resolve(LATEST), step);
        } catch (IOException e) {
            ex.addSuppressed(e);
        }
    }

    /** Writes a step checkpoint and {@code latest.ckpt}, then prunes. */
    public void writeStep(Checkpoint c, long globalStep) {
        write(c, "step-" + globalStep + ".ckpt", stepFiles);
    }

    /** Writes an epoch checkpoint and {@code latest.ckpt}, then prunes. */
    public void writeEpoch(Checkpoint c, int epoch) {
        write(c, "epoch-" + (epoch + 1) + ".ckpt", epochFiles); // numbered from 1, as the logs do
    }

    private void write(Checkpoint c, String name, Deque<Path> kept) {
        Path file = dir.resolve(name);
        try {
            c.write(file, dir.resolve(LATEST));
            good.written(file, c.globalStep());
            kept.remove(file);
            kept.addLast(file);
            while (kept.size() > keep) {
                Files.deleteIfExists(kept.removeFirst());
            }
        } catch (IOException ex) {
            throw new MtlException("could not write checkpoint " + file + ": " + ex, ex);
        }
    }

    /** Reads a checkpoint file, or a folder's {@code latest.ckpt}, for the given tasks. */
    public static Checkpoint read(Path fileOrDir, List<String> tasks) {
        Path file = Files.isDirectory(fileOrDir) ? fileOrDir.resolve(LATEST) : fileOrDir;
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException("resume checkpoint " + file + " does not exist", false, null);
        }
        Checkpoint c;
        try {
            c = Checkpoint.read(file);
        } catch (IOException e) {
            throw new MtlException("could not read checkpoint " + file + ": " + e, e);
        }
        if (!c.tasks().equals(tasks)) {
            throw new CheckpointException("checkpoint " + file + " was written for tasks " + c.tasks() + ", the model has " + tasks
                    + ": resume with the spec the run started with", true, null);
        }
        return c;
    }

    /** The file {@link #read} reads for {@code fileOrDir}. */
    public static Path file(Path fileOrDir) {
        return Files.isDirectory(fileOrDir) ? fileOrDir.resolve(LATEST) : fileOrDir;
    }

    private void existing(String prefix, Deque<Path> kept) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        Pattern name = Pattern.compile(Pattern.quote(prefix) + "\\d+\\.ckpt");
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(p -> name.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparingLong(p -> Long.parseLong(
                            p.getFileName().toString().substring(prefix.length()).replace(".ckpt", ""))))
                    .forEach(kept::addLast);
        } catch (IOException e) {
            throw new MtlException("could not list checkpoint folder " + dir + ": " + e, e);
        }
    }
}
