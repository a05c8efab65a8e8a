package org.mtl4j.dsl.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mtl4j.api.backend.Backend;
import org.mtl4j.api.backend.Capability;
import org.mtl4j.api.balance.BalancerContext;
import org.mtl4j.api.balance.Clipper;
import org.mtl4j.api.balance.GradientAggregator;
import org.mtl4j.api.balance.LossWeighting;
import org.mtl4j.api.metric.Metric;
import org.mtl4j.api.spec.CategoricalInput;
import org.mtl4j.api.spec.EarlyStopping;
import org.mtl4j.api.spec.InputSpec;
import org.mtl4j.api.spec.LossKind;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.MultiHotInput;
import org.mtl4j.api.spec.PluginRef;
import org.mtl4j.api.spec.SequenceInput;
import org.mtl4j.api.spec.TaskKind;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.api.spec.VocabularySpec;
import org.mtl4j.dsl.Problem;
import org.mtl4j.dsl.plugin.PluginKind;
import org.mtl4j.dsl.plugin.UnknownPluginException;
import org.mtl4j.tasks.Metrics;

/**
 * Validates a model as a whole and returns every problem found, in declaration order: inputs
 * (names, shared tables), tasks (names, losses, labels, metrics, ESMM chains), topology, balancing
 * plugins (names and parameters), training, and finally each capability the chosen backend lacks.
 */
public final class SpecValidator {
    private static final Pattern ITEM = Pattern.compile("^(inputs|tasks)\\[(\\d+)\\] \\(([^)]*)\\)");

    private final PluginRegistry registry;

    public SpecValidator(PluginRegistry registry) {
        this.registry = registry;
    }

    public List<Problem> validate(ModelSpec spec) {
        return validate(SpecDraft.of(spec));
    }

    public List<Problem> validate(SpecDraft d) {
        List<Problem> out = new ArrayList<>();
        inputs(d, out);
        tasks(d, out);
        topology(d, out);
        List<TaskSpec> tasks = d.tasks().stream().filter(t -> t != null).toList();
        List<Map.Entry<Capability, String>> needed = new ArrayList<>();
        plugins(d, tasks, out, needed);
        training(d, out);
        Backend backend = backend(d, out);
        if (backend != null) {
            capabilities(d, backend.name(), backend.capabilities(), needed, out);
        }
        return out;
    }

    private void inputs(SpecDraft d, List<Problem> out) {
        if (d.inputs().isEmpty()) {
            out.add(new Problem("MTL/NoInputs", "inputs", "[]", "a model needs at least one input"));
        }
        Map<String, Integer> seen = new HashMap<>();
        Map<String, Integer> tableOwner = new HashMap<>();
        for (int i = 0; i < d.inputs().size(); i++) {
            InputSpec in = d.inputs().get(i);
            if (in == null) {
                continue;
            }
            Integer first = seen.putIfAbsent(in.name(), i);
            if (first != null) {
                out.add(new Problem("MTL/DuplicateInput", "inputs[" + i + "].name", Problem.quote(in.name()),
                        "also inputs[" + first + "]"));
            }
            String table = in.embeddingTable();
            if (table == null) {
                continue;
            }
            Integer owner = tableOwner.putIfAbsent(table, i);
            if (owner == null) {
                continue;
            }
            InputSpec o = d.inputs().get(owner);
            if (tableWidth(in) != tableWidth(o)) {
                out.add(new Problem("MTL/TableWidth", "inputs[" + i + "]." + widthField(in), String.valueOf(tableWidth(in)),
                        "table " + Problem.quote(table) + " is " + tableWidth(o) + " wide in inputs[" + owner + "] ("
                                + o.name() + "); inputs sharing a table need one width"));
            }
            if (!tableVocabulary(in).equals(tableVocabulary(o))) {
                out.add(new Problem("MTL/TableVocabulary", "inputs[" + i + "].vocabulary", describe(tableVocabulary(in)),
                        "table " + Problem.quote(table) + " uses " + describe(tableVocabulary(o)) + " in inputs[" + owner
                                + "] (" + o.name() + "); inputs sharing a table need one vocabulary"));
            }
        }
    }

