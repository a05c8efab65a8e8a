package org.mtl4j.spi.io.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Enum constants as spec ids: lower case with dashes ({@code CROSS_ENTROPY} is {@code cross-entropy}). */
public final class Ids {
    private Ids() {
    }

    public static String id(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The constant whose id (or Java name) is {@code id}, ignoring case; null when none. */
    public static <E extends Enum<E>> E parse(Class<E> type, String id) {
        for (E e : type.getEnumConstants()) {
            if (id(e).equalsIgnoreCase(id) || e.name().equalsIgnoreCase(id)) {
                return e;
            }
        }
        return null;
    }

    public static List<String> all(Class<? extends Enum<?>> type) {
        List<String> out = new ArrayList<>();
        for (Enum<?> e : type.getEnumConstants()) {
            out.add(id(e));
        }
        return out;
    }
}
