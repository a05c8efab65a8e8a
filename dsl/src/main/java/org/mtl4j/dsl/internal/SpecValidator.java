package org.mtl4j.dsl.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.backend.Backend;
import org.mtl4j.api.backend.Capability;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.dsl.Problem;

/**
 * Validates a model as a whole and returns every problem found, in declaration order: inputs
 * (names, shared tables), tasks (names, losses, labels, metrics, ESMM chains), topology, balancing
 * plugins (names and parameters), training, and finally each capability the chosen backend lacks.
 */
public final class SpecValidator {
    private final TaskChecks tasks;
    private final PluginChecks plugins;

    public SpecValidator(PluginRegistry registry) {
        this.tasks = new TaskChecks(registry);
        this.plugins = new PluginChecks(registry);
    }

    public List<Problem> validate(ModelSpec spec) {
        return validate(SpecDraft.of(spec));
    }

    public List<Problem> validate(SpecDraft d) {
        List<Problem> out = new ArrayList<>();
        InputChecks.check(d, out);
        SizeChecks.check(d, out);
        tasks.check(d, out);
        topology(d, out);
        List<TaskSpec> present = d.tasks().stream().filter(t -> t != null).toList();
        List<Map.Entry<Capability, String>> needed = new ArrayList<>();
        plugins.check(d, present, out, needed);
        tasks.earlyStopping(d, out);
        Backend backend = plugins.backend(d, out);
        if (backend != null) {
            CapabilityChecks.check(d, backend.name(), backend.capabilities(), needed, out);
            ModelSpec whole = d.toSpecOrNull();
            if (whole != null) {
                for (Map.Entry<String, String> f : backend.unsupportedFields(whole)) {
                    int eq = f.getKey().lastIndexOf(" = ");
                    out.add(new Problem("MTL/Unsupported", eq < 0 ? f.getKey() : f.getKey().substring(0, eq),
                            eq < 0 ? "" : f.getKey().substring(eq + 3),
                            "backend " + Problem.quote(backend.name()) + ": " + f.getValue()));
                }
            }
            if (backend.supports(Capability.HIDDEN_LAYERS) && d.topology() instanceof Topology.Ple p
                    && p.expertLayers().isEmpty()) {
                out.add(new Problem("MTL/BadTopology", "topology.expertLayers", "[]", "ple on backend "
                        + Problem.quote(backend.name()) + " needs at least one expert layer (its experts are MLPs)"));
            }
        }
        return out;
    }

    private static void topology(SpecDraft d, List<Problem> out) {
        Topology t = d.topology();
        long tasks = d.tasks().size();
        if (t instanceof Topology.CrossStitch && tasks == 1) {
            out.add(new Problem("MTL/BadTopology", "topology", t.id(), "cross-stitch mixes task columns and needs at "
                    + "least 2 tasks, found 1"));
        }
        if (t instanceof Topology.TaskGroups g && g.grouped()) {
            List<String> names = d.tasks().stream().filter(x -> x != null).map(TaskSpec::name).toList();
            List<String> unknown = new ArrayList<>();
            for (List<String> group : g.groups()) {
                for (String name : group) {
                    if (!names.contains(name)) {
                        unknown.add(name);
                    }
                }
            }
            if (!unknown.isEmpty()) {
                out.add(new Problem("MTL/UnknownTask", "topology.groups",
                        String.join(", ", unknown.stream().map(Problem::quote).toList()),
                        (t instanceof Topology.Grouped ? "grouped names" : t.id() + " groups name") + " tasks the model does not have (known: " + String.join(", ", names) + ")"));
            }
            List<String> missing = names.stream().filter(x -> g.groupOf(x) < 0).toList();
            if (!missing.isEmpty()) {
                out.add(new Problem("MTL/UngroupedTask", "topology.groups", g.groups().toString(),
                        "every task must be in exactly one group; in none: " + String.join(", ", missing)));
            }
        }
    }

}
