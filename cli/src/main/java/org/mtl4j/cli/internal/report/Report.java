package org.mtl4j.cli.internal.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.mtl4j.api.metric.Evaluation;
import org.mtl4j.api.train.EpochSummary;
import org.mtl4j.api.train.StepDiagnostics;
import org.mtl4j.api.train.TrainingHistory;
import org.mtl4j.cli.internal.svg.BarChart;
import org.mtl4j.cli.internal.svg.Chart;
import org.mtl4j.cli.internal.svg.Heatmap;
import org.mtl4j.cli.internal.svg.LineChart;
import org.mtl4j.cli.internal.svg.PanelChart;
import org.mtl4j.cli.internal.svg.Svg;

/**
 * Renders one training run as a self-contained HTML page: no scripts, no external fonts or images;
 * every chart an inline {@code <svg>} with a title, or a "no data recorded" note when the run did not
 * record what the chart shows (e.g. expert utilisation for a shared-bottom model).
 *
 * <p>The API numbers epochs from 0; the report shows them from 1, as the progress bar does.
 */
public final class Report {
    /** The chart ids, in page order. */
    public static final List<String> CHART_IDS = List.of("loss", "weights", "gradient-norms", "gradient-conflict",
            "clipping", "expert-utilisation");

    private final String modelName;
    private final TrainingHistory history;
    private final Map<String, String> facts = new LinkedHashMap<>();
    private String specText = "";
    private List<String> clippers = List.of();
    private Evaluation evaluation;
    private String evaluationLabel = "validation";
    private Evaluation baseline;
    private Map<String, Map<String, Double>> gain = Map.of();
    private org.mtl4j.training.affinity.TaskAffinity affinity;
    private List<org.mtl4j.training.affinity.Grouping> groupings = List.of();
    private org.mtl4j.training.affinity.SharingAdvice advice;
    private boolean sharedParameters = true;

    /** @param history the training history, or null for a report without training (e.g. affinity only) */
    public Report(String modelName, TrainingHistory history) {
        this.modelName = modelName;
        this.history = history;
    }

    /** A line of the summary table (backend, topology, data, seed ...). */
    public Report fact(String key, String value) {
        facts.put(key, value == null ? "" : value);
        return this;
    }

    public Report spec(String yaml) {
        this.specText = yaml == null ? "" : yaml;
        return this;
    }

    /** The clippers the spec configured (their events are counted, a zero count included). */
    public Report clippers(List<String> names) {
        this.clippers = List.copyOf(names);
        return this;
    }

    public Report evaluation(String label, Evaluation e) {
        this.evaluationLabel = label;
        this.evaluation = e;
        return this;
    }

    /** The single-task baseline and the MTL gain against it (PLE's measure), when one was computed. */
    public Report gain(Evaluation single, Map<String, Map<String, Double>> mtlGain) {
        this.baseline = single;
        this.gain = mtlGain == null ? Map.of() : mtlGain;
        return this;
    }

    /**
     * Adds the task-affinity section: heatmaps of the lookahead affinity and the gradient cosines, the best
     * grouping per number of groups and the suggested topology.
     */
    public Report affinity(org.mtl4j.training.affinity.TaskAffinity a, List<org.mtl4j.training.affinity.Grouping> best,
            org.mtl4j.training.affinity.SharingAdvice suggestion) {
        this.affinity = a;
        this.groupings = best == null ? List.of() : List.copyOf(best);
        this.advice = suggestion;
        return this;
    }

    /** The affinity heatmaps (lookahead, cosine), empty when no affinity was measured. */
    public List<Chart> affinityCharts() {
        if (affinity == null) {
            return List.of();
        }
        double max = 0;
        for (double[] row : affinity.lookahead()) {
            for (double v : row) {
                if (Double.isFinite(v)) {
                    max = Math.max(max, Math.abs(v));
                }
            }
        }
        // the cells print 3 decimals: scale Z by a power of ten so its largest magnitude lies in [1, 10)
        int exp = max > 0 ? (int) Math.floor(Math.log10(max)) : 0;
        double scale = Math.pow(10, -exp);
        double[][] z = new double[affinity.size()][affinity.size()];
        for (int i = 0; i < z.length; i++) {
            for (int j = 0; j < z.length; j++) {
                z[i][j] = affinity.lookahead()[i][j] * scale;
            }
        }
        double lim = max > 0 ? max * scale : 1;
        String unit = exp == 0 ? "" : " (x 1e" + exp + ")";
        return List.of(new Heatmap("Lookahead affinity Z(row -> column)" + unit, affinity.tasks(), affinity.tasks(), z, true, lim, lim),
                new Heatmap("Gradient cosine on the shared parameters", affinity.tasks(), affinity.tasks(), affinity.cosine(), true,
                        1, 1));
    }

