/**
 * Data for mtl4j: streaming CSV/TSV datasets bound to a {@code ModelSpec} by column name, readers for
 * public datasets (MovieLens, Fashion-MNIST), generators with known truth, and splits.
 */
package org.mtl4j.data;
