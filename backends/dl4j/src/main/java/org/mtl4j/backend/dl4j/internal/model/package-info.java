/**
 * The DL4J backend's model: fused input, sharing topologies (independent, shared-bottom, MMoE,
 * PLE, cross-stitch), towers, heads and losses, per-task gradients and the optimisers, all on one
 * flat ND4J parameter buffer.
 */
package org.mtl4j.backend.dl4j.internal.model;
