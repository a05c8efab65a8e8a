package org.mtl4j.training;

import org.mtl4j.api.MtlException;

/**
 * A checkpoint that cannot be resumed: corrupt, truncated or not a checkpoint ({@link #mismatch()}
 * false: a data error), or written by a run with other tasks, balancers or clippers than this one
 * ({@link #mismatch()} true: the spec differs). The message names the file.
 */
public class CheckpointException extends MtlException {
    private static final long serialVersionUID = 1L;
    private final boolean mismatch;

    public CheckpointException(String message, boolean mismatch, Throwable cause) {
        super(message, cause);
        this.mismatch = mismatch;
    }

    /** True when the checkpoint is sound but belongs to a run with another spec. */
    public boolean mismatch() {
        return mismatch;
    }
}
