/**
 * Online scoring of a saved model: {@link org.mtl4j.serving.Predictor} (thread-safe, one batched pass
 * per request of one context and N candidates) and {@link org.mtl4j.serving.ScoringServer} (HTTP/JSON
 * on the JDK's {@code com.sun.net.httpserver}, Prometheus metrics, hot reload).
 */
package org.mtl4j.serving;
