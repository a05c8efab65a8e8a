package org.mtl4j.cli.internal;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import org.mtl4j.api.train.TrainingDivergedException;
import org.mtl4j.cli.ExitCodes;
import org.mtl4j.data.DataException;
import org.mtl4j.dsl.SpecValidationException;
import org.mtl4j.spi.io.ModelFileException;
import org.mtl4j.spi.io.SpecFormatException;
import picocli.CommandLine;

/**
 * Maps what a command threw to a message and an exit code: spec problems 2, bad data 3, divergence
 * 4. Known errors print their message only (it names the file, line and value); anything else is a
 * bug and prints its stack trace with exit code 1.
 */
public final class Errors implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        int code = exitCode(ex);
        if (code == ExitCodes.SOFTWARE) {
            err.println("mtl4j " + cmd.getCommandName() + ": internal error: " + ex);
            ex.printStackTrace(err);
        } else {
            err.println("mtl4j " + cmd.getCommandName() + ": " + message(ex));
        }
        err.flush();
        return code;
    }

    /** The exit code for an exception, looking through wrapping exceptions for a known cause. */
    public static int exitCode(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof CommandLine.ParameterException) {
                return ExitCodes.USAGE;
            }
            if (t instanceof CliException c) {
                return c.exitCode();
            }
            if (t instanceof TrainingDivergedException) {
                return ExitCodes.DIVERGED;
            }
            if (t instanceof org.mtl4j.training.CheckpointException c) {
                return c.mismatch() ? ExitCodes.USAGE : ExitCodes.DATA;
            }
            if (t instanceof SpecFormatException || t instanceof SpecValidationException) {
                return ExitCodes.USAGE;
            }
            if (t instanceof DataException || t instanceof ModelFileException || t instanceof NoSuchFileException) {
                return ExitCodes.DATA;
            }
            if (t instanceof UncheckedIOException || t instanceof IOException) {
                return ExitCodes.DATA;
            }
        }
        return ExitCodes.SOFTWARE;
    }

    /** The message of the most specific known error in the chain. */
    public static String message(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof CliException || t instanceof TrainingDivergedException || t instanceof SpecFormatException
                    || t instanceof org.mtl4j.training.CheckpointException
                    || t instanceof SpecValidationException
                    || t instanceof DataException || t instanceof ModelFileException) {
                return t.getMessage();
            }
            if (t instanceof NoSuchFileException n) {
                return "file not found: " + n.getFile();
            }
        }
        return ex.getMessage() == null ? ex.toString() : ex.getMessage();
    }
}
