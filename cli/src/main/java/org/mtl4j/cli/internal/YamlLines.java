package org.mtl4j.cli.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The line of every field and list element of a YAML (or JSON) document, keyed by the path the DSL
 * uses in its problems ({@code tasks[1].chainedAfter}), so that a validation problem found on the
 * spec record can be reported at the line of the file it came from.
 */
public final class YamlLines {
    private final Map<String, Integer> lines;

    private YamlLines(Map<String, Integer> lines) {
        this.lines = lines;
    }

    /** Indexes the document; a document that does not parse yields an empty index (its error is reported elsewhere). */
    public static YamlLines index(String text) {
        Map<String, Integer> m = new HashMap<>();
        try (JsonParser p = new YAMLFactory().createParser(text)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    continue;
                }
                String path = path(p.getParsingContext().pathAsPointer());
                if (!path.isEmpty()) {
                    m.putIfAbsent(path, p.currentTokenLocation().getLineNr());
                }
            }
        } catch (IOException e) {
            return new YamlLines(Map.of());
        }
        return new YamlLines(m);
    }

    /**
     * The line of {@code path}, or of its closest ancestor that has one ({@code tasks[1].tower[0]}
     * falls back to {@code tasks[1].tower}, then {@code tasks[1]}); 0 when nothing matches.
     */
    public int lineOf(String path) {
        String p = path == null ? "" : path.trim();
        while (!p.isEmpty()) {
            Integer l = lines.get(p);
            if (l != null) {
                return l;
            }
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            p = cut <= 0 ? "" : p.substring(0, cut);
        }
        return 0;
    }

    static String path(JsonPointer ptr) {
        StringBuilder b = new StringBuilder();
        for (JsonPointer q = ptr; q != null && !q.matches(); q = q.tail()) {
            if (q.mayMatchElement() && q.getMatchingProperty().chars().allMatch(Character::isDigit)) {
                b.append('[').append(q.getMatchingIndex()).append(']');
            } else {
                if (b.length() > 0) {
                    b.append('.');
                }
                b.append(q.getMatchingProperty());
            }
        }
        return b.toString();
    }
}
