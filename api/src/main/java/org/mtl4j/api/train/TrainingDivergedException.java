package org.mtl4j.api.train;

import org.mtl4j.api.MtlException;

/** A loss or gradient became NaN or infinite; names the task and the step. */
public class TrainingDivergedException extends MtlException {
    private static final long serialVersionUID = 1L;
    private final String task;
    private final long step;

    public TrainingDivergedException(String task, long step, String what) {
        super("training diverged at step " + step + ": " + what + " of task '" + task + "' is not finite");
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
