package org.mtl4j.cli.internal.svg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChartsTest {

    @Test
    void lineChartDrawsOnePathPerSeriesAndBreaksAtNaN() {
        LineChart c = new LineChart("Loss <per> epoch", "epoch", "loss")
                .add(new LineChart.Series("ctr", new double[] {1, 2, 3, 4}, new double[] {0.5, 0.4, Double.NaN, 0.3}, 0, false))
                .add(new LineChart.Series("cvr", new double[] {1, 2, 3, 4}, new double[] {0.9, 0.7, 0.6, 0.5}, 1, true));
        String svg = c.render();
        assertThat(svg).startsWith("<svg").endsWith("</svg>").contains("<title>Loss &lt;per&gt; epoch</title>");
        assertThat(count(svg, "class=\"line\"")).isEqualTo(2);
        // the NaN at epoch 3 lifts the pen: the ctr path has two M commands
        String ctr = svg.substring(svg.indexOf("data-series=\"ctr\""));
        ctr = ctr.substring(0, ctr.indexOf("/>"));
        assertThat(count(ctr, "M")).isEqualTo(2);
        assertThat(svg).contains("stroke-dasharray=\"6 4\"");
        assertThat(c.hasData()).isTrue();
    }

    @Test
    void lineChartMapsExtremesToThePlotEdges() {
        // y from 0 to 1 with ticks 0..1: the first point sits on the bottom edge (y = 300 - 42), the last on the top (30)
        String svg = new LineChart("t", "x", "y").add(new LineChart.Series("s", new double[] {0, 10}, new double[] {0, 1}, 0, false)).render();
        assertThat(svg).contains("d=\"M62.00 258.00L490.00 30.00\"");
    }

    @Test
    void chartsWithoutDataShowTheNote() {
        LineChart empty = new LineChart("Task weights", "step", "w")
                .add(new LineChart.Series("ctr", new double[] {1}, new double[] {Double.NaN}, 0, false));
        assertThat(empty.hasData()).isFalse();
        assertThat(empty.render()).contains("<title>Task weights</title>").contains(Svg.NO_DATA).doesNotContain("class=\"line\"");
        Heatmap h = new Heatmap("Experts", List.of(), List.of(), new double[0][], false, 0, 1);
        assertThat(h.render()).contains(Svg.NO_DATA);
        BarChart b = new BarChart("Clipping", "n", List.of());
        assertThat(b.render()).contains(Svg.NO_DATA);
    }

    @Test
    void heatmapColoursFollowTheSign() {
        Heatmap h = new Heatmap("cos", List.of("a", "b"), List.of("a", "b"), new double[][] {{1, -1}, {-0.5, Double.NaN}}, true, -1, 1);
        assertThat(h.fill(1)).isEqualTo("#d62728");
        assertThat(h.fill(-1)).isEqualTo("#1f77b4");
        assertThat(h.fill(0)).isEqualTo("#ffffff");
        assertThat(h.fill(Double.NaN)).isEqualTo("#cccccc");
        String svg = h.render();
        assertThat(count(svg, "class=\"cell\"")).isEqualTo(4);
        assertThat(svg).contains(">-0.5<").contains(">n/a<");
        assertThatThrownBy(() -> new Heatmap("bad", List.of("a"), List.of("a", "b"), new double[][] {{1}}, true, -1, 1))
                .hasMessage("heatmap 'bad' has 2 column labels but a row of 1");
    }

    @Test
    void barChartDrawsABarPerFiniteValue() {
        BarChart b = new BarChart("Clipping events", "steps", List.of("epoch 1", "epoch 2"))
                .add(new BarChart.Series("global-norm", new double[] {3, 0}, 0))
                .add(new BarChart.Series("value", new double[] {1, Double.NaN}, 1));
        String svg = b.render();
        assertThat(count(svg, "class=\"bar\"")).isEqualTo(3);
        assertThat(svg).contains("global-norm / epoch 1: 3");
    }

    @Test
    void ticksAreNice() {
        Ticks t = Ticks.of(0.23, 0.71, 5);
        assertThat(t.step()).isEqualTo(0.2, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(t.lo()).isEqualTo(0.2, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(t.hi()).isEqualTo(0.8, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(t.count()).isEqualTo(4);
        assertThat(Svg.label(0.30000000000000004)).isEqualTo("0.3");
        assertThat(Svg.label(1234.5)).isEqualTo("1235");
    }

    static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + needle.length())) {
            n++;
        }
        return n;
    }
}
