package org.mtl4j.api.metric;

import org.mtl4j.api.spec.TaskKind;

/**
 * A per-task evaluation metric, registered by name ({@code auc}, {@code ndcg} ...). A name written
 * {@code ndcg@10} in a spec finds the metric {@code ndcg} and passes k = 10.
 */
public interface Metric {

    String name();

    boolean higherIsBetter();

    boolean supports(TaskKind kind);

    /** True if the metric needs {@link MetricInput#groups()} (per-user metrics). */
    default boolean needsGroups() {
        return false;
    }

    /** NaN when undefined (e.g. AUC on a single class). */
    double compute(MetricInput input);
}
