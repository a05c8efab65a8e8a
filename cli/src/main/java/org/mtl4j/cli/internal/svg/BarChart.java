package org.mtl4j.cli.internal.svg;

import java.util.ArrayList;
import java.util.List;

/** Grouped vertical bars: one group per category, one bar per series, from a zero baseline. */
public final class BarChart implements Chart {
    private static final int HEIGHT = 300;
    private static final int LEFT = 62;
    private static final int RIGHT_LEGEND = 150;
    private static final int TOP = 30;
    private static final int BOTTOM = 56;

    /** One series of bars, a value per category (NaN: no bar). */
    public record Series(String name, double[] values, int color) {
    }

    private final String title;
    private final String yLabel;
    private final List<String> categories;
    private final List<Series> series = new ArrayList<>();

    public BarChart(String title, String yLabel, List<String> categories) {
        this.title = title;
        this.yLabel = yLabel;
        this.categories = List.copyOf(categories);
    }

    public BarChart add(Series s) {
        if (s.values.length != categories.size()) {
            throw new IllegalArgumentException("bar series '" + s.name + "' has " + s.values.length + " values for "
                    + categories.size() + " categories");
        }
        series.add(s);
        return this;
    }

    @Override
    public String title() {
        return title;
    }

    @Override
    public boolean hasData() {
        for (Series s : series) {
            for (double v : s.values) {
                if (Double.isFinite(v)) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public String render() {
        int groupW = Math.max(40, 18 * Math.max(1, series.size()) + 16);
        int width = Math.max(420, LEFT + RIGHT_LEGEND + categories.size() * groupW + 10);
        if (!hasData()) {
            return Svg.noData(title, width);
        }
        double max = 0;
        double min = 0;
        for (Series s : series) {
            for (double v : s.values) {
                if (Double.isFinite(v)) {
                    max = Math.max(max, v);
                    min = Math.min(min, v);
                }
            }
        }
        if (max == min) {
            max = 1;
        }
        Ticks yt = Ticks.of(min, max, 5);
        int pw = width - LEFT - RIGHT_LEGEND;
        int ph = HEIGHT - TOP - BOTTOM;
        StringBuilder b = Svg.open("chart bar-chart", title, width, HEIGHT);
        b.append("<g class=\"axes\" stroke=\"#dddddd\">");
        for (int i = 0; i < yt.count(); i++) {
            double py = y(yt.value(i), yt, ph);
            b.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(Svg.c(py)).append("\" x2=\"").append(LEFT + pw)
                    .append("\" y2=\"").append(Svg.c(py)).append("\"/>");
        }
        b.append("</g><g class=\"tick-labels\" fill=\"#444444\">");
        for (int i = 0; i < yt.count(); i++) {
            b.append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(Svg.c(y(yt.value(i), yt, ph) + 4))
                    .append("\" text-anchor=\"end\">").append(Svg.label(yt.value(i))).append("</text>");
        }
        double slot = (double) pw / Math.max(1, categories.size());
        for (int c = 0; c < categories.size(); c++) {
            b.append("<text x=\"").append(Svg.c(LEFT + slot * c + slot / 2)).append("\" y=\"").append(TOP + ph + 16)
                    .append("\" text-anchor=\"middle\">").append(Svg.esc(categories.get(c))).append("</text>");
        }
        b.append("</g>");
        b.append("<text class=\"axis-label\" transform=\"translate(14 ").append(TOP + ph / 2).append(") rotate(-90)\" text-anchor=\"middle\">")
                .append(Svg.esc(yLabel)).append("</text>");
        b.append("<g class=\"bars\">");
        double barW = Math.min(28, (slot - 12) / Math.max(1, series.size()));
        for (int c = 0; c < categories.size(); c++) {
            double x0 = LEFT + slot * c + (slot - barW * series.size()) / 2;
            for (int s = 0; s < series.size(); s++) {
                double v = series.get(s).values[c];
                if (!Double.isFinite(v)) {
                    continue;
                }
                double y0 = y(0, yt, ph);
                double y1 = y(v, yt, ph);
                double top = Math.min(y0, y1);
                double h = Math.max(1, Math.abs(y1 - y0));
                b.append("<rect class=\"bar\" x=\"").append(Svg.c(x0 + s * barW)).append("\" y=\"").append(Svg.c(top))
                        .append("\" width=\"").append(Svg.c(barW - 2)).append("\" height=\"").append(Svg.c(h))
                        .append("\" fill=\"").append(Svg.color(series.get(s).color)).append("\"><title>")
                        .append(Svg.esc(series.get(s).name)).append(" / ").append(Svg.esc(categories.get(c))).append(": ")
                        .append(Svg.label(v)).append("</title></rect>");
            }
        }
        b.append("</g>");
        b.append("<path class=\"frame\" d=\"M").append(LEFT).append(' ').append(TOP).append("V").append(TOP + ph).append("H")
                .append(LEFT + pw).append("\" fill=\"none\" stroke=\"#333333\"/>");
        b.append("<g class=\"legend\">");
        int ly = TOP + 8;
        for (Series s : series) {
            int lx = LEFT + pw + 14;
            b.append("<rect x=\"").append(lx).append("\" y=\"").append(ly - 6).append("\" width=\"12\" height=\"12\" fill=\"")
                    .append(Svg.color(s.color)).append("\"/><text x=\"").append(lx + 18).append("\" y=\"").append(ly + 4)
                    .append("\">").append(Svg.esc(s.name)).append("</text>");
            ly += 16;
        }
        b.append("</g></svg>");
        return b.toString();
    }

    private static double y(double v, Ticks t, int ph) {
        return TOP + ph - (v - t.lo()) / (t.hi() - t.lo()) * ph;
    }
}
