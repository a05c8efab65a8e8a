package org.mtl4j.api.spec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.mtl4j.api.MtlException;

/**
 * The ESMM chains of a spec's tasks, resolved once for the validator and every backend (Ma et al.,
 * "Entire Space Multi-Task Model", SIGIR 2018, eq. 1-3).
 *
 * <p>Semantics: a task {@code chainedAfter} a parent predicts the product of the probabilities
 * along its chain, {@code p(task) = sigmoid(z_task) x p(parent)} (so {@code p(ctcvr) = p(ctr) x
 * p(cvr)}), and its loss is the binary cross-entropy of that product over all rows; every task of
 * a chain is binary. The parent's own head keeps its own loss.
 *
 * <p>Resolution: {@link #of(List)} finds each task's parent by name, the chain of every task (itself
 * first, root last) and an order with parents before children, and lists every problem at once
 * (an unknown parent, a cycle, a non-binary task in a chain) as {@link Issue}s. Entries of the list
 * may be null (a draft whose record refused its values); they are skipped.
 */
public final class EsmmChains {
    /** One problem of the chains, at task index {@link #task()}. */
    public sealed interface Issue {
        /** The index of the task the problem is reported at. */
        int task();

        /** A sentence naming the tasks, for backends' exceptions. */
        String message();
    }

    /** Task {@code task} is chained after {@code parent}, which names no task. */
    public record UnknownParent(int task, String name, String parent, Set<String> known) implements Issue {
        @Override
        public String message() {
            return "task '" + name + "' is chained after '" + parent + "', which names no task (known: "
                    + String.join(", ", known) + ")";
        }
    }

    /** Task {@code task}'s chain comes back to it; {@code names} is the loop, first name repeated last. */
    public record Cycle(int task, List<String> names) implements Issue {
        @Override
        public String message() {
            return "ESMM chain is cyclic: " + String.join(" -> ", names);
        }
    }

    /**
     * Task {@code task} is in a chain but is not binary; {@code child} is the task chained after it,
     * or the task itself when it is the chained one.
     */
    public record NotBinary(int task, String name, TaskKind kind, String child, String parent) implements Issue {
        @Override
        public String message() {
            return "task '" + name + "' is " + kind.id() + " but in the ESMM chain '" + parent + "' -> '" + child
                    + "'; ESMM chains need binary tasks";
        }
    }

    private final int[] parent;
    private final int[][] chain;
    private final int[] order;
    private final List<Issue> issues;

    private EsmmChains(int[] parent, int[][] chain, int[] order, List<Issue> issues) {
        this.parent = parent;
        this.chain = chain;
        this.order = order;
        this.issues = List.copyOf(issues);
    }

    /** Resolves the chains of a spec's tasks. */
    public static EsmmChains of(ModelSpec spec) {
        return of(spec.tasks());
    }

    /** Resolves the chains of tasks (null entries are skipped). */
    public static EsmmChains of(List<TaskSpec> tasks) {
        int n = tasks.size();
        Map<String, Integer> index = new LinkedHashMap<>();
        for (int k = 0; k < n; k++) {
            if (tasks.get(k) != null) {
                index.putIfAbsent(tasks.get(k).name(), k);
            }
        }
        int[] parent = new int[n];
        Arrays.fill(parent, -1);
        List<Issue> issues = new ArrayList<>();
        Set<Integer> inReportedCycle = new HashSet<>();
        Set<Integer> parentsReported = new HashSet<>();
        boolean[] broken = new boolean[n];
        for (int k = 0; k < n; k++) {
            TaskSpec t = tasks.get(k);
            if (t == null || !t.chained()) {
                continue;
            }
            if (t.kind() != TaskKind.BINARY) {
                issues.add(new NotBinary(k, t.name(), t.kind(), t.name(), t.chainedAfter()));
                broken[k] = true;
            }
            Integer p = index.get(t.chainedAfter());
            if (p == null) {
                issues.add(new UnknownParent(k, t.name(), t.chainedAfter(), new TreeSet<>(index.keySet())));
                broken[k] = true;
                continue;
            }
            parent[k] = p;
            List<String> cycle = cycleFrom(k, tasks, index);
            if (cycle != null) {
                broken[k] = true;
                if (!inReportedCycle.contains(k)) {
                    cycle.forEach(c -> inReportedCycle.add(index.get(c)));
                    issues.add(new Cycle(k, cycle));
                }
                continue;
            }
            TaskSpec pt = tasks.get(p);
            if (pt != null && pt.kind() != TaskKind.BINARY) {
                broken[k] = true;
                if (parentsReported.add(p)) {
                    issues.add(new NotBinary(p, pt.name(), pt.kind(), t.name(), pt.name()));
                }
            }
        }
        int[][] chain = new int[n][];
        List<Integer> order = new ArrayList<>();
        boolean[] placed = new boolean[n];
        for (int k = 0; k < n; k++) {
            if (tasks.get(k) == null) {
                continue;
            }
            List<Integer> c = new ArrayList<>();
            Set<Integer> seen = new HashSet<>();
            int cur = k;
            boolean ok = true;
            while (cur >= 0) {
                if (!seen.add(cur) || broken[cur]) {
                    ok = false;
                    break;
                }
                c.add(cur);
                cur = parent[cur];
            }
            chain[k] = ok ? c.stream().mapToInt(Integer::intValue).toArray() : null;
            if (ok) {
                for (int i = c.size() - 1; i >= 0; i--) {
                    if (!placed[c.get(i)]) {
                        placed[c.get(i)] = true;
                        order.add(c.get(i));
                    }
                }
            }
        }
        return new EsmmChains(parent, chain, order.stream().mapToInt(Integer::intValue).toArray(), issues);
    }

    /** The names along the chain from task k back to k ({@code a -> b -> a}), or null if it reaches a root. */
    private static List<String> cycleFrom(int k, List<TaskSpec> tasks, Map<String, Integer> index) {
        List<String> path = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
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

    /** Every problem of the chains, in task order; empty when they are sound. */
    public List<Issue> issues() {
        return issues;
    }

    /**
     * This, when the chains are sound; otherwise an {@link MtlException} that starts with {@code who}
     * and lists every issue.
     */
    public EsmmChains requireSound(String who) {
        if (!issues.isEmpty()) {
            List<String> m = new ArrayList<>();
            for (Issue i : issues) {
                m.add(i.message());
            }
            throw new MtlException(who + ": " + String.join("; ", m));
        }
        return this;
    }

    /** The index of task k's parent, or -1 when it is not chained. */
    public int parent(int k) {
        return parent[k];
    }

    /** Whether task k is chained after another task. */
    public boolean chained(int k) {
        return parent[k] >= 0;
    }

    /** Task k's chain: k itself first, then its parent, grandparent ... the root last; null when broken. */
    public int[] chain(int k) {
        return chain[k] == null ? null : chain[k].clone();
    }

    /** The tasks with sound chains, every parent before its children (the order to compute chained products). */
    public int[] order() {
        return order.clone();
    }
}
