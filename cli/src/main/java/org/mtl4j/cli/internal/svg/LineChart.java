package org.mtl4j.cli.internal.svg;

import java.util.ArrayList;
import java.util.List;

/**
 * Lines over a numeric x axis (epochs, steps). Non-finite points break a line instead of being drawn;
 * a series with a single finite point is drawn as a marker.
 */
public final class LineChart implements Chart {
    static final int WIDTH = 640;
    static final int HEIGHT = 300;
    private static final int LEFT = 62;
    private static final int RIGHT_LEGEND = 150;
    private static final int TOP = 30;
    private static final int BOTTOM = 42;

    /** One line: its legend name, points, colour index and whether it is dashed. */
    public record Series(String name, double[] x, double[] y, int color, boolean dashed) {
        public Series {
            if (x.length != y.length) {
                throw new IllegalArgumentException("series '" + name + "' has " + x.length + " x values but " + y.length + " y values");
            }
        }

        boolean hasFinitePoint() {
            for (int i = 0; i < x.length; i++) {
                if (Double.isFinite(x[i]) && Double.isFinite(y[i])) {
                    return true;
                }
            }
            return false;
        }
    }

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Series> series = new ArrayList<>();

    public LineChart(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    public LineChart add(Series s) {
        series.add(s);
        return this;
    }

    public List<Series> series() {
        return List.copyOf(series);
    }

    @Override
    public String title() {
        return title;
    }

    @Override
    public boolean hasData() {
        return series.stream().anyMatch(Series::hasFinitePoint);
    }

    private boolean integerX() {
        for (Series s : series) {
            for (double x : s.x) {
                if (Double.isFinite(x) && x != Math.rint(x)) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public String render() {
        if (!hasData()) {
            return Svg.noData(title, WIDTH);
        }
        StringBuilder b = Svg.open("chart line-chart", title, WIDTH, HEIGHT);
        body(b);
        return b.append("</svg>").toString();
    }

    /** The axes, lines and legend (no svg element around them), in a WIDTH x HEIGHT box; a chart with data only. */
    void body(StringBuilder b) {
        double xmin = Double.POSITIVE_INFINITY;
        double xmax = Double.NEGATIVE_INFINITY;
        double ymin = Double.POSITIVE_INFINITY;
        double ymax = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.x.length; i++) {
                if (Double.isFinite(s.x[i]) && Double.isFinite(s.y[i])) {
                    xmin = Math.min(xmin, s.x[i]);
                    xmax = Math.max(xmax, s.x[i]);
                    ymin = Math.min(ymin, s.y[i]);
                    ymax = Math.max(ymax, s.y[i]);
                }
            }
        }
        Ticks xt = Ticks.of(xmin, xmax, 6);
        if (integerX() && xt.step() < 1) {
            // epochs and steps: no ticks between whole numbers
            xt = new Ticks(Math.floor(xt.lo()), Math.ceil(xt.hi()), 1);
        }
        Ticks yt = Ticks.of(ymin, ymax, 5);
        int pw = WIDTH - LEFT - RIGHT_LEGEND;
        int ph = HEIGHT - TOP - BOTTOM;
        // grid and axes
        b.append("<g class=\"axes\" stroke=\"#dddddd\" stroke-width=\"1\">");
        for (int i = 0; i < yt.count(); i++) {
            double py = TOP + ph - (yt.value(i) - yt.lo()) / (yt.hi() - yt.lo()) * ph;
            b.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(Svg.c(py)).append("\" x2=\"").append(LEFT + pw)
                    .append("\" y2=\"").append(Svg.c(py)).append("\"/>");
        }
        b.append("</g><g class=\"tick-labels\" fill=\"#444444\">");
        for (int i = 0; i < yt.count(); i++) {
            double py = TOP + ph - (yt.value(i) - yt.lo()) / (yt.hi() - yt.lo()) * ph;
            b.append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(Svg.c(py + 4)).append("\" text-anchor=\"end\">")
                    .append(Svg.label(yt.value(i))).append("</text>");
        }
        for (int i = 0; i < xt.count(); i++) {
            double px = LEFT + (xt.value(i) - xt.lo()) / (xt.hi() - xt.lo()) * pw;
            b.append("<text x=\"").append(Svg.c(px)).append("\" y=\"").append(TOP + ph + 15).append("\" text-anchor=\"middle\">")
                    .append(Svg.label(xt.value(i))).append("</text>");
        }
        b.append("</g>");
        b.append("<path class=\"frame\" d=\"M").append(LEFT).append(' ').append(TOP).append("V").append(TOP + ph).append("H")
                .append(LEFT + pw).append("\" fill=\"none\" stroke=\"#333333\"/>");
        b.append("<text class=\"axis-label\" x=\"").append(LEFT + pw / 2).append("\" y=\"").append(HEIGHT - 8)
                .append("\" text-anchor=\"middle\">").append(Svg.esc(xLabel)).append("</text>");
        b.append("<text class=\"axis-label\" transform=\"translate(14 ").append(TOP + ph / 2).append(") rotate(-90)\" text-anchor=\"middle\">")
                .append(Svg.esc(yLabel)).append("</text>");
        // lines
        b.append("<g class=\"series\" fill=\"none\" stroke-width=\"2\">");
        for (Series s : series) {
            String col = Svg.color(s.color);
            StringBuilder d = new StringBuilder();
            boolean pen = false;
            int drawn = 0;
            double lastX = 0;
            double lastY = 0;
            for (int i = 0; i < s.x.length; i++) {
                if (!(Double.isFinite(s.x[i]) && Double.isFinite(s.y[i]))) {
                    pen = false;
                    continue;
                }
                lastX = LEFT + (s.x[i] - xt.lo()) / (xt.hi() - xt.lo()) * pw;
                lastY = TOP + ph - (s.y[i] - yt.lo()) / (yt.hi() - yt.lo()) * ph;
                d.append(pen ? 'L' : 'M').append(Svg.c(lastX)).append(' ').append(Svg.c(lastY));
                pen = true;
                drawn++;
            }
            if (drawn == 0) {
                continue;
            }
            b.append("<path class=\"line\" data-series=\"").append(Svg.esc(s.name)).append("\" d=\"").append(d)
                    .append("\" stroke=\"").append(col).append('"');
            if (s.dashed) {
                b.append(" stroke-dasharray=\"6 4\"");
            }
            b.append("/>");
            if (drawn <= 2 || s.x.length <= 30) {
                // markers make short series readable (an epoch curve of 1-3 points)
                for (int i = 0; i < s.x.length; i++) {
                    if (Double.isFinite(s.x[i]) && Double.isFinite(s.y[i])) {
                        double px = LEFT + (s.x[i] - xt.lo()) / (xt.hi() - xt.lo()) * pw;
                        double py = TOP + ph - (s.y[i] - yt.lo()) / (yt.hi() - yt.lo()) * ph;
                        b.append("<circle cx=\"").append(Svg.c(px)).append("\" cy=\"").append(Svg.c(py))
                                .append("\" r=\"3\" fill=\"").append(col).append("\" stroke=\"none\"/>");
                    }
                }
            }
        }
        b.append("</g>");
        // legend
        b.append("<g class=\"legend\">");
        int ly = TOP + 8;
        for (Series s : series) {
            int lx = LEFT + pw + 14;
            b.append("<path d=\"M").append(lx).append(' ').append(ly).append("h22\" stroke=\"").append(Svg.color(s.color))
                    .append("\" stroke-width=\"2\"");
            if (s.dashed) {
                b.append(" stroke-dasharray=\"6 4\"");
            }
            b.append("/><text x=\"").append(lx + 28).append("\" y=\"").append(ly + 4).append("\">").append(Svg.esc(s.name))
                    .append("</text>");
            ly += 16;
        }
        b.append("</g>");
    }
}