    private String affinitySection() {
        StringBuilder b = new StringBuilder();
        b.append("<h2 id=\"affinity\">Task affinity</h2>\n<p>Measured on ").append(affinity.sampledSteps()).append(" of ")
                .append(affinity.steps()).append(" training steps, lookahead learning rate ").append(gfmt(affinity.lookaheadRate()))
                .append(" (Fifty et al., NeurIPS 2021: Z(i -&gt; j) = 1 - L_j after a step on task i's gradient / L_j before; "
                        + "positive: i helps j).</p>\n<div class=\"charts\">\n");
        List<Chart> charts = affinityCharts();
        String[] ids = {"affinity-lookahead", "affinity-cosine"};
        String[] captions = {"Mean lookahead affinity of the row task onto the column task over the sampled steps (red: helps, "
                + "blue: hurts).", "Mean cosine between the tasks' gradients on the shared parameters (negative: conflict)."};
        for (int i = 0; i < charts.size(); i++) {
            b.append("<figure class=\"figure\" id=\"chart-").append(ids[i]).append("\" data-has-data=\"")
                    .append(charts.get(i).hasData()).append("\">\n").append(charts.get(i).render()).append("\n<figcaption>")
                    .append(Svg.esc(captions[i])).append("</figcaption>\n</figure>\n");
        }
        b.append("</div>\n");
        if (!groupings.isEmpty()) {
            b.append("<table id=\"groupings\">\n<tr><th>groups</th><th class=\"name\">best grouping</th><th>score</th></tr>\n");
            for (org.mtl4j.training.affinity.Grouping g : groupings) {
                b.append("<tr><td>").append(g.size()).append("</td><td class=\"name\">").append(Svg.esc(g.groups().toString()))
                        .append("</td><td>").append(gfmt(g.score())).append("</td></tr>\n");
            }
            b.append("</table>\n");
        }
        if (advice != null) {
            b.append("<p id=\"suggestion\">Suggested topology: <b>").append(Svg.esc(advice.topology().id())).append("</b> ")
                    .append(Svg.esc(advice.grouping().groups().toString())).append(": ").append(Svg.esc(advice.reason()))
                    .append("</p>\n");
        }
        return b.toString();
    }

    /**
     * Whether the model has shared parameters (false for an {@code independent} topology: the gradient
     * norm and conflict charts then say so instead of showing zeros).
     */
    public Report sharedParameters(boolean any) {
        this.sharedParameters = any;
        return this;
    }

    /** The charts in {@link #CHART_IDS} order. */
    public List<Chart> charts() {
        return List.of(lossPanels(), weightChart(), sharedOnly(gradientNormChart()), sharedOnly(conflictChart()), clippingChart(),
                expertChart());
    }

    private Chart sharedOnly(Chart c) {
        if (sharedParameters) {
            return c;
        }
        return new Chart() {
            @Override
            public String title() {
                return c.title();
            }

            @Override
            public boolean hasData() {
                return false;
            }

            @Override
            public String render() {
                return Svg.note(c.title(), "the model has no shared parameters (independent topology): nothing to compare");
            }
        };
    }

    /** One loss panel per task, each on its own scale (training solid, validation dashed). */
    PanelChart lossPanels() {
        List<LineChart> panels = new ArrayList<>();
        LineChart all = lossChart();
        List<String> tasks = history.tasks();
        for (int k = 0; k < tasks.size(); k++) {
            String t = tasks.get(k);
            LineChart p = new LineChart(t, "epoch", "loss");
            for (LineChart.Series s : all.series()) {
                if (s.name().equals(t + " train") || s.name().equals(t + " valid")) {
                    p.add(s);
                }
            }
            panels.add(p);
        }
        return new PanelChart("Training and validation loss per epoch", panels);
    }

