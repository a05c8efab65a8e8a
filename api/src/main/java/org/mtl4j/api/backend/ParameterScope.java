package org.mtl4j.api.backend;

/** Which shared parameters per-task gradients are taken over. */
public enum ParameterScope {
    /** Every parameter shared by two or more tasks (embeddings, encoders, bottom, experts, gates). */
    SHARED,
    /** Only the last shared layer (GradNorm's choice, to keep the cost low). */
    LAST_SHARED_LAYER
}
