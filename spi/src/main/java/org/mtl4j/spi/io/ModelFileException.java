package org.mtl4j.spi.io;

import org.mtl4j.api.MtlException;

/** A model file that is corrupt, truncated, not a model archive, or of a format this version cannot read. */
public class ModelFileException extends MtlException {
    private static final long serialVersionUID = 1L;

    public ModelFileException(String message) {
        super(message);
    }

    public ModelFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
