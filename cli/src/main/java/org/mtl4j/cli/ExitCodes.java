package org.mtl4j.cli;

/** The process exit codes of {@code mtl4j}. */
public final class ExitCodes {
    /** Success. */
    public static final int OK = 0;
    /** An unexpected internal error (a bug): the stack trace is printed. */
    public static final int SOFTWARE = 1;
    /** Bad command-line usage, or a spec that cannot be read or does not validate. */
    public static final int USAGE = 2;
    /** Bad input data: a malformed row, a missing column or file, an unreadable model file. */
    public static final int DATA = 3;
    /**
     * Training diverged: a NaN or infinite loss or gradient, a loss far beyond its start, or saturated
     * outputs; the last good checkpoint is kept.
     */
    public static final int DIVERGED = 4;

    private ExitCodes() {
    }
}
