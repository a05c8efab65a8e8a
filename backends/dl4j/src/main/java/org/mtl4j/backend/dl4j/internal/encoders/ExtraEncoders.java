package org.mtl4j.backend.dl4j.internal.encoders;

import java.util.Map;
import java.util.TreeSet;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.ImageInput;
import org.mtl4j.api.spec.InputSpec;
import org.mtl4j.api.spec.SequenceInput;
import org.mtl4j.api.spec.TextInput;
import org.mtl4j.api.spec.TransformerSpec;
import org.mtl4j.backend.dl4j.internal.nn.EmbeddingTables;
import org.mtl4j.backend.dl4j.internal.nn.Encoder;
import org.mtl4j.backend.dl4j.internal.nn.Param;

/**
 * Builds the encoders of sequence, image and text inputs: {@link TransformerEncoder} for
 * {@link SequenceInput} and token-sequence text, {@link ConvImageEncoder} for {@link ImageInput},
 * {@link BagOfWordsEncoder} for bag-of-words text.
 */
public final class ExtraEncoders {
    private ExtraEncoders() {
    }

    /**
     * @param vocabularies by input name (a sequence input may also be found under its table's name)
     * @param owner {@code Param.SHARED} or the task name (independent topology)
     * @param seed seed for anything random inside the encoder (dropout)
     * @throws MtlException naming the input when it is not a sequence, image or text input, has no
     *     vocabulary, or its widths disagree
     */
    public static Encoder create(InputSpec spec, Map<String, Vocabulary> vocabularies, EmbeddingTables tables,
            String owner, long seed) {
        String suffix = Param.SHARED.equals(owner) ? "" : "@" + owner;
        if (spec instanceof SequenceInput s) {
            Vocabulary vocab = vocabulary(s.name(), s.table(), vocabularies);
            Param table = table(tables, "sequence input '" + s.name() + "'", s.table(), vocab.size(), s.encoder().width(),
                    owner);
            return new TransformerEncoder(s.name(), s.maxLength(), s.encoder(), table, tables.store(),
                    "sequence:" + s.name() + suffix, owner, seed);
        }
        if (spec instanceof ImageInput img) {
            return new ConvImageEncoder(img, tables.store(), "image:" + img.name() + suffix, owner);
        }
        if (spec instanceof TextInput t) {
            Vocabulary vocab = vocabulary(t.name(), t.name(), vocabularies);
            String what = "text input '" + t.name() + "'";
            if (t.encoding() == TextInput.Encoding.BAG_OF_WORDS) {
                Param table = table(tables, what, t.name(), vocab.size(), t.embeddingDim(), owner);
                return new BagOfWordsEncoder(t.name(), table);
            }
            TransformerSpec enc = t.encoder();
            if (enc.width() != t.embeddingDim()) {
                throw new MtlException(what + ": embeddingDim " + t.embeddingDim() + " must equal the transformer width "
                        + enc.width());
            }
            Param table = table(tables, what, t.name(), vocab.size(), enc.width(), owner);
            return new TransformerEncoder(t.name(), t.maxTokens(), enc, table, tables.store(), "text:" + t.name() + suffix,
                    owner, seed);
        }
        throw new MtlException("input '" + spec.name() + "' of kind " + spec.kind()
                + " has no extra encoder (these are: sequence, image, text)");
    }

    private static Vocabulary vocabulary(String input, String table, Map<String, Vocabulary> vocabularies) {
        Vocabulary v = vocabularies.get(input);
        if (v == null) {
            v = vocabularies.get(table);
        }
        if (v == null) {
            throw new MtlException("input '" + input + "' has no vocabulary (vocabularies exist for: "
                    + new TreeSet<>(vocabularies.keySet()) + ")");
        }
        return v;
    }

    private static Param table(EmbeddingTables tables, String what, String name, int rows, int width, String owner) {
        try {
            return tables.table(name, rows, width, owner);
        } catch (IllegalArgumentException e) {
            throw new MtlException(what + ": " + e.getMessage() + " (a transformer's width must equal the embedding "
                    + "width of its table, and inputs sharing a table must share the vocabulary)", e);
        }
    }
}