    public String html() {
        StringBuilder b = new StringBuilder(64 * 1024);
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>mtl4j report: ").append(Svg.esc(modelName)).append("</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:24px auto;max-width:1100px;color:#222;background:#fafafa}\n")
                .append("h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}\n")
                .append("table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}\n")
                .append("th{background:#eee}td.name,th.name{text-align:left}.pos{color:#2a7d2a}.neg{color:#b22222}\n")
                .append(".charts{display:flex;flex-wrap:wrap;gap:18px}figure{margin:0;background:#fff;border:1px solid #ddd;padding:6px}\n")
                .append("figcaption{font-size:12px;color:#555;max-width:640px}pre{background:#fff;border:1px solid #ddd;padding:8px;overflow:auto}\n")
                .append("</style>\n</head>\n<body>\n");
        b.append("<h1>mtl4j report: ").append(Svg.esc(modelName)).append("</h1>\n");
        if (history != null && !history.epochs().isEmpty()) {
            b.append("<p class=\"run\">").append(history.epochs().size()).append(history.epochs().size() == 1 ? " epoch" : " epochs")
                    .append(" ran; model = ").append(Svg.esc(history.modelEpochDescription())).append(". ")
                    .append(Svg.esc(history.stopReason() == null ? "" : history.stopReason())).append("</p>\n");
        }
        if (!facts.isEmpty()) {
            b.append("<table class=\"facts\">\n");
            facts.forEach((k, v) -> b.append("<tr><th class=\"name\">").append(Svg.esc(k)).append("</th><td class=\"name\">")
                    .append(Svg.esc(v)).append("</td></tr>\n"));
            b.append("</table>\n");
        }
        if (history != null) {
            b.append("<h2 id=\"metrics\">Metrics</h2>\n").append(metricTable());
            b.append("<h2 id=\"charts\">Training</h2>\n<div class=\"charts\">\n");
            List<Chart> charts = charts();
            for (int i = 0; i < charts.size(); i++) {
                Chart c = charts.get(i);
                b.append("<figure class=\"figure\" id=\"chart-").append(CHART_IDS.get(i)).append("\" data-has-data=\"")
                        .append(c.hasData()).append("\">\n").append(c.render()).append("\n<figcaption>").append(Svg.esc(caption(i)))
                        .append("</figcaption>\n</figure>\n");
            }
            b.append("</div>\n");
        }
        if (affinity != null) {
            b.append(affinitySection());
        }
        if (!specText.isEmpty()) {
            b.append("<h2 id=\"spec\">Spec</h2>\n<pre>").append(Svg.esc(specText)).append("</pre>\n");
        }
        b.append("<p style=\"font-size:11px;color:#888\">Generated by mtl4j. Stop reason: ")
                .append(Svg.esc(history == null || history.stopReason() == null ? "-" : history.stopReason())).append("</p>\n");
        b.append("</body>\n</html>\n");
        return b.toString();
    }

    private String caption(int i) {
        return switch (CHART_IDS.get(i)) {
            case "loss" -> "Mean training loss (solid) and validation loss (dashed) per epoch, one panel per task on its own scale"
                    + " (a standardised regression task trains in standard units; its validation loss is in the label's units).";
            case "weights" -> history.diagnostics().isEmpty() ? "Task loss weights per epoch."
                    : "Task loss weights at the sampled steps.";
            case "gradient-norms" -> "Norm of each task's gradient on the shared parameters, and of the combined (weighted,"
                    + " aggregated) gradient on the same parameters before clipping, at the sampled steps.";
            case "gradient-conflict" -> "Mean cosine between task gradients over the sampled steps (negative: conflict)"
                    + conflictNote() + ".";
            case "clipping" -> "Sampled steps at which each clipper clipped, per epoch.";
            default -> "Mean gate weight of each expert per gate (MMoE/PLE) over the sampled steps.";
        };
    }

    private String conflictNote() {
        double sum = 0;
        int n = 0;
        for (StepDiagnostics d : history.diagnostics()) {
            if (Double.isFinite(d.conflictFraction())) {
                sum += d.conflictFraction();
                n++;
            }
        }
        return n == 0 ? "" : String.format(java.util.Locale.ROOT, "; conflicting pairs in %.1f%% of sampled pair-steps", 100 * sum / n);
    }

    LineChart lossChart() {
        LineChart c = new LineChart("Training and validation loss per epoch", "epoch", "loss");
        List<String> tasks = history.tasks();
        for (int k = 0; k < tasks.size(); k++) {
            String t = tasks.get(k);
            double[] x = new double[history.epochs().size()];
            double[] tr = new double[x.length];
            double[] va = new double[x.length];
            boolean anyValid = false;
            for (int e = 0; e < x.length; e++) {
                EpochSummary s = history.epochs().get(e);
                x[e] = s.epoch() + 1;
                tr[e] = value(s.trainLoss(), t);
                va[e] = value(s.validationLoss(), t);
                anyValid |= Double.isFinite(va[e]);
            }
            c.add(new LineChart.Series(t + " train", x, tr, k, false));
            if (anyValid) {
                c.add(new LineChart.Series(t + " valid", x, va, k, true));
            }
        }
        return c;
    }

