package org.mtl4j.data.internal;

/**
 * One parsed row in the compact layout of its {@link RowBinder}: every float (dense features, image
 * pixels, labels, masks, extras) in {@code f}, one id per categorical input in {@code cat}, and the
 * variable-length ids of bags, sequences and texts in {@code var}.
 */
public record ParsedRow(float[] f, int[] cat, int[][] var) {
}
