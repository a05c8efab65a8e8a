package org.mtl4j.spi.io.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.InputSpec;
import org.mtl4j.api.spec.PluginRef;
import org.mtl4j.api.spec.Topology;

/**
 * Writes spec records field by field in record-component order (so the output is stable and diffs
 * well): an input starts with its {@code kind}, a topology with its {@code type}; enums as ids; a
 * plugin without parameters as its bare name; null fields are left out.
 */
public final class SpecWriter {
    private SpecWriter() {
    }

    public static void write(Object value, JsonGenerator g) throws IOException {
        if (value == null) {
            g.writeNull();
        } else if (value instanceof String) {
            g.writeString((String) value);
        } else if (value instanceof Integer) {
            g.writeNumber((Integer) value);
        } else if (value instanceof Long) {
            g.writeNumber((Long) value);
        } else if (value instanceof Double) {
            g.writeNumber((Double) value);
        } else if (value instanceof Boolean) {
            g.writeBoolean((Boolean) value);
        } else if (value instanceof Enum<?>) {
            g.writeString(Ids.id((Enum<?>) value));
        } else if (value instanceof List<?>) {
            g.writeStartArray();
            for (Object o : (List<?>) value) {
                write(o, g);
            }
            g.writeEndArray();
        } else if (value instanceof Map<?, ?>) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                write(e.getValue(), g);
            }
            g.writeEndObject();
        } else if (value instanceof PluginRef && ((PluginRef) value).params().isEmpty()) {
            g.writeString(((PluginRef) value).name());
        } else if (value instanceof Vocabulary) {
            writeVocabulary((Vocabulary) value, g);
        } else if (value instanceof Record) {
            writeRecord((Record) value, g);
        } else {
            throw new IllegalArgumentException("the spec codec does not write " + value.getClass().getName());
        }
    }

    private static void writeRecord(Record r, JsonGenerator g) throws IOException {
        g.writeStartObject();
        if (r instanceof InputSpec) {
            g.writeStringField("kind", ((InputSpec) r).kind());
        } else if (r instanceof Topology) {
            g.writeStringField("type", ((Topology) r).id());
        }
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            Object v;
            try {
                v = c.getAccessor().invoke(r);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read " + r.getClass().getSimpleName() + "." + c.getName(), e);
            }
            if (v != null) {
                g.writeFieldName(c.getName());
                write(v, g);
            }
        }
        g.writeEndObject();
    }

    private static void writeVocabulary(Vocabulary v, JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("input", v.input());
        if (v.hashBuckets() > 0) {
            g.writeNumberField("hashBuckets", v.hashBuckets());
        } else {
            g.writeFieldName("tokens");
            write(v.tokens(), g);
        }
        g.writeEndObject();
    }
}
