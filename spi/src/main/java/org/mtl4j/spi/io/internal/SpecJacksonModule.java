package org.mtl4j.spi.io.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.util.List;
import org.mtl4j.api.backend.Provenance;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.CategoricalInput;
import org.mtl4j.api.spec.DenseInput;
import org.mtl4j.api.spec.EarlyStopping;
import org.mtl4j.api.spec.ImageInput;
import org.mtl4j.api.spec.InputSpec;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.MultiHotInput;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.PluginRef;
import org.mtl4j.api.spec.SequenceInput;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.TextInput;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.api.spec.TrainingSpec;
import org.mtl4j.api.spec.TransformerSpec;
import org.mtl4j.api.spec.VectorInput;
import org.mtl4j.api.spec.VocabularySpec;

/**
 * The Jackson module that teaches an {@code ObjectMapper} the spec records (the api module carries
 * no Jackson annotations): one serializer and one deserializer per record type, both delegating to
 * {@link SpecWriter} and {@link SpecReader}, so that a spec embedded in any JSON document (a CLI
 * report, a metrics file) has the same form as a spec file.
 */
public final class SpecJacksonModule extends SimpleModule {
    private static final long serialVersionUID = 1L;

    /** Every type the module (de)serialises. */
    public static final List<Class<?>> TYPES = List.of(ModelSpec.class, InputSpec.class, DenseInput.class,
            CategoricalInput.class, MultiHotInput.class, SequenceInput.class, ImageInput.class, TextInput.class, VectorInput.class,
            TaskSpec.class, Topology.class, Topology.Independent.class, Topology.SharedBottom.class, Topology.Mmoe.class,
            Topology.Ple.class, Topology.CrossStitch.class, Topology.Grouped.class, PluginRef.class, OptimizerSpec.class, TrainingSpec.class,
            EarlyStopping.class, VocabularySpec.class, TransformerSpec.class, Provenance.class);

    public SpecJacksonModule() {
        super("mtl4j-spec");
        for (Class<?> type : TYPES) {
            register(type);
        }
        addSerializer(Vocabulary.class, new Writer<>());
        addDeserializer(Vocabulary.class, new JsonDeserializer<Vocabulary>() {
            @Override
            public Vocabulary deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                return new SpecReader(sourceOf(p)).readVocabulary(new TreeReader(sourceOf(p)).read(p), "");
            }
        });
    }

    private <T> void register(Class<T> type) {
        addSerializer(type, new Writer<>());
        addDeserializer(type, new Reader<>(type));
    }

    private static String sourceOf(JsonParser p) {
        Object src = p.currentLocation().contentReference().getRawContent();
        return src instanceof java.io.File ? ((java.io.File) src).getName() : "<json>";
    }

    private static final class Writer<T> extends JsonSerializer<T> {
        @Override
        public void serialize(T value, JsonGenerator g, SerializerProvider serializers) throws IOException {
            SpecWriter.write(value, g);
        }
    }

    private static final class Reader<T> extends JsonDeserializer<T> {
        private final Class<T> type;

        Reader(Class<T> type) {
            this.type = type;
        }

        @Override
        public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String source = sourceOf(p);
            return new SpecReader(source).read(new TreeReader(source).read(p), type);
        }
    }
}
