package org.mtl4j.dsl.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.mtl4j.api.metric.Metric;
import org.mtl4j.api.spec.EarlyStopping;
import org.mtl4j.api.spec.InputSpec;
import org.mtl4j.api.spec.LossKind;
import org.mtl4j.api.spec.TaskKind;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.dsl.Problem;
import org.mtl4j.dsl.plugin.PluginKind;
import org.mtl4j.tasks.Metrics;

/** Checks of the tasks: names, losses, labels, metrics, ESMM chains and the early-stopping task. */
final class TaskChecks {
    private final PluginRegistry registry;

    TaskChecks(PluginRegistry registry) {
        this.registry = registry;
    }

    void check(SpecDraft d, List<Problem> out) {
        List<TaskSpec> tasks = d.tasks();
        if (tasks.isEmpty()) {
            out.add(new Problem("MTL/NoTasks", "tasks", "[]", "a model needs at least one task"));
            return;
        }
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> labels = new HashMap<>();
        boolean anyPrimary = false;
        for (int k = 0; k < tasks.size(); k++) {
            TaskSpec t = tasks.get(k);
            if (t == null) {
                anyPrimary = true;
                continue;
            }
            anyPrimary |= !t.auxiliary();
            String p = "tasks[" + k + "]";
            Integer first = index.putIfAbsent(t.name(), k);
            if (first != null) {
                out.add(new Problem("MTL/DuplicateTask", p + ".name", Problem.quote(t.name()), "also tasks[" + first + "]"));
            }
            if (!t.loss().compatibleWith(t.kind())) {
                out.add(new Problem("MTL/LossKind", p + ".loss", t.loss().id(), t.kind().id() + " tasks take " + lossesFor(t.kind())));
            }
            String column = labelColumn(t.label());
            // the same label read twice is a mistake; a label derived from another task's label
            // column (liked = rating >= 4 next to rating) is a task of its own
            String key = t.label().replaceAll("\\s+", "");
            Integer other = labels.putIfAbsent(key, k);
            if (other != null) {
                out.add(new Problem("MTL/LabelCollision", p + ".label", Problem.quote(t.label()),
                        (key.equals(column) ? "column " + Problem.quote(column) : "label " + Problem.quote(t.label()))
                        + " is already the label of tasks[" + other + "] (" + tasks.get(other).name() + ")"));
            }
            for (int i = 0; i < d.inputs().size(); i++) {
                InputSpec in = d.inputs().get(i);
                if (in != null && in.sourceColumns().contains(column)) {
                    out.add(new Problem("MTL/LabelIsInput", p + ".label", Problem.quote(t.label()), "column "
                            + Problem.quote(column) + " is also read by inputs[" + i + "] (" + in.name()
                            + "); a label must not be a feature"));
                }
            }
            metrics(t, p, out);
        }
        if (!anyPrimary) {
            out.add(new Problem("MTL/OnlyAuxiliary", "tasks", String.valueOf(index.keySet().stream().sorted().toList()),
                    "at least one task must not be auxiliary"));
        }
        chains(tasks, index, out);
    }

    private static String lossesFor(TaskKind kind) {
        List<String> ok = new ArrayList<>();
        for (LossKind l : LossKind.values()) {
            if (l.compatibleWith(kind)) {
                ok.add(l.id());
            }
        }
        return String.join(" or ", ok);
    }

    /** The column of a label or derived-label expression ({@code rating >= 4} reads {@code rating}). */
    static String labelColumn(String label) {
        String s = label.trim();
        int end = 0;
        while (end < s.length() && !Character.isWhitespace(s.charAt(end)) && "<>=!".indexOf(s.charAt(end)) < 0) {
            end++;
        }
        return end == 0 ? s : s.substring(0, end);
    }

    private void metrics(TaskSpec t, String p, List<Problem> out) {
        Map<String, Metric> known = registry.map(PluginKind.METRIC, Metric.class);
        for (int j = 0; j < t.metrics().size(); j++) {
            String name = t.metrics().get(j);
            String path = p + ".metrics[" + j + "]";
            String base = name.contains("@") ? name.substring(0, name.indexOf('@')) : name;
            Metric m = known.get(base);
            if (m == null) {
                out.add(PluginChecks.unknown(registry, PluginKind.METRIC, path, name));
                continue;
            }
            try {
                Metrics.resolve(name, known);
            } catch (RuntimeException e) {
                out.add(new Problem("MTL/BadMetric", path, Problem.quote(name), e.getMessage()));
                continue;
            }
            if (!m.supports(t.kind())) {
                out.add(new Problem("MTL/MetricKind", path, Problem.quote(name), base + " does not apply to " + t.kind().id()
                        + " tasks"));
            }
        }
    }

