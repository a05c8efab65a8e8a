/**
 * The fused neural-network building blocks of the DL4J backend: layers and input encoders written
 * directly on ND4J with hand-derived backward passes, whose parameters and gradients are views into
 * one flat buffer each (shared parameters first), so that per-task gradients of the shared
 * parameters are one contiguous slice.
 */
package org.mtl4j.backend.dl4j.internal.nn;
