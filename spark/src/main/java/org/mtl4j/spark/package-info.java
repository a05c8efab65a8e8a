/**
 * Training a {@code ModelSpec} on Apache Spark: a {@code Dataset<Row>} bound by column names, vocabularies
 * and statistics from Spark aggregations, and synchronous data-parallel steps whose summed per-task
 * gradients go through the same gradient pipeline as local training.
 */
package org.mtl4j.spark;
