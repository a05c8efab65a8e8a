/** Balancer SPIs: loss weighting, gradient aggregation and clipping, each a plugin found by name. */
package org.mtl4j.api.balance;
