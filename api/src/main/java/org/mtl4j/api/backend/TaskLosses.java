package org.mtl4j.api.backend;

import java.util.List;

/**
 * The per-task losses of one forward pass, in task order: each the mean over the task's labelled
 * rows (PLE eq. 9), and the number of labelled rows it averaged (0: the task contributes nothing).
 */
public record TaskLosses(List<String> tasks, double[] losses, int[] labelled) {
    public double loss(String task) {
        return losses[tasks.indexOf(task)];
    }

    public int size() {
        return losses.length;
    }
}
