package org.mtl4j.tasks.metric;

import java.util.EnumSet;
import java.util.Set;
import org.mtl4j.api.metric.Metric;
import org.mtl4j.api.spec.TaskKind;

/** Name, direction and supported task kinds of a built-in metric. */
abstract class BaseMetric implements Metric {
    private final String name;
    private final boolean higherIsBetter;
    private final Set<TaskKind> kinds;

    BaseMetric(String name, boolean higherIsBetter, TaskKind first, TaskKind... rest) {
        this.name = name;
        this.higherIsBetter = higherIsBetter;
        this.kinds = EnumSet.of(first, rest);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean higherIsBetter() {
        return higherIsBetter;
    }

    @Override
    public boolean supports(TaskKind kind) {
        return kinds.contains(kind);
    }

    @Override
    public String toString() {
        return name;
    }
}
