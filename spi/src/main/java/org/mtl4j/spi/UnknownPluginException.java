package org.mtl4j.spi;

import java.util.List;
import java.util.SortedSet;
import org.mtl4j.api.MtlException;

/**
 * A plugin name nobody registered, e.g.
 * {@code MTL/UnknownPlugin: lossWeighting = "gradnrom" (known: dwa, equal, fixed, ...)}.
 */
public class UnknownPluginException extends MtlException {
    private static final long serialVersionUID = 1L;
    public static final String ID = "MTL/UnknownPlugin";
    private final PluginKind kind;
    private final String name;
    private final List<String> known;

    public UnknownPluginException(PluginKind kind, String path, String name, SortedSet<String> known) {
        super(ID + ": " + path + " = \"" + name + "\" (" + knownText(known) + ")");
        this.kind = kind;
        this.name = name;
        this.known = List.copyOf(known);
    }

    /** "known: a, b" or "none registered". */
    public static String knownText(SortedSet<String> known) {
        return known.isEmpty() ? "none registered" : "known: " + String.join(", ", known);
    }

    public PluginKind kind() {
        return kind;
    }

    public String name() {
        return name;
    }

    public List<String> known() {
        return known;
    }
}
