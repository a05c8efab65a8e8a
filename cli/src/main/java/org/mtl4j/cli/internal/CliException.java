package org.mtl4j.cli.internal;

import org.mtl4j.api.MtlException;

/** An error the command reports as its message alone (no stack trace), with the exit code it maps to. */
public class CliException extends MtlException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    public CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
