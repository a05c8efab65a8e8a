package org.mtl4j.spi.io;

import org.mtl4j.api.MtlException;

/**
 * A spec, vocabulary or provenance text that cannot be read: bad syntax, an unknown field, a value of
 * the wrong type, or a value a record rejects. The message reads
 * {@code model.yaml: line 12: tasks[1].lable: unknown field "lable" (known: ...)}.
 */
public class SpecFormatException extends MtlException {
    private static final long serialVersionUID = 1L;
    private final String source;
    private final int line;
    private final String path;
    private final String detail;

    public SpecFormatException(String source, int line, String path, String detail) {
        super(format(source, line, path, detail));
        this.source = source;
        this.line = line;
        this.path = path;
        this.detail = detail;
    }

    private static String format(String source, int line, String path, String detail) {
        StringBuilder sb = new StringBuilder(source);
        if (line > 0) {
            sb.append(": line ").append(line);
        }
        if (path != null && !path.isEmpty()) {
            sb.append(": ").append(path);
        }
        return sb.append(": ").append(detail).toString();
    }

    /** The file or resource name the text came from. */
    public String source() {
        return source;
    }

    /** 1-based line of the offending token, or 0 when unknown. */
    public int line() {
        return line;
    }

    /** Path of the offending field ({@code tasks[1].numClasses}); empty for the document itself. */
    public String path() {
        return path;
    }

    /** The problem without source, line and path. */
    public String detail() {
        return detail;
    }
}
