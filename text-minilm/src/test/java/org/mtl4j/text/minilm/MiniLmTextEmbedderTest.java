package org.mtl4j.text.minilm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.data.TextEmbedders;

/** Sentence pooling of {@link MiniLmTextEmbedder}: the split, and the mean of the real model's sentence vectors. */
class MiniLmTextEmbedderTest {

    @Test
    void splitsAtSentenceEndsLineBreaksAndHtmlTags() {
        assertThat(MiniLmTextEmbedder.sentences("Great taste.<br /><br />Would buy again!  Not cheap though\nok"))
                .containsExactly("Great taste.", "Would buy again!", "Not cheap though", "ok");
        assertThat(MiniLmTextEmbedder.sentences("no break at all 3.5 stars")).containsExactly("no break at all 3.5 stars");
        assertThat(MiniLmTextEmbedder.sentences("<br />")).containsExactly("<br />");
    }

    @Test
    void aReviewIsTheMeanOfItsSentenceVectorsAndBlankIsZero() {
        MiniLmTextEmbedder pooled = (MiniLmTextEmbedder) TextEmbedders.named(MiniLmTextEmbedder.NAME);
        MiniLmTextEmbedder whole = (MiniLmTextEmbedder) TextEmbedders.named(MiniLmTextEmbedder.Whole.NAME);
        assertThat(pooled.cacheKey()).isNotEqualTo(whole.cacheKey());
        List<float[]> parts = whole.embed(List.of("The coffee is stale.", "I love the box."));
        List<float[]> v = pooled.embed(List.of("The coffee is stale. I love the box.", " ", "The coffee is stale."));
        for (int j = 0; j < MiniLmTextEmbedder.DIMENSION; j++) {
            assertThat(v.get(0)[j]).isCloseTo((parts.get(0)[j] + parts.get(1)[j]) / 2, within(1e-6f));
            assertThat(v.get(1)[j]).isZero();
            assertThat(v.get(2)[j]).isEqualTo(parts.get(0)[j]);
        }
        float[] w = whole.embed(List.of("The coffee is stale. I love the box.")).get(0);
        double cos = 0;
        for (int j = 0; j < w.length; j++) {
            cos += w[j] * v.get(0)[j];
        }
        assertThat(cos).as("one pass and the mean of sentences differ, but not wildly").isBetween(0.5, 0.999);
    }
}