    LineChart weightChart() {
        LineChart c = new LineChart("Task weights over time", history.diagnostics().isEmpty() ? "epoch" : "step", "weight");
        List<String> tasks = history.tasks();
        if (!history.diagnostics().isEmpty()) {
            List<StepDiagnostics> ds = history.diagnostics();
            for (int k = 0; k < tasks.size(); k++) {
                double[] x = new double[ds.size()];
                double[] y = new double[ds.size()];
                for (int i = 0; i < ds.size(); i++) {
                    x[i] = ds.get(i).step();
                    y[i] = at(ds.get(i).weights(), k);
                }
                c.add(new LineChart.Series(tasks.get(k), x, y, k, false));
            }
            return c;
        }
        for (int k = 0; k < tasks.size(); k++) {
            double[] x = new double[history.epochs().size()];
            double[] y = new double[x.length];
            for (int e = 0; e < x.length; e++) {
                x[e] = history.epochs().get(e).epoch() + 1;
                y[e] = value(history.epochs().get(e).weights(), tasks.get(k));
            }
            c.add(new LineChart.Series(tasks.get(k), x, y, k, false));
        }
        return c;
    }

    LineChart gradientNormChart() {
        LineChart c = new LineChart("Per-task gradient norms (shared parameters)", "step", "L2 norm");
        List<StepDiagnostics> ds = history.diagnostics();
        List<String> tasks = history.tasks();
        if (ds.isEmpty()) {
            return c;
        }
        double[] x = new double[ds.size()];
        for (int i = 0; i < ds.size(); i++) {
            x[i] = ds.get(i).step();
        }
        for (int k = 0; k < tasks.size(); k++) {
            double[] y = new double[ds.size()];
            for (int i = 0; i < ds.size(); i++) {
                y[i] = at(ds.get(i).gradientNorms(), k);
            }
            c.add(new LineChart.Series(tasks.get(k), x, y, k, false));
        }
        double[] total = new double[ds.size()];
        for (int i = 0; i < ds.size(); i++) {
            total[i] = ds.get(i).gradientNorm();
        }
        c.add(new LineChart.Series("combined", x, total, tasks.size(), true));
        return c;
    }

