package org.mtl4j.cli.internal.svg;

import java.util.List;

/**
 * A matrix of coloured cells with their values written in. Diverging scale (blue for negative, red
 * for positive, white at 0) for signed values such as gradient cosines; sequential (white to blue)
 * otherwise. NaN cells are grey and read "n/a".
 */
public final class Heatmap implements Chart {
    private static final int CELL_W = 64;
    private static final int CELL_H = 30;
    private static final int LEFT = 110;
    private static final int TOP = 60;

    private final String title;
    private final List<String> rows;
    private final List<String> columns;
    private final double[][] values;
    private final boolean diverging;
    private final double lo;
    private final double hi;

    /**
     * @param lo the value drawn palest (sequential) or the negative end (diverging)
     * @param hi the value drawn darkest (sequential) or the positive end (diverging)
     */
    public Heatmap(String title, List<String> rows, List<String> columns, double[][] values, boolean diverging, double lo, double hi) {
        this.title = title;
        this.rows = List.copyOf(rows);
        this.columns = List.copyOf(columns);
        this.values = values;
        this.diverging = diverging;
        this.lo = lo;
        this.hi = hi;
        if (values.length != rows.size()) {
            throw new IllegalArgumentException("heatmap '" + title + "' has " + rows.size() + " row labels but " + values.length + " rows");
        }
        for (double[] r : values) {
            if (r.length != columns.size()) {
                throw new IllegalArgumentException("heatmap '" + title + "' has " + columns.size() + " column labels but a row of " + r.length);
            }
        }
    }

    @Override
    public String title() {
        return title;
    }

    @Override
    public boolean hasData() {
        return !rows.isEmpty() && !columns.isEmpty();
    }

    /** The fill of a value: a CSS colour. */
    String fill(double v) {
        if (!Double.isFinite(v)) {
            return "#cccccc";
        }
        if (diverging) {
            double t = Math.max(-1, Math.min(1, v >= 0 ? v / hi : -v / lo));
            // white -> red for positive, white -> blue for negative
            int[] to = v >= 0 ? new int[] {214, 39, 40} : new int[] {31, 119, 180};
            return mix(Math.abs(t), to);
        }
        double t = Math.max(0, Math.min(1, (v - lo) / (hi - lo)));
        return mix(t, new int[] {31, 119, 180});
    }

    private static String mix(double t, int[] to) {
        int r = (int) Math.round(255 + t * (to[0] - 255));
        int g = (int) Math.round(255 + t * (to[1] - 255));
        int b = (int) Math.round(255 + t * (to[2] - 255));
        return String.format("#%02x%02x%02x", r, g, b);
    }

    @Override
    public String render() {
        int width = Math.max(360, LEFT + columns.size() * CELL_W + 20);
        if (!hasData()) {
            return Svg.noData(title, width);
        }
        int height = TOP + rows.size() * CELL_H + 40;
        StringBuilder b = Svg.open("chart heatmap", title, width, height);
        b.append("<g class=\"column-labels\">");
        for (int j = 0; j < columns.size(); j++) {
            b.append("<text x=\"").append(LEFT + j * CELL_W + CELL_W / 2).append("\" y=\"").append(TOP - 8)
                    .append("\" text-anchor=\"middle\">").append(Svg.esc(columns.get(j))).append("</text>");
        }
        b.append("</g><g class=\"row-labels\">");
        for (int i = 0; i < rows.size(); i++) {
            b.append("<text x=\"").append(LEFT - 8).append("\" y=\"").append(TOP + i * CELL_H + CELL_H / 2 + 4)
                    .append("\" text-anchor=\"end\">").append(Svg.esc(rows.get(i))).append("</text>");
        }
        b.append("</g><g class=\"cells\">");
        for (int i = 0; i < rows.size(); i++) {
            for (int j = 0; j < columns.size(); j++) {
                double v = values[i][j];
                int x = LEFT + j * CELL_W;
                int y = TOP + i * CELL_H;
                b.append("<rect class=\"cell\" x=\"").append(x).append("\" y=\"").append(y).append("\" width=\"").append(CELL_W)
                        .append("\" height=\"").append(CELL_H).append("\" fill=\"").append(fill(v))
                        .append("\" stroke=\"#ffffff\"><title>").append(Svg.esc(rows.get(i))).append(" / ")
                        .append(Svg.esc(columns.get(j))).append(": ").append(Double.isFinite(v) ? Svg.label(v) : "n/a")
                        .append("</title></rect>");
                double t = Double.isFinite(v) ? (diverging ? Math.abs(v >= 0 ? v / hi : v / lo) : (v - lo) / (hi - lo)) : 0;
                b.append("<text x=\"").append(x + CELL_W / 2).append("\" y=\"").append(y + CELL_H / 2 + 4)
                        .append("\" text-anchor=\"middle\" fill=\"").append(t > 0.6 ? "#ffffff" : "#222222").append("\">")
                        .append(Double.isFinite(v) ? Svg.label(Math.round(v * 1000) / 1000.0) : "n/a").append("</text>");
            }
        }
        b.append("</g>");
        String scale = diverging ? "colour: " + Svg.label(lo) + " (blue) .. 0 (white) .. " + Svg.label(hi) + " (red)"
                : "colour: " + Svg.label(lo) + " (white) .. " + Svg.label(hi) + " (blue)";
        b.append("<text class=\"scale-note\" x=\"").append(LEFT).append("\" y=\"").append(height - 12).append("\" fill=\"#555555\">")
                .append(Svg.esc(scale)).append("</text></svg>");
        return b.toString();
    }
}
