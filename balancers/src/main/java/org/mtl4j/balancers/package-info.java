/**
 * The balancer catalogue: {@link org.mtl4j.balancers.Balancers} maps every built-in loss weighting,
 * gradient aggregator and clipper name to its factory, for the plugin registry.
 */
package org.mtl4j.balancers;
