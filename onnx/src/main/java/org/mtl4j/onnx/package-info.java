/** ONNX export of trained mtl4j models ({@link org.mtl4j.onnx.OnnxExport}) with a JSON side file for vocabularies. */
package org.mtl4j.onnx;
