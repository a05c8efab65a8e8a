package org.mtl4j.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.metric.Metric;
import org.mtl4j.tasks.metric.AtK;

class MetricsResolveTest {

    @Test
    void parsesCutOff() {
        Metric m = Metrics.resolve("ndcg@10");
        assertThat(m.name()).isEqualTo("ndcg@10");
        assertThat(m).isInstanceOf(AtK.class);
        assertThat(((AtK) m).k()).isEqualTo(10);
        assertThat(Metrics.cutoff("recall@20")).isEqualTo(20);
        assertThat(Metrics.cutoff("auc")).isZero();
        assertThat(Metrics.resolve("auc")).isSameAs(Metrics.builtIn().get("auc"));
    }

    @Test
    void unknownMetricListsTheKnownOnes() {
        assertThatThrownBy(() -> Metrics.resolve("aucc")).isInstanceOf(MtlException.class)
                .hasMessage("unknown metric \"aucc\" (known: accuracy, auc, calibration, ece, gauc, logloss, mae, ndcg, "
                        + "recall, rmse, top-k-accuracy)");
    }

    @Test
    void badCutOffs() {
        assertThatThrownBy(() -> Metrics.resolve("ndcg@x"))
                .hasMessage("metric \"ndcg@x\": k must be a positive integer, found \"x\"");
        assertThatThrownBy(() -> Metrics.resolve("recall@0"))
                .hasMessage("metric \"recall@0\": k must be a positive integer, found \"0\"");
        assertThatThrownBy(() -> Metrics.resolve("auc@5"))
                .hasMessage("metric \"auc@5\": auc takes no @k cut-off (metrics with one: ndcg, recall, top-k-accuracy)");
    }
}
