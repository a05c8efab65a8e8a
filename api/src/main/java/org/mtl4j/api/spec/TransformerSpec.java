package org.mtl4j.api.spec;

import org.mtl4j.api.Checks;

/**
 * A Transformer encoder (Vaswani et al. 2017) over an id sequence: learned position embeddings,
 * {@code layers} blocks of multi-head self-attention with a padding mask and a feed-forward layer,
 * then pooling (mean over the unpadded positions, or the last position).
 *
 * @param width model width (must be divisible by heads); ids are embedded at this width
 * @param feedForward hidden width of each block's feed-forward layer
 */
public record TransformerSpec(int layers, int heads, int width, int feedForward, double dropout, SequencePooling pooling) {
    public TransformerSpec {
        Checks.positive("transformer layers", layers);
        Checks.positive("transformer heads", heads);
        Checks.positive("transformer width", width);
        if (width % heads != 0) {
            throw new IllegalArgumentException("transformer width must be divisible by heads, found width " + width
                    + " and heads " + heads);
        }
        Checks.positive("transformer feedForward", feedForward);
        Checks.inRange("transformer dropout", dropout, 0.0, 0.9);
        pooling = pooling == null ? SequencePooling.MEAN : pooling;
    }

    public static TransformerSpec of(int layers, int heads, int width) {
        return new TransformerSpec(layers, heads, width, 2 * width, 0.0, SequencePooling.MEAN);
    }

    /** How the encoded positions become one vector. */
    public enum SequencePooling {
        MEAN,
        LAST
    }
}
