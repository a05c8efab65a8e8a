package org.mtl4j.dsl.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import org.mtl4j.api.metric.Metric;
import org.mtl4j.api.spec.EarlyStopping;
import org.mtl4j.api.spec.EsmmChains;
import org.mtl4j.api.spec.InputSpec;
import org.mtl4j.api.spec.LossKind;
import org.mtl4j.api.spec.TaskKind;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.dsl.Problem;
import org.mtl4j.spi.PluginKind;
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
        chains(tasks, out);
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

    /** The ESMM chains, resolved by {@link EsmmChains} (the same resolution the backends use). */
    private static void chains(List<TaskSpec> tasks, List<Problem> out) {
        for (EsmmChains.Issue issue : EsmmChains.of(tasks).issues()) {
            String p = "tasks[" + issue.task() + "]";
            if (issue instanceof EsmmChains.UnknownParent u) {
                out.add(new Problem("MTL/UnknownTask", p + ".chainedAfter", Problem.quote(u.parent()),
                        "known: " + String.join(", ", u.known())));
            } else if (issue instanceof EsmmChains.Cycle c) {
                out.add(new Problem("MTL/ChainCycle", p + ".chainedAfter", Problem.quote(tasks.get(c.task()).chainedAfter()),
                        "cycle: " + String.join(" -> ", c.names())));
            } else if (issue instanceof EsmmChains.NotBinary b) {
                out.add(new Problem("MTL/ChainNotBinary", p + ".kind", b.kind().id(), b.child().equals(b.name())
                        ? "task " + Problem.quote(b.name()) + " is chainedAfter " + Problem.quote(b.parent())
                                + "; ESMM chains need binary tasks"
                        : "task " + Problem.quote(b.child()) + " is chainedAfter it; ESMM chains need binary tasks"));
            }
        }
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
