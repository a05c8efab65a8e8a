/** The graph mapping of the dl4j backend's engine onto ONNX operators, and the side file writer. */
package org.mtl4j.onnx.internal;
