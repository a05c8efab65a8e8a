package org.mtl4j.api.metric;

import org.mtl4j.api.spec.TaskKind;

/**
 * Everything a metric needs for one task over an evaluation set; rows without a label are already
 * removed.
 *
 * @param labels n labels (0/1, class index, or value)
 * @param scores n scores (probability or value), or n x numClasses probabilities for multiclass
 * @param groups per-row group key (the user) for GAUC and per-user ranking metrics, or null
 * @param k the cut-off of an {@code @k} metric (0 when the name has none)
 */
public record MetricInput(TaskKind kind, int numClasses, float[] labels, float[] scores, int[] groups, int k) {
    public int size() {
        return labels.length;
    }
}
