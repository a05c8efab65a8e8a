package org.mtl4j.serving;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.backend.Predictions;
import org.mtl4j.api.backend.TrainedModel;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.BatchStream;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.api.spec.TrainingSpec;
import org.mtl4j.data.FunnelGenerator;
import org.mtl4j.data.InMemoryDataset;
import org.mtl4j.dsl.Mtl;

/** Small funnel models trained for real (ESMM: ctcvr = ctr x cvr tower) and the reference predictions. */
final class ServingFixtures {
    static final FunnelGenerator FUNNEL = new FunnelGenerator();

    private ServingFixtures() {
    }

    /** The demo inputs, tasks ctr and ctcvr chained after ctr (ESMM), on the given backend and topology. */
    static ModelSpec esmmSpec(String backend, Topology topology, long seed) {
        ModelSpec demo = FunnelGenerator.demoSpec();
        TaskSpec ctr = TaskSpec.binary("ctr", "click");
        TaskSpec ctcvr = new TaskSpec("ctcvr", ctr.kind(), "conversion", 1, null, List.of(), 1.0, false, "ctr", List.of(8), 1.0);
        ModelSpec s = demo.withTasks(List.of(ctr, ctcvr)).withTopology(topology).withBackend(backend)
                .withTraining(new TrainingSpec(1, 256, seed, 0.0, null, 0, 100_000));
        if (backend.equals("tribuo")) {
            s = s.withOptimizer(new OptimizerSpec("adagrad", 0.05, 0.9, 0.999, 1e-8, 0, 0.001)).withoutHiddenLayers();
        }
        return s;
    }

    static ModelSpec mmoe(String backend, long seed) {
        return esmmSpec(backend, new Topology.Mmoe(4, List.of(32), List.of()), seed);
    }

    /** Trains on {@code rows} generated rows and saves the model to {@code file}. */
    static Path train(ModelSpec spec, int rows, long rowSeed, Path file) throws IOException {
        InMemoryDataset data = InMemoryDataset.fromRows(spec, FUNNEL.rows(rows, rowSeed));
        try (TrainedModel m = Mtl.runtime().train(spec, data, null).model()) {
            m.save(file);
        }
        return file;
    }

    /** Rows to score: generated impressions plus ids never seen in training (they map to the OOV row). */
    static List<Map<String, String>> scoringRows(int n, long seed) {
        List<Map<String, String>> rows = new ArrayList<>();
        for (Map<String, String> r : FUNNEL.rows(n, seed)) {
            Map<String, String> m = new LinkedHashMap<>(r);
            for (String label : List.of("click", "conversion", "p_click", "p_cvr", "p_ctcvr")) {
                m.remove(label);
            }
            rows.add(m);
        }
        rows.get(0).put("user_id", "no-such-user");
        rows.get(1).put("item_id", "999999");
        rows.get(2).put("category", "");
        return rows;
    }

    /** {@code TrainedModel.predict} of the saved model on the rows, bound as {@code mtl4j predict} binds a file. */
    static Map<String, float[]> reference(Path modelFile, List<Map<String, String>> rows) throws IOException {
        try (TrainedModel m = Mtl.runtime().load(modelFile)) {
            InMemoryDataset ds = InMemoryDataset.builder(m.spec().withTasks(List.of()), rows).vocabularies(m.vocabularies())
                    .denseStats(Map.of()).build();
            Map<String, float[]> out = new LinkedHashMap<>();
            int at = 0;
            try (BatchStream s = ds.batches(rows.size(), false, 0L)) {
                Batch b = s.next();
                Predictions p = m.predict(b);
                p.outputs().forEach((k, v) -> out.put(k, v.clone()));
                at += b.size();
            }
            if (at != rows.size()) {
                throw new IllegalStateException("bound " + at + " of " + rows.size() + " rows");
            }
            return out;
        }
    }

    /** Splits a full row into the context (user id) and the candidate's own cells (the rest). */
    static Map<String, String> context(Map<String, String> row) {
        return Map.of("user_id", row.get("user_id"));
    }

    static Map<String, String> candidate(Map<String, String> row) {
        Map<String, String> c = new LinkedHashMap<>(row);
        c.remove("user_id");
        return c;
    }
}
