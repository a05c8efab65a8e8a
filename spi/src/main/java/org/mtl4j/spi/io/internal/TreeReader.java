package org.mtl4j.spi.io.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.mtl4j.spi.io.SpecFormatException;

/** Reads one JSON or YAML document into {@link Node}s, keeping each value's line. */
public final class TreeReader {
    private final String source;

    public TreeReader(String source) {
        this.source = source;
    }

    /** Parses the whole text; syntax errors become {@link SpecFormatException}s naming source and line. */
    public Node read(JsonFactory factory, String text) {
        try (JsonParser p = factory.createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new SpecFormatException(source, 1, "", "the document is empty");
            }
            Node root = read(p);
            JsonToken extra = p.nextToken();
            if (extra != null && extra != JsonToken.NOT_AVAILABLE) {
                throw new SpecFormatException(source, line(p.currentTokenLocation()), "",
                        "unexpected content after the end of the document");
            }
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            throw new SpecFormatException(source, loc == null ? 0 : line(loc), "", firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new SpecFormatException(source, 0, "", "cannot read: " + e.getMessage());
        }
    }

    /** Reads the value starting at the current token; leaves the parser on its last token. */
    public Node read(JsonParser p) throws IOException {
        int line = line(p.currentTokenLocation());
        JsonToken t = p.currentToken();
        if (p instanceof com.fasterxml.jackson.dataformat.yaml.YAMLParser y && (y.isCurrentAlias() || y.getCurrentAnchor() != null)) {
            // Jackson reads an alias as the plain string of its name: refuse both ends instead
            throw new SpecFormatException(source, line, "", "YAML anchors and aliases are not supported (found "
                    + (y.isCurrentAlias() ? "*" : "&") + (y.isCurrentAlias() ? p.getText() : y.getCurrentAnchor())
                    + "): write the value out in full");
        }
        switch (t) {
            case START_OBJECT: {
                Node.Obj obj = new Node.Obj(line);
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    int keyLine = line(p.currentTokenLocation());
                    p.nextToken();
                    Node value = read(p);
                    if (!obj.put(key, keyLine, value)) {
                        throw new SpecFormatException(source, keyLine, "", "duplicate field \"" + key + "\"");
                    }
                }
                return obj;
            }
            case START_ARRAY: {
                List<Node> items = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    items.add(read(p));
                }
                return new Node.Arr(line, items);
            }
            case VALUE_STRING:
                return new Node.Scalar(line, Node.Scalar.Type.STRING, p.getText());
            case VALUE_NUMBER_INT:
                return new Node.Scalar(line, Node.Scalar.Type.INTEGER, p.getText());
            case VALUE_NUMBER_FLOAT:
                return new Node.Scalar(line, Node.Scalar.Type.DECIMAL, p.getText());
            case VALUE_TRUE:
            case VALUE_FALSE:
                return new Node.Scalar(line, Node.Scalar.Type.BOOLEAN, p.getText());
            case VALUE_NULL:
                return new Node.Scalar(line, Node.Scalar.Type.NULL, "null");
            default:
                throw new SpecFormatException(source, line, "", "unexpected " + t);
        }
    }

    private static int line(JsonLocation loc) {
        return loc == null ? 0 : Math.max(0, loc.getLineNr());
    }

    /** The parser's message without the code snippets and carets SnakeYAML adds, on one line. */
    private static String firstLine(String msg) {
        if (msg == null) {
            return "syntax error";
        }
        StringBuilder sb = new StringBuilder();
        for (String line : msg.split("\n")) {
            if (line.isBlank() || Character.isWhitespace(line.charAt(0))) {
                continue;
            }
            sb.append(sb.length() == 0 ? "" : ", ").append(line.trim());
        }
        return sb.length() == 0 ? msg.trim() : sb.toString();
    }
}
