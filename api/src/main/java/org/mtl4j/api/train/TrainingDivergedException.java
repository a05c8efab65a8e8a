package org.mtl4j.api.train;

import org.mtl4j.api.MtlException;

/** A loss or gradient became NaN or infinite, or a loss grew far beyond its starting level; names the task and the step. */
public class TrainingDivergedException extends MtlException {
    private static final long serialVersionUID = 1L;
    private final String task;
    private final long step;

    public TrainingDivergedException(String task, long step, String what) {
        super("training diverged at step " + step + ": " + what + " of task '" + task + "' is not finite");
        this.task = task;
        this.step = step;
    }

    /**
     * A divergence that is not a NaN or infinity: {@code training diverged at step N: <reason>}, the
     * reason naming the task and the value found (a loss far above its starting level, say).
     */
    public TrainingDivergedException(String task, long step, String reason, Throwable cause) {
        super("training diverged at step " + step + ": " + reason, cause);
        this.task = task;
        this.step = step;
    }

    public String task() {
        return task;
    }

    public long step() {
        return step;
    }
}
