package org.mtl4j.api.data;

import org.mtl4j.api.internal.CompactTokens;
import java.util.List;

/**
 * Maps raw categorical values to embedding rows. Row 0 is padding, row 1 is the out-of-vocabulary
 * row (a value never seen in training maps there, never to an error), known values start at 2. With
 * hashing ({@code hashBuckets > 0}) a value maps to 2 + (murmur-style hash mod buckets).
 */
public final class Vocabulary {
    public static final int PAD = 0;
    public static final int OOV = 1;

    private final String input;
    private final int hashBuckets;
    private final CompactTokens index;
    private final List<String> tokens;

    private Vocabulary(String input, List<String> tokens, int hashBuckets) {
        this.input = input;
        this.hashBuckets = hashBuckets;
        this.index = new CompactTokens(tokens.size(), 12);
        // one UTF-8 arena and an int index, not a HashMap<String, Integer>: 10M ids in a few hundred MB
        for (String t : tokens) {
            if (t == null) {
                throw new IllegalArgumentException("vocabulary '" + input + "' lists a null token");
            }
            if (index.find(t) >= 0) {
                throw new IllegalArgumentException("vocabulary '" + input + "' lists \"" + t + "\" twice");
            }
            index.add(t);
        }
        index.trim();
        this.tokens = index.view();
    }

    public static Vocabulary of(String input, List<String> tokens) {
        return new Vocabulary(input, tokens, 0);
    }

    public static Vocabulary hashed(String input, int buckets) {
        if (buckets <= 0) {
            throw new IllegalArgumentException("hash buckets must be positive, found " + buckets);
        }
        return new Vocabulary(input, List.of(), buckets);
    }

    public String input() {
        return input;
    }

    /**
     * Known values in index order (index of tokens().get(i) is i + 2); empty when hashing. A read-only
     * view over the compact store: each {@code get} decodes one token.
     */
    public List<String> tokens() {
        return tokens;
    }

    public int hashBuckets() {
        return hashBuckets;
    }

    /** Number of embedding rows needed, padding and OOV included. */
    public int size() {
        return 2 + (hashBuckets > 0 ? hashBuckets : tokens.size());
    }

    public int index(String value) {
        if (value == null || value.isEmpty()) {
            return PAD;
        }
        if (hashBuckets > 0) {
            return 2 + Math.floorMod(mix(value.hashCode()), hashBuckets);
        }
        int i = index.find(value);
        return i < 0 ? OOV : i + 2;
    }

    /**
     * The row of the numeric id {@code value}: exactly {@code index(Long.toString(value))} (the id as a
     * CSV cell would give it), without making the string (typed serving requests).
     */
    public int index(long value) {
        if (hashBuckets > 0) {
            return 2 + Math.floorMod(mix(CompactTokens.decimalHash(value)), hashBuckets);
        }
        int i = index.findDecimal(value);
        return i < 0 ? OOV : i + 2;
    }

    public String token(int idx) {
        if (idx == PAD) {
            return "<pad>";
        }
        if (idx == OOV || hashBuckets > 0) {
            return idx == OOV ? "<oov>" : "#" + (idx - 2);
        }
        return tokens.get(idx - 2);
    }

    private static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Vocabulary v && v.input.equals(input) && v.tokens.equals(tokens) && v.hashBuckets == hashBuckets;
    }

    @Override
    public int hashCode() {
        return input.hashCode() * 31 + tokens.hashCode() + hashBuckets;
    }

    @Override
    public String toString() {
        return "Vocabulary[" + input + ", size=" + size() + (hashBuckets > 0 ? ", hashed" : "") + "]";
    }
}
