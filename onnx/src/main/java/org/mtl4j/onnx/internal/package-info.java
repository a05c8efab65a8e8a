/** The graph mappings of the dl4j engine and of the tribuo FM onto ONNX operators, our extra operators, and the side file writer. */
package org.mtl4j.onnx.internal;