    private static void chains(List<TaskSpec> tasks, Map<String, Integer> index, List<Problem> out) {
        Set<Integer> inReportedCycle = new java.util.HashSet<>();
        Set<Integer> parentsReported = new java.util.HashSet<>();
        for (int k = 0; k < tasks.size(); k++) {
            TaskSpec t = tasks.get(k);
            if (t == null || !t.chained()) {
                continue;
            }
            String p = "tasks[" + k + "]";
            if (t.kind() != TaskKind.BINARY) {
                out.add(new Problem("MTL/ChainNotBinary", p + ".kind", t.kind().id(), "task " + Problem.quote(t.name())
                        + " is chainedAfter " + Problem.quote(t.chainedAfter()) + "; ESMM chains need binary tasks"));
            }
            Integer parent = index.get(t.chainedAfter());
            if (parent == null) {
                out.add(new Problem("MTL/UnknownTask", p + ".chainedAfter", Problem.quote(t.chainedAfter()),
                        "known: " + String.join(", ", new TreeSet<>(index.keySet()))));
                continue;
            }
            List<String> cycle = cycleFrom(k, tasks, index);
            if (cycle != null) {
                if (!inReportedCycle.contains(k)) {
                    cycle.forEach(n -> inReportedCycle.add(index.get(n)));
                    out.add(new Problem("MTL/ChainCycle", p + ".chainedAfter", Problem.quote(t.chainedAfter()),
                            "cycle: " + String.join(" -> ", cycle)));
                }
                continue;
            }
            TaskSpec pt = tasks.get(parent);
            if (pt != null && pt.kind() != TaskKind.BINARY && parentsReported.add(parent)) {
                out.add(new Problem("MTL/ChainNotBinary", "tasks[" + parent + "].kind", pt.kind().id(), "task "
                        + Problem.quote(t.name()) + " is chainedAfter it; ESMM chains need binary tasks"));
            }
        }
    }

    /** The names along the chain from task k back to k ({@code a -> b -> a}), or null if it reaches a root. */
    private static List<String> cycleFrom(int k, List<TaskSpec> tasks, Map<String, Integer> index) {
        List<String> path = new ArrayList<>();
        Set<Integer> seen = new java.util.HashSet<>();
        Integer cur = k;
        while (cur != null && tasks.get(cur) != null && seen.add(cur)) {
            TaskSpec t = tasks.get(cur);
            path.add(t.name());
            cur = t.chained() ? index.get(t.chainedAfter()) : null;
        }
        if (cur != null && cur == k) {
            path.add(tasks.get(k).name());
            return path;
        }
        return null;
    }

    /**
     * The early-stopping tasks exist and report the metric watched (or it watches the loss): task
     * {@code "*"} (the non-auxiliary tasks reporting the metric; at least one must), one task, or a
     * weighted list {@code "ctr:0.7, cvr:0.3"} ({@code org.mtl4j.training.EarlyStoppingCriterion}).
     */
    void earlyStopping(SpecDraft d, List<Problem> out) {
        if (d.training() == null || d.training().earlyStopping() == null) {
            return;
        }
        EarlyStopping es = d.training().earlyStopping();
        String base = es.metric().contains("@") ? es.metric().substring(0, es.metric().indexOf('@')) : es.metric();
        boolean loss = "loss".equals(es.metric());
        if (!loss && !registry.map(PluginKind.METRIC, Metric.class).containsKey(base)) {
            out.add(PluginChecks.unknown(registry, PluginKind.METRIC, "training.earlyStopping.metric", es.metric()));
            return;
        }
        SortedSet<String> names = new TreeSet<>();
        for (TaskSpec t : d.tasks()) {
            if (t != null) {
                names.add(t.name());
            }
        }
        if ("*".equals(es.task().strip())) {
            if (!loss && d.tasks().stream().noneMatch(t -> t != null && !t.auxiliary()
                    && org.mtl4j.tasks.TaskKinds.metricsOf(t).contains(es.metric()))) {
                out.add(new Problem("MTL/EarlyStoppingMetric", "training.earlyStopping.metric", Problem.quote(es.metric()),
                        "no non-auxiliary task reports it; task \"*\" watches the mean of the tasks' " + es.metric()));
            }
            return;
        }
        for (String part : es.task().split(",")) {
            String name = part.strip();
            int colon = name.lastIndexOf(':');
            if (colon >= 0) {
                String w = name.substring(colon + 1).strip();
                name = name.substring(0, colon).strip();
                double v;
                try {
                    v = Double.parseDouble(w);
                } catch (NumberFormatException e) {
                    v = Double.NaN;
                }
                if (!(v > 0) || Double.isInfinite(v)) {
                    out.add(new Problem("MTL/BadTraining", "training.earlyStopping.task", Problem.quote(es.task()),
                            "the weight of " + Problem.quote(name) + " must be a positive number, found " + Problem.quote(w)));
                }
            }
            TaskSpec task = null;
            for (TaskSpec t : d.tasks()) {
                if (t != null && t.name().equals(name)) {
                    task = t;
                }
            }
            if (task == null) {
                SortedSet<String> known = new TreeSet<>(names);
                known.add("*");
                out.add(new Problem("MTL/UnknownTask", "training.earlyStopping.task", Problem.quote(es.task()),
                        "known: " + String.join(", ", known)));
                continue;
            }
            List<String> watched = org.mtl4j.tasks.TaskKinds.metricsOf(task);
            if (!loss && !watched.contains(es.metric())) {
                // the trainer can only watch what it evaluates: the task's metrics, or the loss
                out.add(new Problem("MTL/EarlyStoppingMetric", "training.earlyStopping.metric", Problem.quote(es.metric()),
                        "task " + Problem.quote(task.name()) + " reports " + String.join(", ", watched)
                                + "; early stopping watches one of them or \"loss\""));
            }
        }
    }
}
