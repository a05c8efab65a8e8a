package org.mtl4j.serving;

import org.mtl4j.api.MtlException;

/**
 * A scoring request the model cannot answer: the message names the request field (a JSON path such
 * as {@code candidates[3].d0} or {@code tasks[0]}) and the value found. The server answers it with
 * HTTP 400 and these facts as JSON.
 */
public class RequestException extends MtlException {
    private static final long serialVersionUID = 1L;

    /** What kind of problem, as a stable id (also the {@code error} field of the server's answer). */
    public enum Kind {
        MALFORMED_JSON, MISSING_FIELD, MISSING_COLUMN, UNKNOWN_FIELD, DUPLICATE_COLUMN, WRONG_TYPE, BAD_VALUE,
        UNKNOWN_TASK, TOO_MANY_CANDIDATES, NO_CANDIDATES, BODY_TOO_LARGE;

        /** Lower-case id, e.g. {@code missing-column}. */
        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    private final Kind kind;
    private final String field;
    private final String value;

    public RequestException(Kind kind, String field, String value, String message) {
        super(message);
        this.kind = kind;
        this.field = field;
        this.value = value;
    }

    /** {@code <field>: <problem>, found "<value>"}, the form every request error takes. */
    public static RequestException of(Kind kind, String field, String value, String problem) {
        return new RequestException(kind, field, value, field + ": " + problem + ", found " + quote(value));
    }

    static String quote(String v) {
        if (v == null) {
            return "nothing";
        }
        String s = v.length() > 80 ? v.substring(0, 77) + "..." : v;
        return '"' + s + '"';
    }

    public Kind kind() {
        return kind;
    }

    /** The request field, as a JSON path. */
    public String field() {
        return field;
    }

    /** The value found (shortened by the message only), or null when the field was absent. */
    public String value() {
        return value;
    }
}
