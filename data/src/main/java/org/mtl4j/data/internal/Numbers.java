package org.mtl4j.data.internal;

/**
 * Fast decimal parsing for the hot path of the row parser. Plain decimals ({@code -12.5e-3}) with at
 * most 18 significant digits and a decimal exponent within +-22 are parsed exactly as a double by
 * Clinger's fast path (W. D. Clinger, "How to read floating point numbers accurately", PLDI 1990:
 * an integer mantissa below 2^53 times an exactly representable power of ten is one correctly
 * rounded operation) and then rounded to float; everything else ({@code NaN}, {@code Infinity},
 * hexadecimal, long mantissas, suffixes) goes to {@link Float#parseFloat}, which also throws for
 * text that is not a number.
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
            return Float.parseFloat(s); // throws: empty
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
                    return Float.parseFloat(s);
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
                        return Float.parseFloat(s);
                    }
                    m = m * 10 + (c - '0');
                }
                exp10--;
                any = true;
                i++;
            }
        }
        if (!any) {
            return Float.parseFloat(s);
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
                return Float.parseFloat(s);
            }
            exp10 += eneg ? -e : e;
        }
        if (i != n) {
            return Float.parseFloat(s);
        }
        if (m == 0) {
            return neg ? -0f : 0f;
        }
        if (exp10 < -22 || exp10 > 22) {
            return Float.parseFloat(s);
        }
        double d = exp10 >= 0 ? m * POW10[exp10] : m / POW10[-exp10];
        return (float) (neg ? -d : d);
    }
}
