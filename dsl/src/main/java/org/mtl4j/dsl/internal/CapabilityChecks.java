package org.mtl4j.dsl.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mtl4j.api.backend.Capability;
import org.mtl4j.api.spec.InputSpec;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.dsl.Problem;

/** What the chosen backend cannot do: one problem per missing capability and the thing that needs it. */
final class CapabilityChecks {
    private static final Pattern ITEM = Pattern.compile("^(inputs|tasks)\\[(\\d+)\\] \\(([^)]*)\\)");

    private CapabilityChecks() {
    }

    /**
     * One problem per capability the spec needs ({@link Capability#requirements}, then what its
     * balancers need) that {@code capabilities} lacks, naming the backend, the path and the capability.
     */
    static void check(SpecDraft d, String backend, Set<Capability> capabilities,
            List<Map.Entry<Capability, String>> pluginNeeds, List<Problem> out) {
        ModelSpec spec = d.toSpecOrNull();
        if (spec == null) {
            return;
        }
        List<Map.Entry<Capability, String>> required = new ArrayList<>(Capability.requirements(spec));
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
            String hint = cap == Capability.HIDDEN_LAYERS
                    ? "; it builds no hidden layers, so it would ignore them: write [] (see the backend's README)" : "";
            Matcher m = ITEM.matcher(path);
            if (m.find()) {
                String rest = path.substring(m.end()).trim();
                rest = rest.startsWith(".") ? rest.substring(1) : rest;
                boolean input = m.group(1).equals("inputs");
                path = m.group(1) + "[" + declaredIndex(d, input, m.group(3), Integer.parseInt(m.group(2))) + "]"
                        + (rest.isEmpty() ? "" : "." + rest);
                detail += ", needed by " + (input ? "input " : "task ") + Problem.quote(m.group(3));
            }
            out.add(new Problem("MTL/Unsupported", path, value, detail + hint));
        }
    }

    /** requirements numbers the items of the spec without the parts that failed; find the declared index. */
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
