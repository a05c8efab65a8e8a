package org.mtl4j.spi.io.internal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed JSON/YAML value that remembers the line it started on, so that the binder can report
 * errors at the right place (Jackson's own tree forgets locations).
 */
public abstract class Node {
    private final int line;

    Node(int line) {
        this.line = line;
    }

    /** 1-based line of the token that started this value (0 when unknown). */
    public int line() {
        return line;
    }

    /** Records the line of this value and of everything below it, keyed by path ({@code tasks[1].label}). */
    public void collectLines(String path, java.util.Map<String, Integer> out) {
        if (!path.isEmpty()) {
            out.putIfAbsent(path, line);
        }
        if (this instanceof Obj) {
            Obj o = (Obj) this;
            o.fields().forEach((k, v) -> {
                String p = path.isEmpty() ? k : path + "." + k;
                out.put(p, o.keyLine(k));
                v.collectLines(p, out);
            });
        } else if (this instanceof Arr) {
            java.util.List<Node> items = ((Arr) this).items();
            for (int i = 0; i < items.size(); i++) {
                items.get(i).collectLines(path + "[" + i + "]", out);
            }
        }
    }

    /** How this value is named in error messages: "a list", "an object", or the quoted scalar. */
    public abstract String describe();

    /** An object: fields in document order, each with the line of its key. */
    public static final class Obj extends Node {
        private final Map<String, Node> fields = new LinkedHashMap<>();
        private final Map<String, Integer> keyLines = new LinkedHashMap<>();

        Obj(int line) {
            super(line);
        }

        /** Returns false if the key was already there. */
        boolean put(String key, int keyLine, Node value) {
            if (fields.containsKey(key)) {
                return false;
            }
            fields.put(key, value);
            keyLines.put(key, keyLine);
            return true;
        }

        public Map<String, Node> fields() {
            return Collections.unmodifiableMap(fields);
        }

        public int keyLine(String key) {
            Integer l = keyLines.get(key);
            return l == null ? line() : l;
        }

        @Override
        public String describe() {
            return "an object";
        }
    }

    /** A list. */
    public static final class Arr extends Node {
        private final List<Node> items;

        Arr(int line, List<Node> items) {
            super(line);
            this.items = List.copyOf(items);
        }

        public List<Node> items() {
            return items;
        }

        @Override
        public String describe() {
            return "a list";
        }
    }

    /** A string, number, boolean or null. */
    public static final class Scalar extends Node {
        /** What the token was. */
        public enum Type { STRING, INTEGER, DECIMAL, BOOLEAN, NULL }

        private final Type type;
        private final String text;

        Scalar(int line, Type type, String text) {
            super(line);
            this.type = type;
            this.text = text;
        }

        public Type type() {
            return type;
        }

        public String text() {
            return text;
        }

        public boolean isNull() {
            return type == Type.NULL;
        }

        @Override
        public String describe() {
            return type == Type.STRING ? '"' + text + '"' : text;
        }
    }
}
