package org.mtl4j.spi.io.internal;

import org.mtl4j.spi.io.SpecFormatException;

/** Converts scalar nodes to Java values, refusing lossy conversions (1.5 is not an integer). */
final class Scalars {
    private static final java.util.regex.Pattern NUMBER =
            java.util.regex.Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");
    private Scalars() {
    }

    static String string(String source, Node n, String path) {
        if (n instanceof Node.Scalar && ((Node.Scalar) n).type() != Node.Scalar.Type.NULL) {
            return ((Node.Scalar) n).text();
        }
        throw new SpecFormatException(source, n.line(), path, "expected a string, found " + n.describe());
    }

    static int integer(String source, Node n, String path) {
        long v = longValue(source, n, path);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new SpecFormatException(source, n.line(), path, "expected a 32-bit integer, found " + v);
        }
        return (int) v;
    }

    static long longValue(String source, Node n, String path) {
        if (n instanceof Node.Scalar && ((Node.Scalar) n).type() == Node.Scalar.Type.INTEGER) {
            try {
                return Long.parseLong(((Node.Scalar) n).text());
            } catch (NumberFormatException e) {
                throw new SpecFormatException(source, n.line(), path, "expected a 64-bit integer, found " + n.describe());
            }
        }
        throw new SpecFormatException(source, n.line(), path, "expected an integer, found " + n.describe());
    }

    static double decimal(String source, Node n, String path) {
        if (n instanceof Node.Scalar) {
            Node.Scalar s = (Node.Scalar) n;
            if (s.type() == Node.Scalar.Type.INTEGER || s.type() == Node.Scalar.Type.DECIMAL) {
                // YAML's special floats come as decimals with their YAML spelling; the spec's own checks refuse them
                switch (s.text().toLowerCase(java.util.Locale.ROOT)) {
                    case ".nan":
                        return Double.NaN;
                    case ".inf":
                    case "+.inf":
                        return Double.POSITIVE_INFINITY;
                    case "-.inf":
                        return Double.NEGATIVE_INFINITY;
                    default:
                        break;
                }
                try {
                    return Double.parseDouble(s.text());
                } catch (NumberFormatException e) {
                    throw new SpecFormatException(source, n.line(), path, "expected a number, found " + n.describe());
                }
            }
            if (s.type() == Node.Scalar.Type.STRING) {
                if (NUMBER.matcher(s.text()).matches()) {
                    // YAML 1.1 reads 1.0E10 (no exponent sign) as a string; Java writes doubles that way
                    return Double.parseDouble(s.text());
                }
                switch (s.text()) {
                    case "Infinity":
                    case ".inf":
                        return Double.POSITIVE_INFINITY;
                    case "-Infinity":
                    case "-.inf":
                        return Double.NEGATIVE_INFINITY;
                    default:
                        break;
                }
            }
        }
        throw new SpecFormatException(source, n.line(), path, "expected a number, found " + n.describe());
    }

    static boolean bool(String source, Node n, String path) {
        if (n instanceof Node.Scalar && ((Node.Scalar) n).type() == Node.Scalar.Type.BOOLEAN) {
            return Boolean.parseBoolean(((Node.Scalar) n).text());
        }
        throw new SpecFormatException(source, n.line(), path, "expected true or false, found " + n.describe());
    }
}
