package org.mtl4j.cli.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.mtl4j.cli.ExitCodes;
import org.mtl4j.spi.io.SpecCodec;

/**
 * {@code --set path=value} overrides of any field of a spec file, applied to the document as written
 * before it is read and validated, so an override is checked exactly like the file's own fields.
 *
 * <p>A path is dot-separated field names as in the file ({@code training.seed}); a list element is
 * chosen by index ({@code tasks[1].weight}) or, in a list of named things (tasks, inputs), by its
 * name ({@code tasks.rating.weight}). A missing object on the way is created (the reader then refuses
 * unknown fields). The value is read as YAML: {@code 1}, {@code 0.5}, {@code true}, {@code adam},
 * {@code [64, 32]}, {@code {type: mmoe, experts: 4}}.
 */
public final class SpecOverrides {
    private SpecOverrides() {
    }

    /** The spec text with every override applied (YAML), or {@code text} itself when there is none. */
    public static String apply(String text, String file, List<String> overrides) {
        if (overrides == null || overrides.isEmpty()) {
            return text;
        }
        ObjectMapper yaml = SpecCodec.yamlMapper();
        JsonNode root;
        try {
            root = yaml.readTree(text);
        } catch (JsonProcessingException e) {
            return text; // the reader reports the syntax error with its line
        }
        if (!(root instanceof ObjectNode doc)) {
            return text;
        }
        for (String o : overrides) {
            set(doc, o, yaml);
        }
        try {
            return yaml.writeValueAsString(doc);
        } catch (JsonProcessingException e) {
            throw new CliException(ExitCodes.USAGE, "--set: cannot write the overridden spec " + file + ": " + e.getMessage(), e);
        }
    }

    private static void set(ObjectNode doc, String override, ObjectMapper yaml) {
        int eq = override.indexOf('=');
        if (eq <= 0) {
            throw usage(override, "expected path=value, e.g. training.seed=1");
        }
        String path = override.substring(0, eq).strip();
        String raw = override.substring(eq + 1).strip();
        if (raw.isEmpty()) {
            throw usage(override, "the value is empty");
        }
        JsonNode value;
        try {
            value = yaml.readTree(raw);
        } catch (JsonProcessingException e) {
            throw usage(override, "the value is not valid YAML: " + e.getOriginalMessage());
        }
        List<String> segs = segments(path, override);
        JsonNode cur = doc;
        for (int i = 0; i < segs.size(); i++) {
            String seg = segs.get(i);
            boolean last = i == segs.size() - 1;
            String where = String.join(".", segs.subList(0, i));
            if (cur instanceof ObjectNode obj) {
                if (last) {
                    obj.set(seg, value);
                    return;
                }
                JsonNode next = obj.get(seg);
                if (next == null || next.isNull()) {
                    next = obj.putObject(seg);
                }
                cur = next;
            } else if (cur instanceof ArrayNode arr) {
                int index = index(arr, seg);
                if (index < 0) {
                    throw usage(override, (where.isEmpty() ? "the document" : where) + " has no element " + quote(seg)
                            + " (elements: " + names(arr) + ")");
                }
                if (last) {
                    arr.set(index, value);
                    return;
                }
                cur = arr.get(index);
            } else {
                throw usage(override, where + " is a value (" + cur + "), not an object or a list");
            }
        }
    }

    /** {@code a.b[1].c} -> [a, b, 1, c]. */
    private static List<String> segments(String path, String override) {
        List<String> out = new ArrayList<>();
        for (String part : path.split("\\.", -1)) {
            String p = part;
            int open = p.indexOf('[');
            if (open >= 0) {
                if (!p.endsWith("]")) {
                    throw usage(override, "bad index in " + quote(part));
                }
                String head = p.substring(0, open);
                if (!head.isEmpty()) {
                    out.add(head);
                }
                for (String idx : p.substring(open + 1, p.length() - 1).split("\\]\\[")) {
                    out.add(idx);
                }
                continue;
            }
            if (p.isEmpty()) {
                throw usage(override, "empty field name in " + quote(path));
            }
            out.add(p);
        }
        return out;
    }

    private static int index(ArrayNode arr, String seg) {
        if (seg.chars().allMatch(Character::isDigit) && !seg.isEmpty()) {
            int i = Integer.parseInt(seg);
            return i < arr.size() ? i : -1;
        }
        for (int i = 0; i < arr.size(); i++) {
            JsonNode n = arr.get(i).get("name");
            if (n != null && seg.equals(n.asText())) {
                return i;
            }
        }
        return -1;
    }

    private static String names(ArrayNode arr) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < arr.size(); i++) {
            JsonNode n = arr.get(i).get("name");
            out.add(n == null ? String.valueOf(i) : i + " = " + n.asText());
        }
        return String.join(", ", out);
    }

    private static String quote(String s) {
        return "\"" + s + "\"";
    }

    private static CliException usage(String override, String why) {
        return new CliException(ExitCodes.USAGE, "--set " + override + ": " + why);
    }
}
