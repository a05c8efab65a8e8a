package org.mtl4j.cli.internal.svg;

import java.util.List;

/**
 * Line charts stacked in one svg, one panel per task, each with its own y scale: a task whose loss
 * is 100x another's does not flatten it. Panels without data are left out; with none, the chart says
 * "no data recorded".
 */
public final class PanelChart implements Chart {
    private static final int HEAD = 24;
    private final String title;
    private final List<LineChart> panels;

    public PanelChart(String title, List<LineChart> panels) {
        this.title = title;
        this.panels = List.copyOf(panels);
    }

    public List<LineChart> panels() {
        return panels;
    }

    @Override
    public String title() {
        return title;
    }

    @Override
    public boolean hasData() {
        return panels.stream().anyMatch(LineChart::hasData);
    }

    @Override
    public String render() {
        List<LineChart> drawn = panels.stream().filter(LineChart::hasData).toList();
        if (drawn.isEmpty()) {
            return Svg.noData(title, LineChart.WIDTH);
        }
        int height = HEAD + drawn.size() * LineChart.HEIGHT;
        StringBuilder b = Svg.open("chart panel-chart", title, LineChart.WIDTH, height);
        for (int i = 0; i < drawn.size(); i++) {
            LineChart c = drawn.get(i);
            b.append("<g class=\"panel\" data-panel=\"").append(Svg.esc(c.title())).append("\" transform=\"translate(0 ")
                    .append(HEAD + i * LineChart.HEIGHT).append(")\">");
            b.append("<text class=\"panel-title\" x=\"").append(LineChart.WIDTH / 2).append("\" y=\"14\" text-anchor=\"middle\">")
                    .append(Svg.esc(c.title())).append("</text>");
            c.body(b);
            b.append("</g>");
        }
        return b.append("</svg>").toString();
    }
}
