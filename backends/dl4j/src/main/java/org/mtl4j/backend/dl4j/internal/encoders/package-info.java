/** Input encoders of the DL4J backend: dense, embeddings, bags, Transformer sequences, conv images, text. */
package org.mtl4j.backend.dl4j.internal.encoders;
