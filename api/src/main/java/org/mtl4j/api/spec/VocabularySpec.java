package org.mtl4j.api.spec;

import org.mtl4j.api.Checks;

/**
 * How raw categorical values become ids: either a vocabulary built from the training data (keep the
 * {@code maxSize} most frequent values seen at least {@code minCount} times) or feature hashing into
 * {@code hashBuckets} buckets. Index 0 is padding and index 1 the out-of-vocabulary row in both cases.
 */
public record VocabularySpec(int maxSize, int minCount, int hashBuckets) {
    /** A built vocabulary with the {@link Defaults} size and count. */
    public static final VocabularySpec DEFAULT = new VocabularySpec(Defaults.VOCABULARY_MAX_SIZE,
            Defaults.VOCABULARY_MIN_COUNT, 0);

    public VocabularySpec {
        Checks.positive("vocabulary maxSize", maxSize);
        Checks.positive("vocabulary minCount", minCount);
        Checks.nonNegative("vocabulary hashBuckets", hashBuckets);
    }

    public static VocabularySpec built(int maxSize, int minCount) {
        return new VocabularySpec(maxSize, minCount, 0);
    }

    public static VocabularySpec hashed(int buckets) {
        return new VocabularySpec(DEFAULT.maxSize(), 1, Checks.positive("hash buckets", buckets));
    }

    public boolean hashing() {
        return hashBuckets > 0;
    }
}
