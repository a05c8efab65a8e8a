package org.mtl4j.spi;

import org.mtl4j.api.MtlException;

/**
 * Two plugins bound the same name for the same kind; the message names the kind, the name and both
 * plugins. Names are never "last one wins".
 */
public class DuplicatePluginException extends MtlException {
    private static final long serialVersionUID = 1L;
    public static final String ID = "MTL/DuplicatePlugin";

    public DuplicatePluginException(String message) {
        super(message);
    }
}
