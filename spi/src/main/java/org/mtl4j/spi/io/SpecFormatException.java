package org.mtl4j.spi.io;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.mtl4j.api.MtlException;

/**
 * A spec, vocabulary or provenance text that cannot be read: bad syntax, an unknown field, a value of
 * the wrong type, or a value a record rejects. One problem reads
 * {@code model.yaml: line 12: tasks[1].lable: unknown field "lable" (known: ...)}; a text with several
 * reports them all in one exception, in line order:
 * <pre>
 * model.yaml: 2 problems:
 *   1) line 4: inputs[1].kind: unknown input kind "multihot" (known: dense, categorical, ...)
 *   2) line 9: topology.expertLayer: unknown field "expertLayer" (known: expertLayers, experts, gateLayers, groups, type)
 * </pre>
 * {@link #problems()} gives each one; {@link #line()}, {@link #path()} and {@link #detail()} are the
 * first one's.
 */
public class SpecFormatException extends MtlException {
    private static final long serialVersionUID = 1L;
    private final String source;
    private final int line;
    private final String path;
    private final String detail;
    private final transient List<SpecFormatException> problems;

    public SpecFormatException(String source, int line, String path, String detail) {
        super(format(source, line, path, detail));
        this.source = source;
        this.line = line;
        this.path = path;
        this.detail = detail;
        this.problems = List.of(this);
    }

    private SpecFormatException(String source, List<SpecFormatException> problems) {
        super(formatAll(source, problems));
        SpecFormatException first = problems.get(0);
        this.source = source;
        this.line = first.line;
        this.path = first.path;
        this.detail = first.detail;
        this.problems = List.copyOf(problems);
    }

    /** One exception for every problem of a text: the problem itself when there is one, else all, by line. */
    public static SpecFormatException of(String source, List<SpecFormatException> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("no problems");
        }
        List<SpecFormatException> flat = new ArrayList<>();
        for (SpecFormatException p : problems) {
            flat.addAll(p.problems());
        }
        if (flat.size() == 1) {
            return flat.get(0);
        }
        flat.sort(Comparator.comparingInt(SpecFormatException::line));
        return new SpecFormatException(source, flat);
    }

    private static String format(String source, int line, String path, String detail) {
        return source + ": " + located(line, path, detail);
    }

    private static String located(int line, String path, String detail) {
        StringBuilder sb = new StringBuilder();
        if (line > 0) {
            sb.append("line ").append(line).append(": ");
        }
        if (path != null && !path.isEmpty()) {
            sb.append(path).append(": ");
        }
        return sb.append(detail).toString();
    }

    private static String formatAll(String source, List<SpecFormatException> problems) {
        StringBuilder sb = new StringBuilder(source).append(": ").append(problems.size()).append(" problems:");
        for (int i = 0; i < problems.size(); i++) {
            SpecFormatException p = problems.get(i);
            sb.append("\n  ").append(i + 1).append(") ").append(located(p.line, p.path, p.detail));
        }
        return sb.toString();
    }

    /** Every problem found (this one alone when there was one). */
    public List<SpecFormatException> problems() {
        return problems == null ? List.of(this) : problems;
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
