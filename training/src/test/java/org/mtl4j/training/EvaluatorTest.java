package org.mtl4j.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.metric.Evaluation;
import org.mtl4j.api.metric.MetricInput;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.TaskKind;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.tasks.Metrics;
import org.mtl4j.training.testmodel.ArrayDataset;
import org.mtl4j.training.testmodel.LinearMtlModel;

class EvaluatorTest {

    private static TaskSpec click(List<String> metrics) {
        return new TaskSpec("click", TaskKind.BINARY, "click", 1, null, metrics, 1, false, null, null, 1);
    }

    @Test
    void evaluatesLabelledRowsOnlyWithGroupsFromTheUserExtra() {
        int n = 300;
        ArrayDataset full = Fixtures.twoTasks(n, 3, 0.5, 21);
        Batch all = Fixtures.all(full);
        float[] mask = new float[n];
        for (int i = 0; i < n; i++) {
            mask[i] = i % 3 == 0 ? 0 : 1;
        }
        float[] x = ((org.mtl4j.api.data.Feature.Dense) all.feature("x")).values();
        ArrayDataset ds = new ArrayDataset("x", 3, x, all.labels(), Map.of("click", mask), all.extras());
        ModelSpec spec = Fixtures.spec(3, 2, List.of(click(List.of("auc", "gauc", "logloss", "ndcg@5")),
                TaskSpec.regression("value", "value")), OptimizerSpec.adam(0.01), Fixtures.training(1, 64, 1, null, 0));
        LinearMtlModel model = new LinearMtlModel(spec);

        Evaluation e = Evaluator.evaluate(model, ds);

        float[] p = model.predict(all).output("click");
        float[] v = model.predict(all).output("value");
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (mask[i] > 0) {
                rows.add(i);
            }
        }
        float[] y = new float[rows.size()];
        float[] s = new float[rows.size()];
        int[] g = new int[rows.size()];
        double loss = 0;
        for (int j = 0; j < rows.size(); j++) {
            int i = rows.get(j);
            y[j] = all.labels("click")[i];
            s[j] = p[i];
            g[j] = (int) all.extras().get("user")[i];
            loss -= y[j] > 0 ? Math.log(p[i]) : Math.log(1 - p[i]);
        }
        assertThat(e.rows()).containsEntry("click", 200L).containsEntry("value", 300L);
        assertThat(e.metric("click", "auc")).isCloseTo(
                Metrics.resolve("auc").compute(new MetricInput(TaskKind.BINARY, 1, y, s, null, 0)), within(1e-12));
        assertThat(e.metric("click", "gauc")).isCloseTo(
                Metrics.resolve("gauc").compute(new MetricInput(TaskKind.BINARY, 1, y, s, g, 0)), within(1e-12));
        assertThat(e.metric("click", "ndcg@5")).isCloseTo(
                Metrics.resolve("ndcg@5").compute(new MetricInput(TaskKind.BINARY, 1, y, s, g, 0)), within(1e-12));
        assertThat(e.losses().get("click")).isCloseTo(loss / rows.size(), within(1e-6));
        assertThat(e.metric("click", "logloss")).isCloseTo(loss / rows.size(), within(1e-6));
        double se = 0;
        for (int i = 0; i < n; i++) {
            se += Math.pow(v[i] - all.labels("value")[i], 2);
        }
        assertThat(e.metric("value", "rmse")).isCloseTo(Math.sqrt(se / n), within(1e-5));
        assertThat(e.metrics().get("value")).containsOnlyKeys("rmse", "mae");
    }

    @Test
    void perUserMetricWithoutUserColumnAndUnsupportedMetricFail() {
        ArrayDataset noUser = new ArrayDataset("x", 1, new float[] {1, 2}, Map.of("click", new float[] {0, 1}), Map.of(), Map.of());
        ModelSpec gauc = Fixtures.spec(1, 1, List.of(click(List.of("gauc"))), OptimizerSpec.adam(0.01),
                Fixtures.training(1, 64, 1, null, 0));
        assertThatThrownBy(() -> Evaluator.evaluate(new LinearMtlModel(gauc), noUser))
                .hasMessage("per-user metrics need the user of each row: dataset array dataset (2 rows) has no \"user\" extra "
                        + "column (extras: [])");
        ModelSpec rmse = Fixtures.spec(1, 1, List.of(click(List.of("rmse"))), OptimizerSpec.adam(0.01),
                Fixtures.training(1, 64, 1, null, 0));
        assertThatThrownBy(() -> Evaluator.evaluate(new LinearMtlModel(rmse), noUser))
                .hasMessage("metric 'rmse' of task 'click' does not support binary tasks");
    }

    @Test
    void aTaskWithoutLabelledRowsGetsNaN() {
        ArrayDataset ds = new ArrayDataset("x", 1, new float[] {1, 2}, Map.of("click", new float[] {0, 1}),
                Map.of("click", new float[] {0, 0}), Map.of());
        ModelSpec spec = Fixtures.spec(1, 1, List.of(click(List.of())), OptimizerSpec.adam(0.01), Fixtures.training(1, 64, 1, null, 0));
        Evaluation e = Evaluator.evaluate(new LinearMtlModel(spec), ds);
        assertThat(e.rows()).containsEntry("click", 0L);
        assertThat(e.metric("click", "auc")).isNaN();
        assertThat(e.losses().get("click")).isNaN();
    }

    /** A model whose outputs are read from extra columns: evaluation plumbing with known scores. */
    private static org.mtl4j.api.backend.TrainedModel fromExtras(ModelSpec spec, Map<String, String> outputToExtra) {
        return new org.mtl4j.api.backend.TrainedModel() {
            @Override
            public ModelSpec spec() {
                return spec;
            }

            @Override
            public String backendName() {
                return "extras";
            }

            @Override
            public Map<String, org.mtl4j.api.data.Vocabulary> vocabularies() {
                return Map.of();
            }

            @Override
            public org.mtl4j.api.backend.Provenance provenance() {
                return null;
            }

            @Override
            public org.mtl4j.api.backend.Predictions predict(Batch batch) {
                Map<String, float[]> out = new java.util.HashMap<>();
                outputToExtra.forEach((o, e) -> out.put(o, batch.extras().get(e)));
                return new org.mtl4j.api.backend.Predictions(batch.size(), out);
            }

            @Override
            public Map<String, Long> parameterCounts() {
                return Map.of();
            }

            @Override
            public void save(java.nio.file.Path file) {
                throw new UnsupportedOperationException("test model");
            }
        };
    }

    @Test
    void chainedTaskIsEvaluatedOnItsOwnOutputAndItsConditionalOnClickedRows() {
        float[] click = {1, 1, 0, 1, 0};
        float[] conv = {1, 0, 0, 1, 0};
        float[] pCtr = {0.9f, 0.8f, 0.3f, 0.6f, 0.2f};
        float[] pCvr = {0.5f, 0.4f, 0.9f, 0.2f, 0.1f};
        float[] pCtcvr = new float[5];
        for (int i = 0; i < 5; i++) {
            pCtcvr[i] = pCtr[i] * pCvr[i];
        }
        ArrayDataset ds = new ArrayDataset("x", 1, new float[5], Map.of("ctr", click, "ctcvr", conv), Map.of(),
                Map.of("p_ctr", pCtr, "p_cvr", pCvr, "p_ctcvr", pCtcvr));
        TaskSpec ctcvr = new TaskSpec("ctcvr", TaskKind.BINARY, "conv", 1, null, List.of("auc"), 1, false, "ctr", null, 1);
        TaskSpec ctr = new TaskSpec("ctr", TaskKind.BINARY, "click", 1, null, List.of("auc"), 1, false, null, null, 1);
        ModelSpec spec = Fixtures.spec(1, 1, List.of(ctr, ctcvr), OptimizerSpec.adam(0.01), Fixtures.training(1, 2, 1, null, 0));
        Evaluation e = Evaluator.evaluate(fromExtras(spec, Map.of("ctr", "p_ctr", "ctcvr", "p_ctcvr",
                "ctcvr.conditional", "p_cvr")), ds);
        // ctcvr over all rows: positives {0.45, 0.12} against {0.32, 0.27, 0.02}: 4 of 6 pairs
        assertThat(e.metric("ctcvr", "auc")).isCloseTo(4.0 / 6, within(1e-12));
        assertThat(e.rows()).containsEntry("ctcvr", 5L).containsEntry("ctcvr.conditional", 3L);
        // pCVR over the clicked rows 0, 1, 3: positives {0.5, 0.2} against {0.4}: 1 of 2 pairs
        assertThat(e.metric("ctcvr.conditional", "auc")).isCloseTo(0.5, within(1e-12));
        // ctcvr's loss: mean BCE of p_ctcvr against conversion over all rows
        double loss = 0;
        for (int i = 0; i < 5; i++) {
            loss -= conv[i] > 0 ? Math.log(pCtcvr[i]) : Math.log(1 - pCtcvr[i]);
        }
        assertThat(e.losses().get("ctcvr")).isCloseTo(loss / 5, within(1e-6));
    }
}
