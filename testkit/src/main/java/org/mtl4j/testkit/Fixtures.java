package org.mtl4j.testkit;

import java.util.ArrayList;
import java.util.List;
import org.mtl4j.api.spec.PluginRef;
import org.mtl4j.api.spec.TaskSpec;

/** Small task lists and contexts shared by the contracts. */
public final class Fixtures {
    private Fixtures() {
    }

    /** {@code n} binary tasks named t0, t1, ... */
    public static List<TaskSpec> binaryTasks(int n) {
        List<TaskSpec> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            tasks.add(TaskSpec.binary("t" + i, "y" + i));
        }
        return tasks;
    }

    public static org.mtl4j.api.balance.BalancerContext context(PluginRef ref, int tasks, long seed) {
        return new org.mtl4j.api.balance.BalancerContext(ref, binaryTasks(tasks), seed);
    }
}
