/**
 * Clippers against exploding gradients: global norm, element value, per-task norm (before aggregation) and
 * unit-wise adaptive clipping (AGC). None ever increases a norm, and each is idempotent.
 */
package org.mtl4j.balancers.clipping;
