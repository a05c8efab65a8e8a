package org.mtl4j.tasks;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.mtl4j.api.metric.Evaluation;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.TaskSpec;

/**
 * Auxiliary tasks are trained but are not product outputs (a task that only helps the others learn,
 * e.g. dwell time next to CTR); reports show them apart. These helpers split evaluations and task
 * lists accordingly.
 */
public final class AuxiliaryTasks {
    private AuxiliaryTasks() {
    }

    /** An evaluation split into the product outputs and the auxiliary tasks. */
    public record Split(Evaluation product, Evaluation auxiliary) {
    }

    /** Names of the product (non-auxiliary) tasks in spec order. */
    public static List<String> productTasks(ModelSpec spec) {
        return spec.tasks().stream().filter(t -> !t.auxiliary()).map(TaskSpec::name).toList();
    }

    /** Names of the auxiliary tasks in spec order. */
    public static List<String> auxiliaryTasks(ModelSpec spec) {
        return spec.tasks().stream().filter(TaskSpec::auxiliary).map(TaskSpec::name).toList();
    }

    /**
     * Splits an evaluation by the spec's auxiliary flags. Entries for names the spec does not know
     * (e.g. an ESMM {@code <task>.conditional} output) go with their task's side.
     */
    public static Split split(ModelSpec spec, Evaluation evaluation) {
        Set<String> aux = spec.tasks().stream().filter(TaskSpec::auxiliary).map(TaskSpec::name).collect(Collectors.toSet());
        return new Split(filter(evaluation, name -> !aux.contains(owner(name))),
                filter(evaluation, name -> aux.contains(owner(name))));
    }

    private static String owner(String name) {
        int dot = name.indexOf(TaskSpec.CONDITIONAL_SUFFIX);
        return dot < 0 ? name : name.substring(0, dot);
    }

    private static Evaluation filter(Evaluation e, java.util.function.Predicate<String> keep) {
        return new Evaluation(only(e.metrics(), keep), only(e.losses(), keep), only(e.rows(), keep));
    }

    private static <V> Map<String, V> only(Map<String, V> m, java.util.function.Predicate<String> keep) {
        Map<String, V> out = new HashMap<>();
        m.forEach((k, v) -> {
            if (keep.test(k)) {
                out.put(k, v);
            }
        });
        return out;
    }
}
