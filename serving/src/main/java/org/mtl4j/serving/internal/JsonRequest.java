package org.mtl4j.serving.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.mtl4j.serving.RequestException;
import org.mtl4j.serving.RequestException.Kind;

/**
 * A {@code POST /score} body: {@code {"context": {col: value, ...}, "candidates": [{col: value, ...}, ...],
 * "tasks": ["ctr", ...]}} ({@code context} and {@code tasks} optional). Values become the text cells a
 * CSV row would hold: a string as it is, a number as its exact decimal text (no double rounding on
 * the way to a float), a list (for multi-hot and sequence columns only) joined with the column's
 * separator. Anything else is refused naming the field and the value.
 */
public record JsonRequest(Map<String, String> context, List<Map<String, String>> candidates, List<String> tasks) {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    /**
     * Parses a body.
     *
     * @param isColumn whether the model reads a column (other keys are ignored, as extra CSV columns are)
     * @param listSeparator the separator of a list column, null when the column takes no lists
     * @param maxCandidates more candidates than this fail before they are converted
     */
    public static JsonRequest parse(byte[] body, Predicate<String> isColumn, Function<String, String> listSeparator,
            int maxCandidates) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            String text = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8);
            throw RequestException.of(Kind.MALFORMED_JSON, "body", text, "malformed JSON (" + e.getOriginalMessage()
                    + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        } catch (java.io.IOException e) {
            throw RequestException.of(Kind.MALFORMED_JSON, "body", null, "unreadable body: " + e.getMessage());
        }
        if (root == null || root.isMissingNode()) {
            throw RequestException.of(Kind.MALFORMED_JSON, "body", "", "empty body; expected a JSON object");
        }
        if (!root.isObject()) {
            throw RequestException.of(Kind.WRONG_TYPE, "body", shorten(root), "expected a JSON object with \"candidates\"");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!f.equals("context") && !f.equals("candidates") && !f.equals("tasks")) {
                throw RequestException.of(Kind.UNKNOWN_FIELD, f, shorten(root.get(f)),
                        "unknown request field (fields: context, candidates, tasks)");
            }
        }
        Map<String, String> context = Map.of();
        JsonNode ctx = root.get("context");
        if (ctx != null && !ctx.isNull()) {
            if (!ctx.isObject()) {
                throw RequestException.of(Kind.WRONG_TYPE, "context", shorten(ctx), "expected an object of column: value");
            }
            context = cells(ctx, "context", isColumn, listSeparator);
        }
        JsonNode cands = root.get("candidates");
        if (cands == null) {
            throw RequestException.of(Kind.MISSING_FIELD, "candidates", null, "a request needs \"candidates\": [{...}, ...]");
        }
        if (!cands.isArray()) {
            throw RequestException.of(Kind.WRONG_TYPE, "candidates", shorten(cands), "expected an array of objects");
        }
        if (cands.size() > maxCandidates) {
            throw RequestException.of(Kind.TOO_MANY_CANDIDATES, "candidates", cands.size() + " candidates",
                    "at most " + maxCandidates + " candidates per request");
        }
        List<Map<String, String>> candidates = new ArrayList<>(cands.size());
        for (int i = 0; i < cands.size(); i++) {
            JsonNode c = cands.get(i);
            String path = "candidates[" + i + "]";
            if (!c.isObject()) {
                throw RequestException.of(Kind.WRONG_TYPE, path, shorten(c), "expected an object of column: value");
            }
            candidates.add(cells(c, path, isColumn, listSeparator));
        }
        List<String> tasks = null;
        JsonNode t = root.get("tasks");
        if (t != null && !t.isNull()) {
            if (!t.isArray()) {
                throw RequestException.of(Kind.WRONG_TYPE, "tasks", shorten(t), "expected an array of task names");
            }
            tasks = new ArrayList<>();
            for (int i = 0; i < t.size(); i++) {
                if (!t.get(i).isTextual()) {
                    throw RequestException.of(Kind.WRONG_TYPE, "tasks[" + i + "]", shorten(t.get(i)), "expected a task name (a string)");
                }
                tasks.add(t.get(i).asText());
            }
        }
        return new JsonRequest(context, candidates, tasks);
    }

    private static Map<String, String> cells(JsonNode obj, String path, Predicate<String> isColumn,
            Function<String, String> listSeparator) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!isColumn.test(e.getKey())) {
                continue;
            }
            out.put(e.getKey(), cell(e.getValue(), path + "." + e.getKey(), listSeparator.apply(e.getKey())));
        }
        return out;
    }

    private static String cell(JsonNode v, String field, String separator) {
        if (v.isTextual()) {
            return v.asText();
        }
        if (v.isNumber()) {
            return v.isBigDecimal() ? v.decimalValue().toString() : v.asText();
        }
        if (v.isArray()) {
            if (separator == null) {
                throw RequestException.of(Kind.WRONG_TYPE, field, shorten(v),
                        "a list is only accepted for multi-hot and sequence columns; expected a number or a string");
            }
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < v.size(); i++) {
                JsonNode x = v.get(i);
                if (!x.isTextual() && !x.isIntegralNumber()) {
                    throw RequestException.of(Kind.WRONG_TYPE, field + "[" + i + "]", shorten(x), "expected an id (a string or an integer)");
                }
                String s = x.asText();
                if (s.contains(separator)) {
                    throw RequestException.of(Kind.BAD_VALUE, field + "[" + i + "]", s, "an id may not contain the column's separator \""
                            + separator + "\"");
                }
                if (i > 0) {
                    b.append(separator);
                }
                b.append(s);
            }
            return b.toString();
        }
        throw RequestException.of(Kind.WRONG_TYPE, field, shorten(v), "expected a number or a string"
                + (separator == null ? "" : " (or a list of ids)"));
    }

    private static String shorten(JsonNode n) {
        String s = n.toString();
        return s.length() > 200 ? s.substring(0, 197) + "..." : s;
    }
}
