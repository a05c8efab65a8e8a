package org.mtl4j.text.minilm;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import java.util.ArrayList;
import java.util.List;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.data.TextEmbedder;

/**
 * all-MiniLM-L6-v2 (Wang et al. 2020, "MiniLM: Deep Self-Attention Distillation", fine-tuned as a
 * sentence encoder by sentence-transformers, Reimers &amp; Gurevych 2019): a 6-layer BERT whose
 * mean-pooled, L2-normalised output is a 384-dimensional sentence vector. It runs in-process on ONNX
 * Runtime through langchain4j; the model and its tokenizer ship inside the langchain4j jar, so nothing is
 * downloaded. Texts longer than the model's 256 word pieces are split and their vectors averaged
 * (langchain4j's behaviour). A blank text gets the zero vector (the model has no token to encode).
 *
 * <p>The model loads on the first {@link #embed} (about 90 MB, a second or two), not when the
 * embedder is discovered. Calls are thread-safe: the caller parallelises over chunks of texts, so
 * the model is built with a same-thread executor.
 */
public final class MiniLmTextEmbedder implements TextEmbedder {
    public static final String NAME = "all-minilm-l6-v2";
    public static final int DIMENSION = 384;

    /** The model, loaded when first used. */
    private static final class Holder {
        static final AllMiniLmL6V2EmbeddingModel MODEL = new AllMiniLmL6V2EmbeddingModel(Runnable::run);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int dimension() {
        return DIMENSION;
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        List<float[]> out = new ArrayList<>(texts.size());
        List<TextSegment> segments = new ArrayList<>();
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            String t = texts.get(i);
            if (t == null || t.isBlank()) {
                out.add(new float[DIMENSION]);
            } else {
                out.add(null);
                segments.add(TextSegment.from(t));
                at.add(i);
            }
        }
        if (segments.isEmpty()) {
            return out;
        }
        List<Embedding> vectors = Holder.MODEL.embedAll(segments).content();
        if (vectors.size() != segments.size()) {
            throw new MtlException(NAME + " returned " + vectors.size() + " vectors for " + segments.size() + " texts");
        }
        for (int k = 0; k < vectors.size(); k++) {
            float[] v = vectors.get(k).vector();
            if (v.length != DIMENSION) {
                throw new MtlException(NAME + " returned a vector of length " + v.length + ", expected " + DIMENSION);
            }
            out.set(at.get(k), v);
        }
        return out;
    }
}
