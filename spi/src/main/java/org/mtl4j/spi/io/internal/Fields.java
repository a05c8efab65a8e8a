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
 * Creating one rejects unknown fields; every getter rejects a value of the wrong type.
 */
public final class Fields {
    private final String source;
    private final Node.Obj node;
    private final String path;

    private Fields(String source, Node.Obj node, String path) {
        this.source = source;
        this.node = node;
        this.path = path;
    }

    /** Fields of {@code n} at {@code path}, which must be an object whose keys are all in {@code known}. */
    public static Fields of(String source, Node n, String path, String... known) {
        if (!(n instanceof Node.Obj)) {
            throw new SpecFormatException(source, n.line(), path, "expected an object, found " + n.describe());
        }
        Node.Obj obj = (Node.Obj) n;
        List<String> allowed = Arrays.asList(known);
        for (String key : obj.fields().keySet()) {
            if (!allowed.contains(key)) {
                throw new SpecFormatException(source, obj.keyLine(key), join(path, key),
                        "unknown field \"" + key + "\" (known: " + String.join(", ", new TreeSet<>(allowed)) + ")");
            }
        }
        return new Fields(source, obj, path);
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
        return n == null ? null : Scalars.string(source, n, pathOf(key));
    }

    public String requiredString(String key) {
        String s = string(key);
        if (s == null) {
            throw missing(key);
        }
        return s;
    }

    public int integer(String key, int defaultValue) {
        Node n = node(key);
        return n == null ? defaultValue : Scalars.integer(source, n, pathOf(key));
    }

    public int requiredInteger(String key) {
        Node n = node(key);
        if (n == null) {
            throw missing(key);
        }
        return Scalars.integer(source, n, pathOf(key));
    }

    public long longValue(String key, long defaultValue) {
        Node n = node(key);
        return n == null ? defaultValue : Scalars.longValue(source, n, pathOf(key));
    }

    public double decimal(String key, double defaultValue) {
        Node n = node(key);
        return n == null ? defaultValue : Scalars.decimal(source, n, pathOf(key));
    }

    public boolean bool(String key, boolean defaultValue) {
        Node n = node(key);
        return n == null ? defaultValue : Scalars.bool(source, n, pathOf(key));
    }

    public <E extends Enum<E>> E enumValue(String key, Class<E> type, E defaultValue) {
        Node n = node(key);
        if (n == null) {
            return defaultValue;
        }
        String id = Scalars.string(source, n, pathOf(key));
        E e = Ids.parse(type, id);
        if (e == null) {
            throw new SpecFormatException(source, n.line(), pathOf(key),
                    "unknown value \"" + id + "\" (known: " + String.join(", ", Ids.all(type)) + ")");
        }
        return e;
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
            throw new SpecFormatException(source, n.line(), pathOf(key), "expected a list, found " + n.describe());
        }
        List<T> out = new ArrayList<>();
        List<Node> items = ((Node.Arr) n).items();
        for (int i = 0; i < items.size(); i++) {
            out.add(read.apply(items.get(i), pathOf(key) + "[" + i + "]"));
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
            throw new SpecFormatException(source, n.line(), pathOf(key), "expected an object, found " + n.describe());
        }
        Map<String, T> out = new LinkedHashMap<>();
        ((Node.Obj) n).fields().forEach((k, v) -> out.put(k, read.apply(v, pathOf(key) + "." + k)));
        return out;
    }

    /** A nested value read by {@code read}, or null when absent. */
    public <T> T nested(String key, BiFunction<Node, String, T> read) {
        Node n = node(key);
        return n == null ? null : read.apply(n, pathOf(key));
    }

    /**
     * Runs a record constructor; the {@link IllegalArgumentException} a compact constructor throws
     * becomes an error at this object's line and path.
     */
    public <T> T construct(Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (IllegalArgumentException e) {
            throw new SpecFormatException(source, node.line(), path, e.getMessage());
        }
    }

    public SpecFormatException missing(String key) {
        return new SpecFormatException(source, node.line(), pathOf(key), "missing required field");
    }
}
