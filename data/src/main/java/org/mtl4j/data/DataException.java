package org.mtl4j.data;

import java.util.Locale;
import org.mtl4j.api.MtlException;

/**
 * Bad input: the message names the file (or in-memory source), the line, the column and the value
 * found, and the same facts are available as fields.
 */
public class DataException extends MtlException {
    private static final long serialVersionUID = 1L;

    /** Why a row or file was refused; a {@link BadRowPolicy#SKIP_AND_COUNT} dataset counts skips per reason. */
    public enum Reason {
        WRONG_COLUMN_COUNT,
        UNPARSABLE_NUMBER,
        NON_FINITE,
        BAD_BINARY_LABEL,
        CLASS_OUT_OF_RANGE,
        BAD_CELL,
        INVALID_UTF8,
        EMPTY_FILE,
        MISSING_COLUMN,
        DUPLICATE_HEADER,
        /** A task's label column is empty on every row of training data. */
        NO_LABELS,
        IO;

        /** Lower-case id used in counts and logs, e.g. {@code unparsable-number}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** Whether the problem is confined to one row (and may therefore be skipped). */
        public boolean rowLevel() {
            return this != EMPTY_FILE && this != MISSING_COLUMN && this != DUPLICATE_HEADER && this != NO_LABELS && this != IO;
        }
    }

    private final String file;
    private final long line;
    private final String column;
    private final String value;
    private final Reason reason;

    public DataException(Reason reason, String file, long line, String column, String value, String message) {
        super(capped(message));
        this.reason = reason;
        this.file = file;
        this.line = line;
        this.column = column;
        this.value = value;
    }

    public DataException(Reason reason, String file, long line, String column, String value, String message,
            Throwable cause) {
        super(capped(message), cause);
        this.reason = reason;
        this.file = file;
        this.line = line;
        this.column = column;
        this.value = value;
    }

    /**
     * The standard form {@code <file>:<line>: column '<column>': <problem>, found "<value>"}.
     */
    public static DataException cell(Reason reason, String file, long line, String column, String value, String problem) {
        return new DataException(reason, file, line, column, value,
                file + ":" + line + ": column '" + column + "': " + problem + ", found " + quote(value));
    }

    /** The longest message: a 10 MB header line must not be echoed whole into an error. */
    public static final int MAX_MESSAGE = 2000;

    private static String capped(String m) {
        return m == null || m.length() <= MAX_MESSAGE ? m
                : m.substring(0, MAX_MESSAGE - 60) + "... (" + (m.length() - MAX_MESSAGE + 60) + " more characters)";
    }

    /**
     * Names for a message (a header's columns): each shortened to 40 characters, at most 30 of them,
     * then how many more there are.
     */
    public static String names(java.util.List<String> names) {
        StringBuilder b = new StringBuilder();
        int shown = Math.min(30, names.size());
        for (int i = 0; i < shown; i++) {
            String n = names.get(i);
            b.append(i == 0 ? "" : ", ").append(n.length() > 40 ? n.substring(0, 37) + "..." : n);
        }
        if (names.size() > shown) {
            b.append(", ... (").append(names.size() - shown).append(" more)");
        }
        return b.toString();
    }

    /** Quotes a value for a message, shortening it to 80 characters. */
    public static String quote(String v) {
        if (v == null) {
            return "null";
        }
        String s = v.length() > 80 ? v.substring(0, 77) + "..." : v;
        return '"' + s + '"';
    }

    /** The file path (or the name of an in-memory source). */
    public String file() {
        return file;
    }

    /** 1-based line number (the header is line 1); 0 when the whole file is concerned. */
    public long line() {
        return line;
    }

    /** The column name, or null when no single column is concerned. */
    public String column() {
        return column;
    }

    /** The offending value as found (possibly shortened), or null. */
    public String value() {
        return value;
    }

    public Reason reason() {
        return reason;
    }
}
