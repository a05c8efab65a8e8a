package org.mtl4j.training.affinity;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mtl4j.api.spec.Topology;

/**
 * Turns a grouping and the affinities behind it into a sharing topology, following the reading of
 * inter-task affinity in Fifty et al. (NeurIPS 2021): tasks that help each other share, tasks that
 * hurt each other do not (negative transfer, the seesaw of Tang et al., RecSys 2020).
 * <ol>
 * <li>every group a single task (no pair helps): {@code independent};</li>
 * <li>a group holds a pair with negative affinity in either direction (the budget forced conflicting tasks
 * together, or a group mixes positive and negative inner affinities): {@code ple} as CGC, one level with
 * shared experts and task-specific experts, so each task can route around the shared part (Tang et al.
 * 2020); with several groups, CGC per group ({@code ple} with {@code groups}: each group's shared expert is
 * shared within the group only, so the groups that do not help each other still share nothing);</li>
 * <li>one group of every task, no conflicting pair: {@code shared-bottom};</li>
 * <li>several groups, none with a conflicting pair: {@code grouped}, one shared bottom per group.</li>
 * </ol>
 */
public final class SharingAdvisor {
    private SharingAdvisor() {
    }

    /**
     * @param layers the hidden sizes of the bottom (of each group's bottom; of each expert for PLE)
     */
    public static SharingAdvice advise(TaskAffinity affinity, Grouping grouping, List<Integer> layers) {
        List<Integer> l = layers == null || layers.isEmpty() ? List.of(64) : List.copyOf(layers);
        List<String> conflicts = new ArrayList<>();
        for (List<String> g : grouping.groups()) {
            for (int a = 0; a < g.size(); a++) {
                for (int b = 0; b < g.size(); b++) {
                    if (a != b) {
                        double z = affinity.lookahead(g.get(a), g.get(b));
                        if (z < 0) {
                            conflicts.add(String.format(Locale.ROOT, "Z(%s -> %s) = %.3g", g.get(a), g.get(b), z));
                        }
                    }
                }
            }
        }
        int t = affinity.size();
        if (grouping.size() == t) {
            return new SharingAdvice(new Topology.Independent(l), grouping,
                    t == 1 ? "a single task" : "no pair of tasks gains from sharing: every task is best alone");
        }
        if (!conflicts.isEmpty()) {
            if (grouping.size() > 1) {
                return new SharingAdvice(new Topology.Ple(1, 1, 1, l, grouping.groups()), grouping,
                        "tasks grouped together still hurt each other (" + String.join(", ", conflicts)
                                + "): per group of " + grouping.groups()
                                + ", task-specific experts next to a group-shared one (CGC per group), nothing shared across");
            }
            return new SharingAdvice(new Topology.Ple(1, 1, 1, l), grouping,
                    "tasks grouped together still hurt each other (" + String.join(", ", conflicts)
                            + "): task-specific experts next to a shared one (CGC)");
        }
        if (grouping.size() == 1) {
            return new SharingAdvice(new Topology.SharedBottom(l), grouping,
                    "every pair of tasks helps each other: one shared bottom");
        }
        return new SharingAdvice(new Topology.Grouped(grouping.groups(), l), grouping,
                "tasks help within " + grouping.groups() + " and not across: one shared bottom per group");
    }
}
