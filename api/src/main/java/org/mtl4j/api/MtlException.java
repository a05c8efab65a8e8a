package org.mtl4j.api;

/** Base of every error mtl4j raises on purpose; the message always names the thing and the value found. */
public class MtlException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MtlException(String message) {
        super(message);
    }

    public MtlException(String message, Throwable cause) {
        super(message, cause);
    }
}
