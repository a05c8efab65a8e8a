package org.mtl4j.spi.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mtl4j.api.backend.Provenance;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.spi.io.internal.Node;
import org.mtl4j.spi.io.internal.SpecJacksonModule;
import org.mtl4j.spi.io.internal.SpecReader;
import org.mtl4j.spi.io.internal.SpecWriter;
import org.mtl4j.spi.io.internal.TreeReader;

/**
 * JSON and YAML forms of the spec records. Every record of {@code org.mtl4j.api.spec} reads back to
 * an equal record. An input is picked by its {@code kind} (dense, categorical, multi-hot, sequence,
 * image, text), a topology by its {@code type} (independent, shared-bottom, mmoe, ple,
 * cross-stitch), enums by lower-case id ({@code cross-entropy}), and a plugin is either a bare name
 * or {@code {name, params}}. Reading is strict: an unknown field, a value of the wrong type or a
 * value a record rejects is a {@link SpecFormatException} naming the source, line and field path,
 * e.g. {@code model.yaml: line 12: tasks[1].lable: unknown field "lable" (known: ...)}.
 */
public final class SpecCodec {
    private static final ObjectMapper JSON = configure(new ObjectMapper(new JsonFactory()));
    private static final ObjectMapper YAML = configure(new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .loaderOptions(yamlLimits())
            .build()));
    /**
     * The longest YAML spec read, in characters. Specs are a few KiB; SnakeYAML's scanner slows down
     * more than linearly on long scalars (a 4 MB quoted string took 22 s), so the size is checked
     * before parsing.
     */
    public static final int MAX_YAML_CHARS = 256 * 1024;
    /** The longest JSON spec read (the spec of a model archive), in characters. */
    public static final int MAX_JSON_CHARS = 16 * 1024 * 1024;

    private SpecCodec() {
    }

    private static org.yaml.snakeyaml.LoaderOptions yamlLimits() {
        org.yaml.snakeyaml.LoaderOptions o = new org.yaml.snakeyaml.LoaderOptions();
        o.setCodePointLimit(MAX_YAML_CHARS + 1);
        o.setMaxAliasesForCollections(0);
        o.setNestingDepthLimit(64);
        return o;
    }

    private static ObjectMapper configure(ObjectMapper m) {
        m.registerModule(new SpecJacksonModule());
        m.enable(SerializationFeature.INDENT_OUTPUT);
        return m;
    }

    /** A JSON mapper that knows the spec records, vocabularies and provenance (for documents embedding a spec). */
    public static ObjectMapper jsonMapper() {
        return JSON.copy();
    }

    /** The YAML counterpart of {@link #jsonMapper()}. */
    public static ObjectMapper yamlMapper() {
        return YAML.copy();
    }

    /** JSON of a spec record (pretty-printed, fields in record order). */
    public static String toJson(Object specRecord) {
        return write(JSON, specRecord);
    }

    /** YAML of a spec record. */
    public static String toYaml(Object specRecord) {
        return write(YAML, specRecord);
    }

    public static ModelSpec fromJson(String text, String sourceName) {
        return fromJson(text, sourceName, ModelSpec.class);
    }

    public static ModelSpec fromYaml(String text, String sourceName) {
        return fromYaml(text, sourceName, ModelSpec.class);
    }

    /** Refuses a spec text longer than {@code max} characters before any parsing. */
    private static String capped(String text, String sourceName, int max, String kind) {
        if (text != null && text.length() > max) {
            throw new SpecFormatException(sourceName, 0, "", "the " + kind + " spec is " + text.length()
                    + " characters long, more than the " + max + " a spec may have");
        }
        return text;
    }

    /** A model spec read from YAML with the line of every field (to place validation problems in the file). */
    public static LocatedSpec fromYamlLocated(String text, String sourceName) {
        return located(parse(YAML, capped(text, sourceName, MAX_YAML_CHARS, "YAML"), sourceName), sourceName);
    }

    /** A model spec read from JSON with the line of every field. */
    public static LocatedSpec fromJsonLocated(String text, String sourceName) {
        return located(parse(JSON, capped(text, sourceName, MAX_JSON_CHARS, "JSON"), sourceName), sourceName);
    }

    private static LocatedSpec located(Node root, String sourceName) {
        ModelSpec spec = new SpecReader(sourceName).read(root, ModelSpec.class);
        Map<String, Integer> lines = new LinkedHashMap<>();
        root.collectLines("", lines);
        return new LocatedSpec(spec, sourceName, lines);
    }

    /** Reads any spec record (or {@link org.mtl4j.api.spec.InputSpec}, {@link org.mtl4j.api.spec.Topology}). */
    public static <T> T fromJson(String text, String sourceName, Class<T> type) {
        return new SpecReader(sourceName).read(parse(JSON, capped(text, sourceName, MAX_JSON_CHARS, "JSON"), sourceName), type);
    }

    public static <T> T fromYaml(String text, String sourceName, Class<T> type) {
        return new SpecReader(sourceName).read(parse(YAML, capped(text, sourceName, MAX_YAML_CHARS, "YAML"), sourceName), type);
    }

    /** JSON object of vocabularies keyed by input name. */
    public static String vocabulariesToJson(Map<String, Vocabulary> vocabularies) {
        return write(JSON, vocabularies);
    }

    public static Map<String, Vocabulary> vocabulariesFromJson(String text, String sourceName) {
        Node root = parse(JSON, text, sourceName);
        SpecReader reader = new SpecReader(sourceName);
        if (!(root instanceof Node.Obj)) {
            throw new SpecFormatException(sourceName, root.line(), "", "expected an object of vocabularies, found "
                    + root.describe());
        }
        Map<String, Vocabulary> out = new LinkedHashMap<>();
        ((Node.Obj) root).fields().forEach((k, v) -> out.put(k, reader.readVocabulary(v, k)));
        return out;
    }

    public static String provenanceToJson(Provenance provenance) {
        return write(JSON, provenance);
    }

    public static Provenance provenanceFromJson(String text, String sourceName) {
        return new SpecReader(sourceName).read(parse(JSON, text, sourceName), Provenance.class);
    }

    private static Node parse(ObjectMapper m, String text, String sourceName) {
        return new TreeReader(sourceName).read(m.getFactory(), text);
    }

    private static String write(ObjectMapper m, Object value) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = m.getFactory().createGenerator(out)) {
            if (m == JSON) {
                g.useDefaultPrettyPrinter();
            }
            SpecWriter.write(value, g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String s = out.toString();
        return s.endsWith("\n") ? s : s + "\n";
    }
}
