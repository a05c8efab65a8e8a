package org.mtl4j.tasks.metric;

import org.mtl4j.api.metric.Metric;
import org.mtl4j.api.metric.MetricInput;
import org.mtl4j.api.spec.TaskKind;

/** A cut-off metric bound to one k, named {@code <name>@<k>} (e.g. {@code ndcg@10}). */
public final class AtK implements Metric {
    private final Metric base;
    private final int k;

    public AtK(Metric base, int k) {
        if (k <= 0) {
            throw new IllegalArgumentException("metric '" + base.name() + "' cut-off k must be positive, found " + k);
        }
        this.base = base;
        this.k = k;
    }

    public int k() {
        return k;
    }

    public Metric base() {
        return base;
    }

    @Override
    public String name() {
        return base.name() + "@" + k;
    }

    @Override
    public boolean higherIsBetter() {
        return base.higherIsBetter();
    }

    @Override
    public boolean supports(TaskKind kind) {
        return base.supports(kind);
    }

    @Override
    public boolean needsGroups() {
        return base.needsGroups();
    }

    @Override
    public double compute(MetricInput in) {
        return base.compute(new MetricInput(in.kind(), in.numClasses(), in.labels(), in.scores(), in.groups(), k));
    }

    @Override
    public String toString() {
        return name();
    }
}
