package org.mtl4j.spi.io;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mtl4j.api.spec.ModelSpec;

/**
 * A spec read from a file together with the line of every field, so that problems found later (by
 * the validator, which knows only paths such as {@code tasks[1].chainedAfter}) can be reported as
 * {@code model.yaml: line 12: MTL/UnknownTask: tasks[1].chainedAfter = "ctrr" (known: ctr)}.
 *
 * @param lines the line of each path in the document ({@code name}, {@code tasks[1]},
 *     {@code tasks[1].chainedAfter}, {@code clipping[0]} ...)
 */
public record LocatedSpec(ModelSpec spec, String source, Map<String, Integer> lines) {
    public LocatedSpec {
        lines = Collections.unmodifiableMap(new LinkedHashMap<>(lines));
    }

    /**
     * The line of {@code path}, or of its nearest enclosing field when the path itself is not in the
     * document (a default, or a path a validator made up); 0 when nothing encloses it.
     */
    public int lineOf(String path) {
        String p = path;
        while (!p.isEmpty()) {
            Integer l = lines.get(p);
            if (l != null) {
                return l;
            }
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            p = cut < 0 ? "" : p.substring(0, cut);
        }
        return 0;
    }

    /** {@code source: line N: message}, or {@code source: message} when the line is unknown. */
    public String at(String path, String message) {
        int l = lineOf(path);
        return source + (l > 0 ? ": line " + l : "") + ": " + message;
    }
}
