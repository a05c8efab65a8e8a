/**
 * A third-party plugin as an outside author writes it: a loss weighting and a metric, packaged in
 * their own jar and found by mtl4j through {@link java.util.ServiceLoader}, with no change to mtl4j.
 */
package com.example.mtlplugin;
