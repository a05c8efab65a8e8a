package org.mtl4j.cli.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mtl4j.api.metric.Evaluation;

/**
 * Per-task metrics of the same spec trained with several seeds: the mean and the sample standard
 * deviation (n - 1) of each task's metrics and loss over the runs.
 */
public final class SeedSummary {
    private final List<Long> seeds = new ArrayList<>();
    private final List<Evaluation> runs = new ArrayList<>();

    public void add(long seed, Evaluation e) {
        seeds.add(seed);
        runs.add(e);
    }

    /** {task: {metric: {mean, sd, values}}}, tasks and metrics in the order of {@code taskOrder}. */
    public Map<String, Map<String, Map<String, Object>>> document(List<String> taskOrder) {
        Map<String, Map<String, Map<String, Object>>> out = new LinkedHashMap<>();
        for (String task : Pipeline.ordered(runs.get(0), taskOrder)) {
            Map<String, Map<String, Object>> metrics = new LinkedHashMap<>();
            for (String metric : metricNames(task)) {
                double[] v = values(task, metric);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("mean", mean(v));
                m.put("sd", sd(v));
                List<Double> list = new ArrayList<>();
                for (double x : v) {
                    list.add(x);
                }
                m.put("values", list);
                metrics.put(metric, m);
            }
            out.put(task, metrics);
        }
        return out;
    }

    public List<Long> seeds() {
        return List.copyOf(seeds);
    }

    /** The printed table: task, metric, mean +- sd, then each seed's value. */
    public String table(List<String> taskOrder) {
        List<String> header = new ArrayList<>(List.of("task", "metric", "mean +- sd"));
        seeds.forEach(s -> header.add("seed " + s));
        Table t = new Table(2, header.toArray(String[]::new));
        for (String task : Pipeline.ordered(runs.get(0), taskOrder)) {
            for (String metric : metricNames(task)) {
                double[] v = values(task, metric);
                List<Object> row = new ArrayList<>(List.of(task, metric,
                        String.format(Locale.ROOT, "%.4f +- %.4f", mean(v), sd(v))));
                for (double x : v) {
                    row.add(Table.num(x));
                }
                t.row(row.toArray());
            }
        }
        return t.toString();
    }

    private List<String> metricNames(String task) {
        List<String> names = new ArrayList<>(runs.get(0).metrics().getOrDefault(task, Map.of()).keySet());
        if (runs.get(0).losses().containsKey(task)) {
            names.add("loss");
        }
        return names;
    }

    private double[] values(String task, String metric) {
        double[] v = new double[runs.size()];
        for (int i = 0; i < v.length; i++) {
            Evaluation e = runs.get(i);
            v[i] = "loss".equals(metric) ? e.losses().getOrDefault(task, Double.NaN)
                    : e.metrics().getOrDefault(task, Map.of()).getOrDefault(metric, Double.NaN);
        }
        return v;
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    /** The sample standard deviation; 0 for one run. */
    static double sd(double[] v) {
        if (v.length < 2) {
            return 0;
        }
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (v.length - 1));
    }
}
