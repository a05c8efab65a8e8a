package org.mtl4j.spi.io.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.mtl4j.spi.io.SpecFormatException;

/**
 * Typed access to the fields of one object node, with errors that carry source, line and path.
 * Creating one reports every unknown field; every getter reports a value of the wrong type.
 *
 * <p>Problems go to the reader's list and reading goes on (a getter then gives its default, a list
 * item or nested value null), so one pass finds every problem of a document. {@link #construct}
 * skips the record when a problem was found inside this object, so one mistake is reported once,
 * not again as a missing value of every enclosing record.
 */
public final class Fields {
    private final String source;
    private final Node.Obj node;
    private final String path;
    private final List<SpecFormatException> problems;
    private final int problemsBefore;

    private Fields(String source, Node.Obj node, String path, List<SpecFormatException> problems, int problemsBefore) {
        this.source = source;
        this.node = node;
        this.path = path;
        this.problems = problems;
        this.problemsBefore = problemsBefore;
    }

    /**
     * Fields of {@code n} at {@code path}, which must be an object (else this throws); each key not in
     * {@code known} is added to {@code problems}.
     */
    public static Fields of(List<SpecFormatException> problems, String source, Node n, String path, String... known) {
        if (!(n instanceof Node.Obj)) {
            throw new SpecFormatException(source, n.line(), path, "expected an object, found " + n.describe());
        }
        Node.Obj obj = (Node.Obj) n;
        int before = problems.size();
        List<String> allowed = Arrays.asList(known);
        for (String key : obj.fields().keySet()) {
            if (!allowed.contains(key)) {
                problems.add(new SpecFormatException(source, obj.keyLine(key), join(path, key),
                        "unknown field \"" + key + "\" (known: " + String.join(", ", new TreeSet<>(allowed)) + ")"));
            }
        }
        return new Fields(source, obj, path, problems, before);
    }

    /** Runs {@code read}; a {@link SpecFormatException} it throws is recorded and {@code fallback} returned. */
    private <T> T attempt(Supplier<T> read, T fallback) {
        try {
            return read.get();
        } catch (SpecFormatException e) {
            problems.add(e);
            return fallback;
        }
    }

    /** Records a missing required field (when absent) and tells whether it is there. */
    public boolean require(String key) {
        if (has(key)) {
            return true;
        }
        problems.add(missing(key));
        return false;
    }

    public static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    public int line() {
        return node.line();
    }

    /** The node of a field, or null when absent or written as null. */
    public Node node(String key) {
        Node n = node.fields().get(key);
        return n instanceof Node.Scalar && ((Node.Scalar) n).isNull() ? null : n;
    }

    public boolean has(String key) {
        return node(key) != null;
    }

    public String pathOf(String key) {
        return join(path, key);
    }

    public String string(String key) {
        Node n = node(key);
        return n == null ? null : attempt(() -> Scalars.string(source, n, pathOf(key)), null);
    }

    public String requiredString(String key) {
        return require(key) ? string(key) : null;
    }

    public int integer(String key, int defaultValue) {
        Node n = node(key);
        return n == null ? defaultValue : attempt(() -> Scalars.integer(source, n, pathOf(key)), defaultValue);
    }

    /** A required integer; when absent or bad the problem is recorded and 0 returned. */
    public int requiredInteger(String key) {
        return require(key) ? integer(key, 0) : 0;
    }

    public long longValue(String key, long defaultValue) {
        Node n = node(key);
        return n == null ? defaultValue : attempt(() -> Scalars.longValue(source, n, pathOf(key)), defaultValue);
    }

    public double decimal(String key, double defaultValue) {
        Node n = node(key);
        return n == null ? defaultValue : attempt(() -> Scalars.decimal(source, n, pathOf(key)), defaultValue);
    }

    public boolean bool(String key, boolean defaultValue) {
        Node n = node(key);
        return n == null ? defaultValue : attempt(() -> Scalars.bool(source, n, pathOf(key)), defaultValue);
    }

    public <E extends Enum<E>> E enumValue(String key, Class<E> type, E defaultValue) {
        Node n = node(key);
        if (n == null) {
            return defaultValue;
        }
        return attempt(() -> {
            String id = Scalars.string(source, n, pathOf(key));
            E e = Ids.parse(type, id);
            if (e == null) {
                throw new SpecFormatException(source, n.line(), pathOf(key),
                        "unknown value \"" + id + "\" (known: " + String.join(", ", Ids.all(type)) + ")");
            }
            return e;
        }, defaultValue);
    }

    public List<String> strings(String key) {
        return list(key, (n, p) -> Scalars.string(source, n, p));
    }

    public List<Integer> integers(String key) {
        return list(key, (n, p) -> Scalars.integer(source, n, p));
    }

    /** A list field read item by item ({@code read} gets each node and its path), or null when absent. */
    public <T> List<T> list(String key, BiFunction<Node, String, T> read) {
        Node n = node(key);
        if (n == null) {
            return null;
        }
        if (!(n instanceof Node.Arr)) {
            problems.add(new SpecFormatException(source, n.line(), pathOf(key), "expected a list, found " + n.describe()));
            return null;
        }
        List<T> out = new ArrayList<>();
        List<Node> items = ((Node.Arr) n).items();
        for (int i = 0; i < items.size(); i++) {
            String p = pathOf(key) + "[" + i + "]";
            Node item = items.get(i);
            out.add(attempt(() -> read.apply(item, p), null));
        }
        return out;
    }

    /** An object field whose values are read by {@code read}, or null when absent. */
    public <T> Map<String, T> map(String key, BiFunction<Node, String, T> read) {
        Node n = node(key);
        if (n == null) {
            return null;
        }
        if (!(n instanceof Node.Obj)) {
            problems.add(new SpecFormatException(source, n.line(), pathOf(key), "expected an object, found " + n.describe()));
            return null;
        }
        Map<String, T> out = new LinkedHashMap<>();
        ((Node.Obj) n).fields().forEach((k, v) -> out.put(k, attempt(() -> read.apply(v, pathOf(key) + "." + k), null)));
        return out;
    }

    /** A nested value read by {@code read}, or null when absent. */
    public <T> T nested(String key, BiFunction<Node, String, T> read) {
        Node n = node(key);
        return n == null ? null : attempt(() -> read.apply(n, pathOf(key)), null);
    }

    /**
     * Runs a record constructor; the {@link IllegalArgumentException} a compact constructor throws
     * becomes a problem at this object's line and path. When a problem was already found inside
     * this object the constructor is not run and the result is null.
     */
    public <T> T construct(Supplier<T> constructor) {
        if (problems.size() > problemsBefore) {
            return null;
        }
        try {
            return constructor.get();
        } catch (IllegalArgumentException e) {
            problems.add(new SpecFormatException(source, node.line(), path, e.getMessage()));
            return null;
        }
    }

    public SpecFormatException missing(String key) {
        return new SpecFormatException(source, node.line(), pathOf(key), "missing required field");
    }
}