    Heatmap conflictChart() {
        List<String> tasks = history.tasks();
        int t = tasks.size();
        double[][] sum = new double[t][t];
        int[][] n = new int[t][t];
        for (StepDiagnostics d : history.diagnostics()) {
            double[][] cos = d.cosines();
            if (cos == null) {
                continue;
            }
            for (int i = 0; i < Math.min(t, cos.length); i++) {
                for (int j = 0; j < Math.min(t, cos[i].length); j++) {
                    if (Double.isFinite(cos[i][j])) {
                        sum[i][j] += cos[i][j];
                        n[i][j]++;
                    }
                }
            }
        }
        int total = 0;
        double[][] mean = new double[t][t];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < t; j++) {
                mean[i][j] = n[i][j] == 0 ? Double.NaN : sum[i][j] / n[i][j];
                total += n[i][j];
            }
        }
        List<String> labels = total == 0 ? List.of() : tasks;
        return new Heatmap("Gradient conflict (mean cosine)", labels, labels, total == 0 ? new double[0][] : mean, true, -1, 1);
    }

    BarChart clippingChart() {
        Set<String> names = new LinkedHashSet<>(clippers);
        for (StepDiagnostics d : history.diagnostics()) {
            if (d.clipped() != null) {
                names.addAll(d.clipped());
            }
        }
        TreeMap<Integer, Map<String, Integer>> perEpoch = new TreeMap<>();
        for (StepDiagnostics d : history.diagnostics()) {
            Map<String, Integer> m = perEpoch.computeIfAbsent(d.epoch(), e -> new LinkedHashMap<>());
            if (d.clipped() != null) {
                for (String c : d.clipped()) {
                    m.merge(c, 1, Integer::sum);
                }
            }
        }
        List<String> categories = new ArrayList<>();
        perEpoch.keySet().forEach(e -> categories.add("epoch " + (e + 1)));
        BarChart c = new BarChart("Clipping events", "sampled steps clipped", names.isEmpty() ? List.of() : categories);
        if (names.isEmpty()) {
            return c;
        }
        int i = 0;
        for (String name : names) {
            double[] v = new double[categories.size()];
            int j = 0;
            for (Map<String, Integer> m : perEpoch.values()) {
                v[j++] = m.getOrDefault(name, 0);
            }
            c.add(new BarChart.Series(name, v, i++));
        }
        return c;
    }

    Heatmap expertChart() {
        Map<String, double[]> sum = new TreeMap<>();
        Map<String, Integer> n = new TreeMap<>();
        for (StepDiagnostics d : history.diagnostics()) {
            if (d.gateUtilisation() == null) {
                continue;
            }
            d.gateUtilisation().forEach((gate, w) -> {
                double[] s = sum.computeIfAbsent(gate, g -> new double[w.length]);
                if (s.length == w.length) {
                    for (int i = 0; i < w.length; i++) {
                        s[i] += w[i];
                    }
                    n.merge(gate, 1, Integer::sum);
                }
            });
        }
        int experts = sum.values().stream().mapToInt(a -> a.length).max().orElse(0);
        List<String> gates = new ArrayList<>(sum.keySet());
        List<String> cols = new ArrayList<>();
        for (int i = 0; i < experts; i++) {
            cols.add("expert " + i);
        }
        double[][] m = new double[gates.size()][experts];
        for (int g = 0; g < gates.size(); g++) {
            double[] s = sum.get(gates.get(g));
            Arrays.fill(m[g], Double.NaN);
            for (int i = 0; i < s.length; i++) {
                m[g][i] = s[i] / n.get(gates.get(g));
            }
        }
        // gate weights are probabilities: a fixed 0..1 scale keeps a near-uniform gate pale instead of
        // stretching small differences to full contrast
        return new Heatmap("Expert utilisation per gate", gates, cols, m, false, 0, 1);
    }

    String metricTable() {
        if (evaluation == null || evaluation.metrics().isEmpty()) {
            return "<p class=\"nodata-note\"><em>" + Svg.NO_DATA + "</em> (no evaluation data)</p>\n";
        }
        boolean withGain = baseline != null && !gain.isEmpty();
        StringBuilder b = new StringBuilder("<table class=\"metrics\">\n<tr><th class=\"name\">task</th><th class=\"name\">metric</th><th>")
                .append(Svg.esc(evaluationLabel)).append("</th>");
        if (withGain) {
            b.append("<th>single-task (independent)</th><th>MTL gain</th>");
        }
        b.append("<th>rows</th></tr>\n");
        java.util.LinkedHashMap<String, Map<String, Double>> inOrder = new java.util.LinkedHashMap<>();
        for (String t : history.tasks()) {
            for (String name : List.of(t, t + ".conditional")) {
                if (evaluation.metrics().containsKey(name)) {
                    inOrder.put(name, evaluation.metrics().get(name));
                }
            }
        }
        evaluation.metrics().forEach(inOrder::putIfAbsent);
        inOrder.forEach((task, metrics) -> metrics.forEach((metric, value) -> {
            b.append("<tr><td class=\"name\">").append(Svg.esc(task)).append("</td><td class=\"name\">").append(Svg.esc(metric))
                    .append("</td><td>").append(fmt(value)).append("</td>");
            if (withGain) {
                Double single = baseline.metrics().getOrDefault(task, Map.of()).get(metric);
                Double g = gain.getOrDefault(task, Map.of()).get(metric);
                b.append("<td>").append(single == null ? "-" : fmt(single)).append("</td><td class=\"")
                        .append(g == null || g == 0 ? "" : g > 0 ? "pos" : "neg").append("\">")
                        .append(g == null ? "-" : String.format(java.util.Locale.ROOT, "%+.4f", g)).append("</td>");
            }
            Long rows = evaluation.rows().get(task);
            b.append("<td>").append(rows == null ? "-" : rows).append("</td></tr>\n");
        }));
        return b.append("</table>\n").toString();
    }

    private static String gfmt(double v) {
        return Double.isFinite(v) ? String.format(java.util.Locale.ROOT, "%.4g", v) : "n/a";
    }

    private static String fmt(double v) {
        return Double.isFinite(v) ? String.format(java.util.Locale.ROOT, "%.4f", v) : "n/a";
    }

    private static double value(Map<String, Double> m, String key) {
        if (m == null) {
            return Double.NaN;
        }
        Double v = m.get(key);
        return v == null ? Double.NaN : v;
    }

    private static double at(double[] a, int i) {
        return a == null || i >= a.length ? Double.NaN : a[i];
    }
}