    private static int tableWidth(InputSpec in) {
        if (in instanceof CategoricalInput) {
            return ((CategoricalInput) in).embeddingDim();
        }
        if (in instanceof MultiHotInput) {
            return ((MultiHotInput) in).embeddingDim();
        }
        return ((SequenceInput) in).encoder().width();
    }

    private static String widthField(InputSpec in) {
        return in instanceof SequenceInput ? "encoder.width" : "embeddingDim";
    }

    private static VocabularySpec tableVocabulary(InputSpec in) {
        if (in instanceof CategoricalInput) {
            return ((CategoricalInput) in).vocabulary();
        }
        if (in instanceof MultiHotInput) {
            return ((MultiHotInput) in).vocabulary();
        }
        return ((SequenceInput) in).vocabulary();
    }

    private static String describe(VocabularySpec v) {
        return v.hashing() ? "hashed(" + v.hashBuckets() + ")" : "built(maxSize " + v.maxSize() + ", minCount " + v.minCount() + ")";
    }

    private void tasks(SpecDraft d, List<Problem> out) {
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
            Integer other = labels.putIfAbsent(column, k);
            if (other != null) {
                out.add(new Problem("MTL/LabelCollision", p + ".label", Problem.quote(t.label()), "column "
                        + Problem.quote(column) + " is already the label of tasks[" + other + "] (" + tasks.get(other).name() + ")"));
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
                out.add(unknown(PluginKind.METRIC, path, name));
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

    private static void topology(SpecDraft d, List<Problem> out) {
        Topology t = d.topology();
        long tasks = d.tasks().size();
        if (t instanceof Topology.CrossStitch && tasks == 1) {
            out.add(new Problem("MTL/BadTopology", "topology", t.id(), "cross-stitch mixes task columns and needs at "
                    + "least 2 tasks, found 1"));
        }
    }

    private void plugins(SpecDraft d, List<TaskSpec> tasks, List<Problem> out, List<Map.Entry<Capability, String>> needed) {
        long seed = d.training() == null ? 0 : d.training().seed();
        if (d.lossWeighting() != null) {
            LossWeighting.Factory f = lookup(PluginKind.LOSS_WEIGHTING, LossWeighting.Factory.class, "lossWeighting",
                    d.lossWeighting(), out);
            if (f != null && !tasks.isEmpty()) {
                LossWeighting w = create("lossWeighting", d.lossWeighting(), out,
                        () -> f.create(new BalancerContext(d.lossWeighting(), tasks, seed)));
                if (w != null && w.needsTaskGradients()) {
                    needed.add(Map.entry(Capability.PER_TASK_GRADIENTS, "lossWeighting = " + d.lossWeighting().name()));
                }
            }
        }
        if (d.gradientAggregation() != null && !d.gradientAggregation().isNone()) {
            GradientAggregator.Factory f = lookup(PluginKind.GRADIENT_AGGREGATOR, GradientAggregator.Factory.class,
                    "gradientAggregation", d.gradientAggregation(), out);
            if (f != null && !tasks.isEmpty()) {
                create("gradientAggregation", d.gradientAggregation(), out,
                        () -> f.create(new BalancerContext(d.gradientAggregation(), tasks, seed)));
            }
        }
        for (int i = 0; i < d.clipping().size(); i++) {
            PluginRef ref = d.clipping().get(i);
            if (ref == null) {
                continue;
            }
            String path = "clipping[" + i + "]";
            Clipper.Factory f = lookup(PluginKind.CLIPPER, Clipper.Factory.class, path, ref, out);
            if (f != null && !tasks.isEmpty()) {
                Clipper c = create(path, ref, out, () -> f.create(new BalancerContext(ref, tasks, seed)));
                if (c != null && c.stage() == Clipper.Stage.TASK_GRADIENTS) {
                    needed.add(Map.entry(Capability.PER_TASK_GRADIENTS, path + " = " + ref.name()));
                }
            }
        }
    }

    private <T> T lookup(PluginKind kind, Class<T> type, String path, PluginRef ref, List<Problem> out) {
        T f = registry.map(kind, type).get(ref.name());
        if (f == null) {
            out.add(unknown(kind, path, ref.name()));
        }
        return f;
    }

    private static <T> T create(String path, PluginRef ref, List<Problem> out, java.util.function.Supplier<T> make) {
        try {
            return make.get();
        } catch (RuntimeException e) {
            out.add(new Problem("MTL/BadPluginParams", path, Problem.quote(ref.name()) + (ref.params().isEmpty() ? ""
                    : " " + ref.params()), e.getMessage()));
            return null;
        }
    }

    private Problem unknown(PluginKind kind, String path, String name) {
        SortedSet<String> known = registry.names(kind);
        return new Problem(UnknownPluginException.ID, path, Problem.quote(name), UnknownPluginException.knownText(known));
    }

    private void training(SpecDraft d, List<Problem> out) {
        if (d.training() == null || d.training().earlyStopping() == null) {
            return;
        }
        EarlyStopping es = d.training().earlyStopping();
        if ("*".equals(es.task())) {
            return;
        }
        TaskSpec task = null;
        SortedSet<String> names = new TreeSet<>();
        for (TaskSpec t : d.tasks()) {
            if (t != null) {
                names.add(t.name());
                task = t.name().equals(es.task()) ? t : task;
            }
        }
        if (task == null) {
            names.add("*");
            out.add(new Problem("MTL/UnknownTask", "training.earlyStopping.task", Problem.quote(es.task()),
                    "known: " + String.join(", ", names)));
            return;
        }
        if (!"loss".equals(es.metric())) {
            String base = es.metric().contains("@") ? es.metric().substring(0, es.metric().indexOf('@')) : es.metric();
            if (!registry.map(PluginKind.METRIC, Metric.class).containsKey(base)) {
                out.add(unknown(PluginKind.METRIC, "training.earlyStopping.metric", es.metric()));
            }
        }
    }

    private Backend backend(SpecDraft d, List<Problem> out) {
        Backend b = registry.map(PluginKind.BACKEND, Backend.class).get(d.backend());
        if (b == null) {
            out.add(unknown(PluginKind.BACKEND, "backend", d.backend()));
        }
        return b;
    }

    /**
     * One problem per capability the spec needs ({@link Capability#requiredBy}, then what its
     * balancers need) that {@code capabilities} lacks, naming the backend, the path and the capability.
     */
    public static void capabilities(SpecDraft d, String backend, Set<Capability> capabilities,
            List<Map.Entry<Capability, String>> pluginNeeds, List<Problem> out) {
        ModelSpec spec = d.toSpecOrNull();
        if (spec == null) {
            return;
        }
        List<Map.Entry<Capability, String>> required = new ArrayList<>(Capability.requiredBy(spec).entrySet());
        required.addAll(pluginNeeds);
        Set<String> reported = new LinkedHashSet<>();
        for (Map.Entry<Capability, String> r : required) {
            Capability cap = r.getKey();
            if (capabilities.contains(cap) || !reported.add(cap + " " + r.getValue())) {
                continue;
            }
            String where = r.getValue();
            int eq = where.lastIndexOf(" = ");
            String path = eq < 0 ? where : where.substring(0, eq);
            String value = eq < 0 ? "" : where.substring(eq + 3);
            String detail = "backend " + Problem.quote(backend) + " lacks " + cap;
            Matcher m = ITEM.matcher(path);
            if (m.find()) {
                String rest = path.substring(m.end()).trim();
                rest = rest.startsWith(".") ? rest.substring(1) : rest;
                boolean input = m.group(1).equals("inputs");
                path = m.group(1) + "[" + declaredIndex(d, input, m.group(3), Integer.parseInt(m.group(2))) + "]"
                        + (rest.isEmpty() ? "" : "." + rest);
                detail += ", needed by " + (input ? "input " : "task ") + Problem.quote(m.group(3));
            }
            out.add(new Problem("MTL/Unsupported", path, value, detail));
        }
    }

    /** requiredBy numbers the items of the spec without the parts that failed; find the declared index. */
    private static int declaredIndex(SpecDraft d, boolean input, String name, int fallback) {
        List<?> items = input ? d.inputs() : d.tasks();
        for (int i = 0; i < items.size(); i++) {
            Object o = items.get(i);
            String n = o instanceof InputSpec ? ((InputSpec) o).name() : o instanceof TaskSpec ? ((TaskSpec) o).name() : null;
            if (name.equals(n)) {
                return i;
            }
        }
        return fallback;
    }
}
