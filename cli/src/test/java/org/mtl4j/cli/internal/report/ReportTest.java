package org.mtl4j.cli.internal.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.metric.Evaluation;
import org.mtl4j.cli.internal.svg.Chart;
import org.mtl4j.cli.internal.svg.Heatmap;
import org.mtl4j.cli.internal.svg.LineChart;
import org.mtl4j.cli.internal.svg.Svg;

class ReportTest {

    @Test
    void everyChartHasDataForAnMmoeRunWithClipping() {
        Report r = new Report("funnel", Histories.mmoeWithClipping()).clippers(List.of("global-norm"));
        List<Chart> charts = r.charts();
        assertThat(charts).hasSize(Report.CHART_IDS.size());
        assertThat(charts).allMatch(Chart::hasData);
        String html = r.html();
        assertThat(count(html, "<svg")).isEqualTo(6);
        // self-contained: nothing fetched (no script, stylesheet, image, font or url() reference)
        assertThat(html).doesNotContain("<script").doesNotContain("<link").doesNotContain("<img").doesNotContain("url(")
                .doesNotContain("@import").doesNotContainPattern("(src|href)\\s*=");
        assertThat(html).contains("<title>Gradient conflict (mean cosine)</title>");
    }

    @Test
    void chartsAggregateTheDiagnosticsCorrectly() {
        Report r = new Report("funnel", Histories.mmoeWithClipping());
        // cosines per epoch: -0.2, -0.1, 0, 0.1, 0.2 -> mean 0 off the diagonal, 1 on it
        Heatmap conflict = r.conflictChart();
        assertThat(conflict.render()).contains("ctr / ctcvr: 0<").contains("ctr / ctr: 1<");
        // gate weights are constant, so the mean is the value
        assertThat(r.expertChart().render()).contains("ctcvr / expert 2: 0.6<").contains("ctr / expert 0: 0.6<");
        // 3 clipping events per epoch (s = 0, 2, 4), one bar per epoch
        String clip = r.clippingChart().render();
        assertThat(clip).contains("global-norm / epoch 1: 3<").contains("global-norm / epoch 3: 3<");
        LineChart loss = r.lossChart();
        assertThat(loss.series()).extracting(LineChart.Series::name)
                .containsExactly("ctr train", "ctr valid", "ctcvr train", "ctcvr valid");
        // third epoch (0-based 2, shown as 3): 0.33 - 0.04
        assertThat(loss.series().get(0).x()[2]).isEqualTo(3.0);
        assertThat(loss.series().get(0).y()[2]).isEqualTo(0.29, offset(1e-12));
        // weights from the sampled steps: 15 points per task
        assertThat(r.weightChart().series().get(0).x()).hasSize(15);
    }

    @Test
    void chartsWithoutDataSayNoDataRecorded() {
        Report r = new Report("sb", Histories.sharedBottomNoDiagnostics());
        String html = r.html();
        assertThat(count(html, "<svg")).isEqualTo(6);
        // loss and weights (per epoch) have data; gradient norms, conflict, clipping, experts do not
        assertThat(count(html, Svg.NO_DATA)).isEqualTo(4 + 1); // + the metric table note (no evaluation)
        assertThat(html).contains("id=\"chart-loss\" data-has-data=\"true\"")
                .contains("id=\"chart-weights\" data-has-data=\"true\"")
                .contains("id=\"chart-expert-utilisation\" data-has-data=\"false\"");
        assertThat(r.lossChart().series()).extracting(LineChart.Series::name).containsExactly("ctr train", "ctcvr train");
    }

    @Test
    void metricTableShowsGainWithSign() {
        Evaluation mtl = new Evaluation(Map.of("ctr", Map.of("auc", 0.71, "logloss", 0.30)), Map.of("ctr", 0.30), Map.of("ctr", 100L));
        Evaluation single = new Evaluation(Map.of("ctr", Map.of("auc", 0.70, "logloss", 0.31)), Map.of("ctr", 0.31), Map.of("ctr", 100L));
        String table = new Report("m", Histories.sharedBottomNoDiagnostics()).evaluation("test", mtl)
                .gain(single, Map.of("ctr", Map.of("auc", 0.01, "logloss", -0.01))).metricTable();
        assertThat(table).contains("<th>test</th><th>single-task (independent)</th><th>MTL gain</th>")
                .contains("<td class=\"name\">auc</td><td>0.7100</td><td>0.7000</td><td class=\"pos\">+0.0100</td><td>100</td>")
                .contains("<td class=\"neg\">-0.0100</td>");
    }

    static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + needle.length())) {
            n++;
        }
        return n;
    }

    @Test
    void eachTaskHasItsOwnLossPanelAndTheHeaderSaysWhichEpochTheModelHolds() {
        org.mtl4j.api.train.TrainingHistory h = Histories.mmoeWithClipping();
        org.mtl4j.api.train.TrainingHistory best = new org.mtl4j.api.train.TrainingHistory(h.tasks(), h.epochs(), h.diagnostics(),
                "early stopping after epoch 3: ...", 1, true);
        Report r = new Report("funnel", best);
        org.mtl4j.cli.internal.svg.PanelChart panels = r.lossPanels();
        assertThat(panels.panels()).extracting(LineChart::title).containsExactly("ctr", "ctcvr");
        assertThat(panels.panels().get(0).series()).extracting(LineChart.Series::name).containsExactly("ctr train", "ctr valid");
        assertThat(panels.panels().get(1).series()).extracting(LineChart.Series::name).containsExactly("ctcvr train", "ctcvr valid");
        String svg = panels.render();
        // one svg, two panels, each with its own axes
        assertThat(count(svg, "<svg")).isEqualTo(1);
        assertThat(count(svg, "class=\"panel\"")).isEqualTo(2);
        assertThat(count(svg, "class=\"frame\"")).isEqualTo(2);
        assertThat(r.html()).contains("<p class=\"run\">3 epochs ran; model = epoch 2 (best). early stopping after epoch 3: ...</p>");
    }

    @Test
    void aModelWithoutSharedParametersSaysSoInsteadOfShowingZeros() {
        Report r = new Report("ind", Histories.mmoeWithClipping()).sharedParameters(false);
        String html = r.html();
        assertThat(count(html, "the model has no shared parameters (independent topology): nothing to compare")).isEqualTo(2);
        assertThat(html).contains("id=\"chart-gradient-norms\" data-has-data=\"false\"")
                .contains("id=\"chart-gradient-conflict\" data-has-data=\"false\"");
    }
}
