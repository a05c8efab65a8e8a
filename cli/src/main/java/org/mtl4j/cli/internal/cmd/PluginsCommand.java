package org.mtl4j.cli.internal.cmd;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.SortedSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.mtl4j.api.backend.Backend;
import org.mtl4j.api.backend.Capability;
import org.mtl4j.api.metric.Metric;
import org.mtl4j.api.spec.TaskKind;
import org.mtl4j.cli.ExitCodes;
import org.mtl4j.cli.internal.Engine;
import org.mtl4j.cli.internal.Table;
import org.mtl4j.dsl.MtlRuntime;
import org.mtl4j.tasks.TaskKinds;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code mtl4j plugins}: every discovered plugin and what it registered, by kind and name. */
@Command(name = "plugins", mixinStandardHelpOptions = true,
        description = "List the installed plugins and every backend, balancer, clipper, metric and task kind they provide.")
public final class PluginsCommand implements Callable<Integer> {
    @Spec
    CommandSpec command;

    @Override
    public Integer call() {
        MtlRuntime rt = Engine.create().runtime();
        PrintWriter w = command.commandLine().getOut();
        w.println("plugins found on the class path: " + rt.plugins().stream()
                .map(p -> p.name() + " (" + p.getClass().getName() + ")").collect(Collectors.joining(", ")));
        Map<String, SortedSet<String>> cat = rt.catalogue();
        for (Map.Entry<String, SortedSet<String>> e : cat.entrySet()) {
            w.println();
            w.println(heading(e.getKey()) + " (" + e.getValue().size() + "):");
            Table t = new Table(2, "name", "description");
            for (String name : e.getValue()) {
                t.row(name, describe(rt, e.getKey(), name));
            }
            for (String line : t.toString().split("\n")) {
                w.println("  " + line);
            }
        }
        w.println();
        w.println("task kinds (built in, not pluggable) (" + TaskKind.values().length + "):");
        Table kinds = new Table(2, "name", "description");
        for (TaskKind k : TaskKind.values()) {
            kinds.row(k.id(), taskKind(k.id()));
        }
        for (String line : kinds.toString().split("\n")) {
            w.println("  " + line);
        }
        w.flush();
        return ExitCodes.OK;
    }

    private static String heading(String kind) {
        return switch (kind) {
            case "backend" -> "backends";
            case "loss-weighting" -> "loss weightings";
            case "gradient-aggregator" -> "gradient aggregators";
            case "clipper" -> "clippers";
            case "metric" -> "metrics";
            default -> kind;
        };
    }

    /** One line about a registered thing: the factory's description, a backend's version, a metric's direction. */
    static String describe(MtlRuntime rt, String kind, String name) {
        String d = switch (kind) {
            case "backend" -> backend(rt.backend(name));
            case "loss-weighting" -> withDefaults(rt.lossWeighting(name).description(), rt.lossWeighting(name).defaults());
            case "gradient-aggregator" -> withDefaults(rt.gradientAggregator(name).description(), rt.gradientAggregator(name).defaults());
            case "clipper" -> withDefaults(rt.clipper(name).description(), rt.clipper(name).defaults());
            case "metric" -> metric(rt.metric(name));
            default -> "";
        };
        return d == null || d.isBlank() ? "-" : d;
    }

    private static String backend(Backend b) {
        Map<String, java.util.List<String>> groups = new java.util.LinkedHashMap<>();
        for (String g : java.util.List.of("topology", "task", "input", "optimizer", "other")) {
            groups.put(g, new java.util.ArrayList<>());
        }
        for (Capability c : Capability.values()) {
            if (!b.supports(c)) {
                continue;
            }
            String id = c.name().toLowerCase(Locale.ROOT).replace('_', '-');
            int dash = id.indexOf('-');
            String prefix = id.substring(0, dash);
            if (groups.containsKey(prefix)) {
                groups.get(prefix).add(id.substring(dash + 1));
            } else {
                groups.get("other").add(id);
            }
        }
        StringBuilder d = new StringBuilder("version " + b.version());
        groups.forEach((g, ids) -> {
            if (!ids.isEmpty()) {
                d.append("; ").append(g.equals("other") ? "" : g + ": ").append(String.join(", ", ids));
            }
        });
        return d.toString();
    }

    private static String metric(Metric m) {
        StringBuilder b = new StringBuilder(m.higherIsBetter() ? "higher is better" : "lower is better");
        b.append("; tasks: ");
        StringBuilder kinds = new StringBuilder();
        for (TaskKind k : TaskKind.values()) {
            if (m.supports(k)) {
                kinds.append(kinds.length() == 0 ? "" : ", ").append(k.id());
            }
        }
        b.append(kinds);
        if (m.needsGroups()) {
            b.append("; per user (needs a user id input)");
        }
        return b.toString();
    }

    private static String taskKind(String name) {
        for (TaskKind k : TaskKind.values()) {
            if (k.id().equals(name)) {
                return "default metrics: " + String.join(", ", TaskKinds.defaultMetrics(k));
            }
        }
        return "";
    }

    private static String withDefaults(String description, Map<String, Double> defaults) {
        String d = description == null ? "" : description;
        if (defaults != null && !defaults.isEmpty()) {
            d += (d.isEmpty() ? "" : " ") + "[" + new java.util.TreeMap<>(defaults).entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ")) + "]";
        }
        return d;
    }
}
