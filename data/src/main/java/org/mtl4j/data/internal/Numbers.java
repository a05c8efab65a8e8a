package org.mtl4j.data.internal;

/**
 * Fast decimal parsing for the hot path of the row parser. Plain decimals ({@code -12.5e-3}) with at
 * most 18 significant digits and a decimal exponent within +-22 are parsed exactly as a double by
 * Clinger's fast path (W. D. Clinger, "How to read floating point numbers accurately", PLDI 1990:
 * an integer mantissa below 2^53 times an exactly representable power of ten is one correctly
 * rounded operation) and then rounded to float; everything else ({@code NaN}, {@code Infinity},
 * long mantissas) goes to {@link Float#parseFloat}, which also throws for text that is not a
 * number. Java's own number syntax beyond decimals is refused: {@code 0x1p3} (hexadecimal) and
 * {@code 1.5d} / {@code 1.5f} (type suffixes) are not numbers in a data file.
 */
public final class Numbers {
    private static final double[] POW10 = new double[23];

    static {
        double p = 1;
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = p;
            p *= 10;
        }
    }

    private Numbers() {
    }

    /** The slow path, refusing what Java parses but a CSV number is not: hexadecimal and type suffixes. */
    static float slow(String s) {
        String t = s.strip();
        if (!t.equals("NaN") && !t.endsWith("Infinity")) {
            for (int i = 0; i < t.length(); i++) {
                char c = t.charAt(i);
                if (!(c >= '0' && c <= '9') && c != '.' && c != '-' && c != '+' && c != 'e' && c != 'E') {
                    throw new NumberFormatException("not a decimal number: \"" + s + "\"");
                }
            }
        }
        return Float.parseFloat(s);
    }

    public static float parseFloat(String s) {
        int i = 0;
        int n = s.length();
        while (i < n && s.charAt(i) <= ' ') {
            i++;
        }
        while (n > i && s.charAt(n - 1) <= ' ') {
            n--;
        }
        if (i == n) {
            return slow(s); // throws: empty
        }
        boolean neg = false;
        char c = s.charAt(i);
        if (c == '-' || c == '+') {
            neg = c == '-';
            i++;
        }
        long m = 0;
        int sig = 0;
        int exp10 = 0;
        boolean any = false;
        while (i < n && (c = s.charAt(i)) >= '0' && c <= '9') {
            if (m != 0 || c != '0') {
                if (++sig > 18) {
                    return slow(s);
                }
                m = m * 10 + (c - '0');
            }
            any = true;
            i++;
        }
        if (i < n && s.charAt(i) == '.') {
            i++;
            while (i < n && (c = s.charAt(i)) >= '0' && c <= '9') {
                if (m != 0 || c != '0') {
                    if (++sig > 18) {
                        return slow(s);
                    }
                    m = m * 10 + (c - '0');
                }
                exp10--;
                any = true;
                i++;
            }
        }
        if (!any) {
            return slow(s);
        }
        if (i < n && ((c = s.charAt(i)) == 'e' || c == 'E')) {
            i++;
            boolean eneg = false;
            if (i < n && ((c = s.charAt(i)) == '-' || c == '+')) {
                eneg = c == '-';
                i++;
            }
            int e = 0;
            boolean eany = false;
            while (i < n && (c = s.charAt(i)) >= '0' && c <= '9') {
                if (e < 10_000) {
                    e = e * 10 + (c - '0');
                }
                eany = true;
                i++;
            }
            if (!eany) {
                return slow(s);
            }
            exp10 += eneg ? -e : e;
        }
        if (i != n) {
            return slow(s);
        }
        if (m == 0) {
            return neg ? -0f : 0f;
        }
        if (exp10 < -22 || exp10 > 22) {
            return slow(s);
        }
        double d = exp10 >= 0 ? m * POW10[exp10] : m / POW10[-exp10];
        return (float) (neg ? -d : d);
    }
}
