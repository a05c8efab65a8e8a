package org.mtl4j.backend.tribuo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.Feature;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.CategoricalInput;
import org.mtl4j.api.spec.DenseInput;
import org.mtl4j.api.spec.InputSpec;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.MultiHotInput;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.Pooling;
import org.mtl4j.api.spec.TaskKind;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.api.spec.TrainingSpec;

/** Small specs and batches covering every input kind and task kind the backend supports. */
final class Fixtures {
    private Fixtures() {
    }

    static final List<InputSpec> INPUTS = List.of(
            new CategoricalInput("user", "user_id", 4, null, null),
            new MultiHotInput("genres", "genres", "|", 4, Pooling.MEAN, null, null),
            new DenseInput("ctx", List.of("d0", "d1"), false));

    static Map<String, Vocabulary> vocabularies() {
        Map<String, Vocabulary> v = new HashMap<>();
        v.put("user", Vocabulary.of("user", List.of("u0", "u1", "u2", "u3", "u4", "u5")));
        v.put("genres", Vocabulary.of("genres", List.of("drama", "comedy", "action", "horror")));
        return v;
    }

    static TaskSpec chained(String name, String label, String parent) {
        return new TaskSpec(name, TaskKind.BINARY, label, 1, null, List.of(), 1.0, false, parent, List.of(8), 1.0);
    }

    /** ctr (binary), ctcvr (chained after ctr), rating (regression, huber), genre (3 classes). */
    static List<TaskSpec> allTasks() {
        return List.of(TaskSpec.binary("ctr", "click"), chained("ctcvr", "buy", "ctr"),
                new TaskSpec("rating", TaskKind.REGRESSION, "rating", 1, org.mtl4j.api.spec.LossKind.HUBER, List.of(), 1.0,
                        false, null, List.of(8), 1.0),
                TaskSpec.multiclass("genre", "g", 3));
    }

    /** A spec of the backend: the topology's layer sizes and the towers dropped (the FM refuses them). */
    static ModelSpec spec(Topology topology, List<TaskSpec> tasks, OptimizerSpec opt) {
        return withLayers(topology, tasks, opt).withoutHiddenLayers();
    }

    /** As written: layer sizes and towers kept (for the refusals). */
    static ModelSpec withLayers(Topology topology, List<TaskSpec> tasks, OptimizerSpec opt) {
        return new ModelSpec("fixture", INPUTS, tasks, topology, null, null, null, opt,
                new TrainingSpec(1, 8, 7L, 0, null, 0, 1000), "tribuo");
    }

    /** A random batch; row 2 has no label for ctr, row 4 an empty bag. */
    static Batch batch(int rows, long seed) {
        Random r = new Random(seed);
        int[] users = new int[rows];
        List<Integer> offsets = new ArrayList<>();
        List<Integer> bag = new ArrayList<>();
        float[] dense = new float[rows * 2];
        offsets.add(0);
        for (int i = 0; i < rows; i++) {
            users[i] = 1 + r.nextInt(7);
            int members = i == 4 ? 0 : 1 + r.nextInt(3);
            for (int m = 0; m < members; m++) {
                bag.add(2 + r.nextInt(4));
            }
            offsets.add(bag.size());
            dense[2 * i] = (float) r.nextGaussian();
            dense[2 * i + 1] = (float) r.nextGaussian();
        }
        Map<String, Feature> f = Map.of("user", new Feature.Ids(users),
                "genres", new Feature.Bag(offsets.stream().mapToInt(Integer::intValue).toArray(),
                        bag.stream().mapToInt(Integer::intValue).toArray()),
                "ctx", new Feature.Dense(2, dense));
        float[] click = new float[rows];
        float[] buy = new float[rows];
        float[] rating = new float[rows];
        float[] g = new float[rows];
        float[] ctrMask = new float[rows];
        for (int i = 0; i < rows; i++) {
            click[i] = r.nextBoolean() ? 1 : 0;
            buy[i] = click[i] > 0 && r.nextBoolean() ? 1 : 0;
            rating[i] = (float) (r.nextGaussian() * 2);
            g[i] = r.nextInt(3);
            ctrMask[i] = i == 2 ? 0 : 1;
        }
        return new Batch(rows, f, Map.of("ctr", click, "ctcvr", buy, "rating", rating, "genre", g),
                Map.of("ctr", ctrMask), Map.of());
    }
}
