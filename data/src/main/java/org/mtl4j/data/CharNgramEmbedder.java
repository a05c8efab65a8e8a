package org.mtl4j.data;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mtl4j.api.data.TextEmbedder;

/**
 * A light, dependency-free text embedder ({@code char-ngrams}): the lower-cased text padded with
 * spaces is cut into character trigrams, each hashed (FNV-1a, then a sign bit) into one of 256
 * dimensions, and the counts are L2-normalised: the hashing trick over character n-grams (Weinberger
 * et al. ICML 2009; the sub-word signal of fastText, Bojanowski et al. 2017). Not a language model:
 * it knows spelling, not meaning; useful where {@code all-minilm-l6-v2} is too heavy and in tests.
 */
public final class CharNgramEmbedder implements TextEmbedder {
    public static final String NAME = "char-ngrams";
    private static final int DIM = 256;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int dimension() {
        return DIM;
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        List<float[]> out = new ArrayList<>(texts.size());
        for (String t : texts) {
            out.add(embed(t));
        }
        return out;
    }

    private static float[] embed(String text) {
        float[] v = new float[DIM];
        byte[] b = (" " + text.toLowerCase(Locale.ROOT) + " ").getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i + 3 <= b.length; i++) {
            int h = 0x811c9dc5;
            for (int j = i; j < i + 3; j++) {
                h ^= b[j] & 0xff;
                h *= 0x01000193;
            }
            int slot = (h >>> 1) % DIM;
            v[slot] += (h & 1) == 0 ? 1f : -1f;
        }
        double s = 0;
        for (float x : v) {
            s += x * x;
        }
        if (s > 0) {
            float inv = (float) (1 / Math.sqrt(s));
            for (int i = 0; i < DIM; i++) {
                v[i] *= inv;
            }
        }
        return v;
    }
}
