package org.mtl4j.text.minilm;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.data.TextEmbedder;

/**
 * all-MiniLM-L6-v2 (Wang et al. 2020, "MiniLM: Deep Self-Attention Distillation", fine-tuned as a
 * sentence encoder by sentence-transformers, Reimers &amp; Gurevych 2019): a 6-layer BERT whose
 * mean-pooled, L2-normalised output is a 384-dimensional sentence vector. It runs in-process on ONNX
 * Runtime through langchain4j; the model and its tokenizer ship inside the langchain4j jar, so nothing is
 * downloaded. A blank text gets the zero vector (the model has no token to encode).
 *
 * <p><b>Sentence pooling</b> (this embedder, {@value #NAME}): the model was trained on sentence pairs
 * (128 word pieces at most), so a whole multi-sentence review in one pass gives a vector of its
 * overall topic in which a single sentence of opinion is diluted. The text is therefore split into
 * sentences (at {@code . ! ?} followed by white space, at line breaks and at HTML tags such as
 * {@code <br />}, which are dropped), each sentence is encoded, and the text's vector is the mean of
 * its sentence vectors (the chunk-and-average pooling used for long documents with sentence encoders).
 * On the fine-food reviews this raises a logistic-regression probe's AUC on unseen products from
 * 0.834 (whole text) to 0.881 (see the module README). {@link Whole} ({@value Whole#NAME}) keeps the
 * whole-text vector. A sentence longer than 510 word pieces is split further and averaged by
 * langchain4j.
 *
 * <p>The model loads on the first {@link #embed} (about 90 MB, a second or two), not when the
 * embedder is discovered. Calls are thread-safe: the caller parallelises over chunks of texts, so
 * the model is built with a same-thread executor.
 */
public class MiniLmTextEmbedder implements TextEmbedder {
    public static final String NAME = "all-minilm-l6-v2";
    public static final int DIMENSION = 384;
    /** HTML tags (the reviews carry {@code <br />}): sentence breaks, never text. */
    private static final Pattern TAG = Pattern.compile("(?i)<br\\s*/?>|<[^>]{1,20}>");
    /** The end of a sentence (after . ! ?) or a line break. */
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+|\\s*\\n+\\s*");

    /** The model, loaded when first used. */
    private static final class Holder {
        static final AllMiniLmL6V2EmbeddingModel MODEL = new AllMiniLmL6V2EmbeddingModel(Runnable::run);
    }

    private final boolean sentences;

    /** The sentence-pooled embedder {@value #NAME}. */
    public MiniLmTextEmbedder() {
        this(true);
    }

    private MiniLmTextEmbedder(boolean sentences) {
        this.sentences = sentences;
    }

    /** all-MiniLM-L6-v2 over the whole text in one pass (the vectors of mtl4j before sentence pooling). */
    public static final class Whole extends MiniLmTextEmbedder {
        public static final String NAME = "all-minilm-l6-v2-whole";

        public Whole() {
            super(false);
        }

        @Override
        public String name() {
            return NAME;
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String cacheKey() {
        // the sentence-pooled vectors differ from the whole-text ones cached under the bare name before
        return sentences ? NAME + "-sentence-mean" : NAME;
    }

    @Override
    public int dimension() {
        return DIMENSION;
    }

    /** The sentences of {@code text} (HTML tags dropped), or the stripped text when it has no sentence break. */
    static List<String> sentences(String text) {
        List<String> out = new ArrayList<>();
        for (String s : SENTENCE_END.split(TAG.matcher(text).replaceAll("\n"))) {
            s = s.strip();
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        if (out.isEmpty()) {
            out.add(text.strip());
        }
        return out;
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        List<float[]> out = new ArrayList<>(texts.size());
        List<TextSegment> segments = new ArrayList<>();
        List<Integer> owner = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            String t = texts.get(i);
            out.add(new float[DIMENSION]);
            if (t == null || t.isBlank()) {
                continue;
            }
            for (String s : sentences ? sentences(t) : List.of(t)) {
                segments.add(TextSegment.from(s));
                owner.add(i);
            }
        }
        if (segments.isEmpty()) {
            return out;
        }
        List<Embedding> vectors = Holder.MODEL.embedAll(segments).content();
        if (vectors.size() != segments.size()) {
            throw new MtlException(name() + " returned " + vectors.size() + " vectors for " + segments.size() + " texts");
        }
        int[] count = new int[texts.size()];
        for (int k = 0; k < vectors.size(); k++) {
            float[] v = vectors.get(k).vector();
            if (v.length != DIMENSION) {
                throw new MtlException(name() + " returned a vector of length " + v.length + ", expected " + DIMENSION);
            }
            float[] acc = out.get(owner.get(k));
            for (int j = 0; j < DIMENSION; j++) {
                acc[j] += v[j];
            }
            count[owner.get(k)]++;
        }
        for (int i = 0; i < count.length; i++) {
            if (count[i] > 1) {
                float[] acc = out.get(i);
                for (int j = 0; j < DIMENSION; j++) {
                    acc[j] /= count[i];
                }
            }
        }
        return out;
    }
}
