package org.mtl4j.backend.dl4j.internal.encoders;

import java.util.Map;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.InputSpec;
import org.mtl4j.backend.dl4j.internal.nn.EmbeddingTables;
import org.mtl4j.backend.dl4j.internal.nn.Encoder;

/**
 * Encoders for sequence, image and text inputs. PLACEHOLDER owned by the encoder work: replaced by
 * the Transformer / conv / text implementations.
 */
public final class ExtraEncoders {
    private ExtraEncoders() {
    }

    /**
     * @param owner {@code Param.SHARED} or the task name (independent topology)
     * @param seed seed for anything random inside the encoder (dropout)
     */
    public static Encoder create(InputSpec spec, Map<String, Vocabulary> vocabularies, EmbeddingTables tables,
            String owner, long seed) {
        throw new MtlException("input '" + spec.name() + "' of kind " + spec.kind() + " is not supported yet by the dl4j backend");
    }
}
