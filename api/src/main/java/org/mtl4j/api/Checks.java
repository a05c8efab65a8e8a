package org.mtl4j.api;

import java.util.regex.Pattern;

/** Argument checks used by compact constructors; each message echoes the bad value. */
public final class Checks {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.\\-]*");

    private Checks() {
    }

    public static String name(String what, String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " must match " + NAME.pattern() + ", found " + quote(value));
        }
        return value;
    }

    public static int positive(String what, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + " must be positive, found " + value);
        }
        return value;
    }

    public static int nonNegative(String what, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(what + " must be >= 0, found " + value);
        }
        return value;
    }

    public static double positive(String what, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(what + " must be a positive finite number, found " + value);
        }
        return value;
    }

    public static double nonNegative(String what, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(what + " must be a finite number >= 0, found " + value);
        }
        return value;
    }

    public static double inRange(String what, double value, double lo, double hi) {
        if (!(value >= lo && value <= hi)) {
            throw new IllegalArgumentException(what + " must be in [" + lo + ", " + hi + "], found " + value);
        }
        return value;
    }

    public static <T> T notNull(String what, T value) {
        if (value == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        return value;
    }

    public static String quote(String s) {
        return s == null ? "null" : '"' + s + '"';
    }
}
