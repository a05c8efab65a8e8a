package org.mtl4j.testkit;

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
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.TaskKind;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.api.spec.TrainingSpec;
import org.mtl4j.api.spec.VocabularySpec;

/**
 * Tiny learnable multi-task problems built straight from api records: 4 dense features and a user id
 * (10 users); binary labels 1[x0 + x1 + u_bias &gt; 0], regression labels x0 - x2 + u_bias, multiclass
 * labels argmax(x0, x1, x2).
 */
public final class TinyData {
    public static final int USERS = 10;

    private TinyData() {
    }

    public static List<InputSpec> inputs() {
        return List.of(new DenseInput("x", List.of("x0", "x1", "x2", "x3"), false),
                new CategoricalInput("user", "user_id", 4, VocabularySpec.DEFAULT, null));
    }

    public static TaskSpec task(TaskKind kind, int i) {
        String name = kind.id() + i;
        return switch (kind) {
            case BINARY -> TaskSpec.binary(name, name).withTower(List.of(4));
            case REGRESSION -> TaskSpec.regression(name, name).withTower(List.of(4));
            case MULTICLASS -> TaskSpec.multiclass(name, name, 3).withTower(List.of(4));
        };
    }

    /** A spec with the given topology and one task per kind listed. */
    public static ModelSpec spec(String backend, Topology topology, TaskKind... kinds) {
        List<TaskSpec> tasks = new java.util.ArrayList<>();
        for (int i = 0; i < kinds.length; i++) {
            tasks.add(task(kinds[i], i));
        }
        return new ModelSpec("tiny", inputs(), tasks, topology, null, null, null, OptimizerSpec.adam(0.02),
                new TrainingSpec(1, 64, 1L, 0, null, 0, 1000), backend);
    }

    /**
     * {@link #spec(String, Topology, TaskKind...)} as {@code backend} takes it: a backend that builds no
     * hidden layers (no {@code HIDDEN_LAYERS}, the Tribuo FM) refuses layer sizes and towers, so they are
     * dropped ({@link ModelSpec#withoutHiddenLayers}).
     */
    public static ModelSpec spec(org.mtl4j.api.backend.Backend backend, Topology topology, TaskKind... kinds) {
        ModelSpec s = spec(backend.name(), topology, kinds);
        return backend.supports(org.mtl4j.api.backend.Capability.HIDDEN_LAYERS) ? s : s.withoutHiddenLayers();
    }

    /** One small instance of each topology. */
    public static List<Topology> topologies() {
        return List.of(new Topology.Independent(List.of(8)), new Topology.SharedBottom(List.of(8)),
                new Topology.Mmoe(3, List.of(6), List.of()), new Topology.Ple(1, 2, 1, List.of(6)),
                new Topology.CrossStitch(List.of(8), 0.9));
    }

    public static Map<String, Vocabulary> vocabularies() {
        List<String> users = new java.util.ArrayList<>();
        for (int u = 0; u < USERS; u++) {
            users.add("u" + u);
        }
        return Map.of("user", Vocabulary.of("user", users));
    }

    /**
     * A batch of {@code rows} rows for the spec's tasks; each task's label is masked out on a row
     * with probability {@code maskRate}.
     */
    public static Batch batch(ModelSpec spec, int rows, long seed, double maskRate) {
        Random rng = new Random(seed);
        float[] x = new float[rows * 4];
        int[] ids = new int[rows];
        double[] userBias = new double[USERS];
        Random world = new Random(99);
        for (int u = 0; u < USERS; u++) {
            userBias[u] = world.nextGaussian() * 0.5;
        }
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < 4; j++) {
                x[r * 4 + j] = (float) rng.nextGaussian();
            }
            ids[r] = 2 + rng.nextInt(USERS);
        }
        Map<String, float[]> labels = new HashMap<>();
        Map<String, float[]> masks = new HashMap<>();
        for (TaskSpec t : spec.tasks()) {
            float[] y = new float[rows];
            float[] m = new float[rows];
            for (int r = 0; r < rows; r++) {
                double x0 = x[r * 4];
                double x1 = x[r * 4 + 1];
                double x2 = x[r * 4 + 2];
                double b = userBias[ids[r] - 2];
                y[r] = switch (t.kind()) {
                    case BINARY -> x0 + x1 + b > 0 ? 1f : 0f;
                    case REGRESSION -> (float) (x0 - x2 + b);
                    case MULTICLASS -> x0 >= x1 && x0 >= x2 ? 0f : x1 >= x2 ? 1f : 2f;
                };
                m[r] = rng.nextDouble() < maskRate ? 0f : 1f;
            }
            labels.put(t.label(), y);
            labels.put(t.name(), y);
            masks.put(t.name(), m);
            masks.put(t.label(), m);
        }
        return new Batch(rows, Map.of("x", new Feature.Dense(4, x), "user", new Feature.Ids(ids)), labels, masks, Map.of());
    }

    /** A copy of {@code b} in which every masked-out label of every task is replaced by garbage of the right kind. */
    public static Batch scrambleMaskedLabels(ModelSpec spec, Batch b) {
        Map<String, float[]> labels = new HashMap<>(b.labels());
        for (TaskSpec t : spec.tasks()) {
            float[] y = b.labels(t.name()).clone();
            float[] m = b.mask(t.name());
            for (int r = 0; r < y.length; r++) {
                if (m[r] == 0f) {
                    y[r] = t.kind() == TaskKind.REGRESSION ? 1000f * (r % 2 == 0 ? 1 : -1) : t.kind() == TaskKind.MULTICLASS ? (y[r] + 1) % 3 : 1 - y[r];
                }
            }
            labels.put(t.name(), y);
            labels.put(t.label(), y);
        }
        return new Batch(b.size(), b.features(), labels, b.masks(), b.extras());
    }
}
