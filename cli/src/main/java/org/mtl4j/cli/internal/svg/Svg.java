package org.mtl4j.cli.internal.svg;

import java.util.Locale;

/** Escaping, number formatting and the shared frame of every chart. */
public final class Svg {
    /** The note shown instead of an empty plot. */
    public static final String NO_DATA = "no data recorded";

    /** Tableau 10: distinguishable categorical colours. */
    private static final String[] PALETTE = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
        "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};

    private Svg() {
    }

    public static String color(int i) {
        return PALETTE[Math.floorMod(i, PALETTE.length)];
    }

    /** Escapes text for element content and attribute values. */
    public static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** A coordinate with two decimals, locale independent. */
    public static String c(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /** A tick or cell label: compact, at most 4 significant digits. */
    public static String label(double v) {
        if (v == 0) {
            return "0";
        }
        double a = Math.abs(v);
        if (a >= 1e5 || a < 1e-3) {
            return String.format(Locale.ROOT, "%.2g", v);
        }
        String s = String.format(Locale.ROOT, "%.4g", v);
        if (s.contains(".") && !s.contains("e")) {
            s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return s;
    }

    /** Opens an svg of the given size with its title element and the visible title text. */
    static StringBuilder open(String cssClass, String title, int width, int height) {
        StringBuilder b = new StringBuilder(4096);
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"").append(cssClass).append("\" width=\"").append(width)
                .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(width).append(' ').append(height)
                .append("\" role=\"img\" font-family=\"sans-serif\" font-size=\"11\">");
        b.append("<title>").append(esc(title)).append("</title>");
        b.append("<rect class=\"background\" x=\"0\" y=\"0\" width=\"").append(width).append("\" height=\"").append(height)
                .append("\" fill=\"#ffffff\"/>");
        b.append("<text class=\"chart-title\" x=\"").append(width / 2).append("\" y=\"18\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\">")
                .append(esc(title)).append("</text>");
        return b;
    }

    /** The whole svg of a chart that has nothing to draw: its title and a clear note. */
    static String noData(String title, int width) {
        int height = 90;
        StringBuilder b = open("chart nodata", title, width, height);
        b.append("<text class=\"nodata-note\" x=\"").append(width / 2).append("\" y=\"55\" text-anchor=\"middle\" fill=\"#777777\" font-style=\"italic\">")
                .append(NO_DATA).append("</text></svg>");
        return b.toString();
    }

    /** The whole svg of a chart that cannot apply: its title and {@code note}. */
    public static String note(String title, String note) {
        int width = 640;
        StringBuilder b = open("chart nodata", title, width, 90);
        b.append("<text class=\"nodata-note\" x=\"").append(width / 2).append("\" y=\"55\" text-anchor=\"middle\" fill=\"#777777\" font-style=\"italic\">")
                .append(esc(note)).append("</text></svg>");
        return b.toString();
    }
}
