package org.mtl4j.onnx;

import org.mtl4j.api.MtlException;

/** A model, or a part of it, that cannot be exported to ONNX; the message names the part. */
public final class OnnxExportException extends MtlException {
    public OnnxExportException(String message) {
        super(message);
    }
}
