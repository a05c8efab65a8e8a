package org.mtl4j.training.affinity;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The grouping of tasks that maximises total affinity for a budget of groups (Fifty et al.,
 * "Efficiently Identifying Task Groupings in Multi-Task Learning", NeurIPS 2021, Sec. 3.3): every
 * partition of the tasks into at most k non-empty groups is scored (see {@link Grouping}) and the
 * best kept. The search is exhaustive (the paper solves the same selection problem exactly with
 * branch-and-bound for its up to 9 tasks): partitions are enumerated as restricted growth strings
 * (Bell(10) = 115,975 partitions for 10 tasks, Bell(12) = 4.2 million, about a second), so up to
 * {@value #MAX_TASKS} tasks. Ties are broken towards fewer groups, then the earlier partition in
 * enumeration order (tasks in spec order), so the answer is deterministic. A NaN affinity (a pair
 * never measured) counts as 0.
 */
public final class TaskGrouper {
    /** Largest number of tasks the exhaustive search accepts. */
    public static final int MAX_TASKS = 12;
    private static final double EPS = 1e-12;

    private TaskGrouper() {
    }

    /** The best grouping into at most {@code k} groups. */
    public static Grouping best(TaskAffinity affinity, int k) {
        Grouping[] perCount = search(affinity, k);
        Grouping best = null;
        for (Grouping g : perCount) {
            if (g != null && (best == null || g.score() > best.score() + EPS)) {
                best = g;
            }
        }
        return best;
    }

    /** For each number of groups n = 1..min(k, T), the best grouping into exactly n groups. */
    public static List<Grouping> bestPerCount(TaskAffinity affinity, int k) {
        List<Grouping> out = new ArrayList<>();
        for (Grouping g : search(affinity, k)) {
            if (g != null) {
                out.add(g);
            }
        }
        return out;
    }

    /** The score of a given grouping (the groups must partition the tasks). */
    public static Grouping score(TaskAffinity affinity, List<List<String>> groups) {
        List<String> tasks = affinity.tasks();
        int[] label = new int[tasks.size()];
        java.util.Arrays.fill(label, -1);
        for (int g = 0; g < groups.size(); g++) {
            for (String name : groups.get(g)) {
                int i = tasks.indexOf(name);
                if (i < 0) {
                    throw new IllegalArgumentException("grouping names unknown task '" + name + "' (known: "
                            + String.join(", ", tasks) + ")");
                }
                if (label[i] >= 0) {
                    throw new IllegalArgumentException("task '" + name + "' is in two groups of " + groups);
                }
                label[i] = g;
            }
        }
        for (int i = 0; i < label.length; i++) {
            if (label[i] < 0) {
                throw new IllegalArgumentException("task '" + tasks.get(i) + "' is in no group of " + groups);
            }
        }
        return grouping(tasks, z(affinity), label, groups.size());
    }

    private static double[][] z(TaskAffinity a) {
        double[][] z = new double[a.size()][a.size()];
        for (int i = 0; i < z.length; i++) {
            for (int j = 0; j < z.length; j++) {
                double v = a.lookahead()[i][j];
                z[i][j] = Double.isNaN(v) ? 0 : v;
            }
        }
        return z;
    }

    private static Grouping[] search(TaskAffinity affinity, int k) {
        int t = affinity.size();
        if (k < 1) {
            throw new IllegalArgumentException("number of groups must be >= 1, found " + k);
        }
        if (t > MAX_TASKS) {
            throw new IllegalArgumentException("task grouping searches every partition and supports up to " + MAX_TASKS
                    + " tasks, found " + t);
        }
        int maxGroups = Math.min(k, t);
        double[][] z = z(affinity);
        double[] bestScore = new double[maxGroups + 1];
        int[][] bestLabel = new int[maxGroups + 1][];
        java.util.Arrays.fill(bestScore, Double.NEGATIVE_INFINITY);
        // restricted growth strings: label[0] = 0, label[i] <= 1 + max(label[0..i-1]), < maxGroups
        int[] label = new int[t];
        int[] prefixMax = new int[t];
        double[] taskScore = new double[t];
        int i = t - 1;
        boolean first = true;
        while (true) {
            if (!first) {
                // next string: increment the last position that can grow
                while (i > 0 && (label[i] > prefixMax[i - 1] || label[i] + 1 >= maxGroups)) {
                    i--;
                }
                if (i == 0) {
                    break;
                }
                label[i]++;
                for (int j = i + 1; j < t; j++) {
                    label[j] = 0;
                }
                for (int j = i; j < t; j++) {
                    prefixMax[j] = Math.max(prefixMax[j - 1], label[j]);
                }
                i = t - 1;
            }
            first = false;
            int groups = prefixMax[t - 1] + 1;
            double s = total(z, label, taskScore);
            if (s > bestScore[groups] + EPS) {
                bestScore[groups] = s;
                bestLabel[groups] = label.clone();
            }
            if (t == 1) {
                break;
            }
        }
        Grouping[] out = new Grouping[maxGroups];
        for (int g = 1; g <= maxGroups; g++) {
            if (bestLabel[g] != null) {
                out[g - 1] = grouping(affinity.tasks(), z, bestLabel[g], g);
            }
        }
        return out;
    }

    /** Sum over tasks of the mean affinity onto the task from the other members of its group. */
    private static double total(double[][] z, int[] label, double[] taskScore) {
        double s = 0;
        for (int t = 0; t < label.length; t++) {
            double sum = 0;
            int n = 0;
            for (int i = 0; i < label.length; i++) {
                if (i != t && label[i] == label[t]) {
                    sum += z[i][t];
                    n++;
                }
            }
            taskScore[t] = n == 0 ? 0 : sum / n;
            s += taskScore[t];
        }
        return s;
    }

    private static Grouping grouping(List<String> tasks, double[][] z, int[] label, int groups) {
        double[] ts = new double[tasks.size()];
        double s = total(z, label, ts);
        List<List<String>> out = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            out.add(new ArrayList<>());
        }
        Map<String, Double> scores = new LinkedHashMap<>();
        for (int t = 0; t < tasks.size(); t++) {
            out.get(label[t]).add(tasks.get(t));
            scores.put(tasks.get(t), ts[t]);
        }
        out.removeIf(List::isEmpty);
        out.sort(java.util.Comparator.comparingInt(g -> tasks.indexOf(g.get(0))));
        return new Grouping(out, s, scores);
    }
}
