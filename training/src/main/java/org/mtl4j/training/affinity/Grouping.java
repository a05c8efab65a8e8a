package org.mtl4j.training.affinity;

import java.util.List;
import java.util.Map;

/**
 * A partition of the tasks into groups with its affinity score (Fifty et al., NeurIPS 2021, Sec. 3.3):
 * task t in group G scores the mean lookahead affinity onto t from the other members of G,
 * {@code score(t) = mean_{i in G, i != t} Z(i -> t)} (0 for a task alone: no transfer either way), and
 * the grouping scores the sum over tasks.
 *
 * @param groups the groups, each in task order, ordered by their first task
 * @param score the sum of the task scores
 * @param taskScores per task name, its score in this grouping
 */
public record Grouping(List<List<String>> groups, double score, Map<String, Double> taskScores) {
    public Grouping {
        groups = groups.stream().map(List::copyOf).toList();
        taskScores = Map.copyOf(taskScores);
    }

    /** Number of groups. */
    public int size() {
        return groups.size();
    }

    /** The group holding {@code task}. */
    public List<String> groupOf(String task) {
        for (List<String> g : groups) {
            if (g.contains(task)) {
                return g;
            }
        }
        throw new IllegalArgumentException("task '" + task + "' is in no group of " + groups);
    }

    @Override
    public String toString() {
        return groups + String.format(java.util.Locale.ROOT, " (score %.5f)", score);
    }
}
