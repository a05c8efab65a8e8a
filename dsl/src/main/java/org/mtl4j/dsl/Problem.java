package org.mtl4j.dsl;

/**
 * One thing wrong with a model declaration, printed as {@code ID: path = value (detail)}, e.g.
 * {@code MTL/UnknownTask: tasks[1].chainedAfter = "ctrr" (known: ctr, cvr)}.
 *
 * @param id a stable identifier ({@code MTL/UnknownTask}) tools and tests can match on
 * @param path where in the spec ({@code tasks[1].chainedAfter})
 * @param value the value found, as written in messages (strings quoted, ids and numbers bare)
 * @param detail why it is wrong, or what would be right
 */
public record Problem(String id, String path, String value, String detail) {

    /** {@code "text"} with quotes, or {@code null}. */
    public static String quote(String s) {
        return s == null ? "null" : '"' + s + '"';
    }

    @Override
    public String toString() {
        return id + ": " + path + " = " + value + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")");
    }
}
