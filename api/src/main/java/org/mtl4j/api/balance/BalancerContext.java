package org.mtl4j.api.balance;

import java.util.List;
import org.mtl4j.api.spec.PluginRef;
import org.mtl4j.api.spec.TaskSpec;

/**
 * What a balancer factory gets: its own parameters as written in the spec, the model's tasks (in
 * order), and the run's seed (for methods that draw random numbers).
 */
public record BalancerContext(PluginRef ref, List<TaskSpec> tasks, long seed) {
    public BalancerContext {
        tasks = List.copyOf(tasks);
    }

    public int taskCount() {
        return tasks.size();
    }

    public List<String> taskNames() {
        return tasks.stream().map(TaskSpec::name).toList();
    }
}
