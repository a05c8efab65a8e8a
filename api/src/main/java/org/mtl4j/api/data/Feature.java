package org.mtl4j.api.data;

/**
 * The values of one input for every row of a {@link Batch}, in a flat columnar layout a backend can
 * copy into its own buffers in one call.
 */
public sealed interface Feature permits Feature.Dense, Feature.Ids, Feature.Bag, Feature.Sequence, Feature.Image {

    /** Rows x dim floats, row-major. */
    record Dense(int dim, float[] values) implements Feature {
    }

    /** One vocabulary index per row (0 padding, 1 out-of-vocabulary). */
    record Ids(int[] ids) implements Feature {
    }

    /** A bag per row in CSR form: row r holds ids[offsets[r] .. offsets[r+1]). offsets has rows + 1 entries. */
    record Bag(int[] offsets, int[] ids) implements Feature {
    }

    /** Rows x maxLength ids, right-aligned (most recent last), left-padded with 0. */
    record Sequence(int maxLength, int[] ids) implements Feature {
    }

    /** Rows x channels x height x width floats in [0,1], row-major (NCHW). */
    record Image(int channels, int height, int width, float[] pixels) implements Feature {
    }
}
