package org.mtl4j.cli.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.mtl4j.api.backend.TrainableModel;
import org.mtl4j.api.backend.TrainedModel;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.metric.Evaluation;
import org.mtl4j.api.metric.Metric;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.train.TrainingHistory;
import org.mtl4j.api.train.TrainingListener;
import org.mtl4j.cli.ExitCodes;
import org.mtl4j.dsl.Mtl;
import org.mtl4j.dsl.MtlRuntime;
import org.mtl4j.training.Evaluator;
import org.mtl4j.training.TrainingResult;

/**
 * The commands' one door to the runtime: plugin lookup and validation through the DSL's
 * {@link MtlRuntime}, training (with the trainer's checkpoints), evaluation and loading.
 */
public final class Engine {
    /** The checkpoint the trainer keeps pointing at the newest one. */
    public static final String LATEST_CHECKPOINT = "latest.ckpt";

    private final MtlRuntime runtime;

    private Engine(MtlRuntime runtime) {
        this.runtime = runtime;
    }

    /** The runtime with every plugin found on the class path. */
    public static Engine create() {
        return new Engine(Mtl.runtime());
    }

    public MtlRuntime runtime() {
        return runtime;
    }

    /** One validation problem: the field path it concerns (for the line lookup) and its full message. */
    public record SpecProblem(String path, String message) {
    }

    public List<SpecProblem> validate(ModelSpec spec) {
        List<SpecProblem> out = new ArrayList<>();
        runtime.validate(spec).forEach(p -> out.add(new SpecProblem(p.path(), p.toString())));
        return out;
    }

    /** Validates a spec that has no file (demo, derived baselines); problems are a usage error. */
    public void check(ModelSpec spec, String what) {
        List<SpecProblem> problems = validate(spec);
        if (!problems.isEmpty()) {
            StringBuilder b = new StringBuilder("invalid " + what + ":");
            problems.forEach(p -> b.append("\n  ").append(p.message()));
            throw new CliException(ExitCodes.USAGE, b.toString());
        }
    }

    /** What a training run returns. */
    public record Trained(TrainableModel model, TrainingHistory history, Evaluation validation) {
    }

    /**
     * Compiles and trains {@code spec}.
     *
     * @param checkpointDir where checkpoints go (every {@code every} steps and at each epoch end)
     * @param resumeFrom a checkpoint to continue from, or null
     */
    public Trained train(ModelSpec spec, Dataset train, Dataset valid, List<TrainingListener> listeners, Path checkpointDir,
            int every, Path resumeFrom) {
        return train(spec, train, valid, listeners, checkpointDir, every, resumeFrom, null);
    }

    /** {@link #train} with further trainer options ({@code more} may be null). */
    public Trained train(ModelSpec spec, Dataset train, Dataset valid, List<TrainingListener> listeners, Path checkpointDir,
            int every, Path resumeFrom, java.util.function.Consumer<org.mtl4j.training.Trainer.Builder> more) {
        TrainingResult r = runtime.train(spec, train, valid, b -> {
            if (more != null) {
                more.accept(b);
            }
            if (checkpointDir != null) {
                b.checkpoints(checkpointDir, every);
            }
            if (resumeFrom != null) {
                b.resumeFrom(resumeFrom);
            }
        }, listeners.toArray(TrainingListener[]::new));
        return new Trained(r.model(), r.history(), r.validation());
    }

    public Evaluation evaluate(TrainedModel model, Dataset data) {
        return Evaluator.evaluate(model, data, metrics());
    }

    /** Loads a saved model with the backend that wrote it. */
    public TrainedModel load(Path file) throws IOException {
        checkModelFile(file);
        return runtime.load(file);
    }

    /** Fails (exit 3) when {@code file} is missing or is a directory, saying which. */
    public static void checkModelFile(Path file) {
        if (Files.isDirectory(file)) {
            throw new CliException(ExitCodes.DATA, "model file " + file + " is a directory, not an mtl4j model file");
        }
        if (!Files.isRegularFile(file)) {
            throw new CliException(ExitCodes.DATA, "model file not found: " + file);
        }
    }

    /** Metrics by name, plugin metrics included ({@code ndcg@10} style names resolved). */
    public Function<String, Metric> metrics() {
        return runtime::metric;
    }

    /** The newest checkpoint in {@code dir}, or null when there is none. */
    public Path latestCheckpoint(Path dir) {
        Path latest = dir.resolve(LATEST_CHECKPOINT);
        return Files.isRegularFile(latest) ? latest : null;
    }
}
