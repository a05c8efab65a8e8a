package org.mtl4j.api.spec;

/** How the embeddings of a multi-hot bag are pooled into one vector. */
public enum Pooling {
    MEAN,
    SUM
}
