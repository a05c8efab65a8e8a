package org.mtl4j.backend.dl4j;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.data.Feature;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.CategoricalInput;
import org.mtl4j.api.spec.DenseInput;
import org.mtl4j.api.spec.ImageInput;
import org.mtl4j.api.spec.InputSpec;
import org.mtl4j.api.spec.LossKind;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.MultiHotInput;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.Pooling;
import org.mtl4j.api.spec.SequenceInput;
import org.mtl4j.api.spec.TaskKind;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.TextInput;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.api.spec.TransformerSpec;
import org.mtl4j.api.spec.TrainingSpec;
import org.mtl4j.api.backend.TrainableModel;

/** Small specs and random batches with a learnable signal, for the backend's tests. */
final class Fixtures {
    static final int DENSE = 5;
    static final int USERS = 12;
    static final int TAGS = 7;
    static final int WORDS = 9;

    private Fixtures() {
    }

    static List<InputSpec> inputs() {
        return List.of(new DenseInput("x", List.of("x0", "x1", "x2", "x3", "x4"), true),
                new CategoricalInput("user", "user", 3, null, null),
                new MultiHotInput("tags", "tags", "|", 2, Pooling.MEAN, null, null));
    }

    /**
     * {@link #inputs()} plus every other encoder kind: an id sequence through a Transformer, a
     * grey image through a conv branch, a bag-of-words text and a token-sequence text.
     */
    static List<InputSpec> richInputs() {
        List<InputSpec> in = new ArrayList<>(inputs());
        in.add(new SequenceInput("history", "history", "|", 4, null, "items", TransformerSpec.of(1, 2, 8)));
        in.add(new ImageInput("img", "img", 1, 4, 4, List.of(2), 3));
        in.add(new TextInput("title", "title", TextInput.Encoding.BAG_OF_WORDS, 5, 3, null, null));
        in.add(new TextInput("body", "body", TextInput.Encoding.SEQUENCE, 4, 8, null, TransformerSpec.of(1, 2, 8)));
        return in;
    }

    static Map<String, Vocabulary> vocabularies() {
        List<String> users = new ArrayList<>();
        for (int i = 0; i < USERS - 2; i++) {
            users.add("u" + i);
        }
        List<String> tags = new ArrayList<>();
        for (int i = 0; i < TAGS - 2; i++) {
            tags.add("t" + i);
        }
        List<String> words = new ArrayList<>();
        for (int i = 0; i < WORDS - 2; i++) {
            words.add("w" + i);
        }
        return Map.of("user", Vocabulary.of("user", users), "tags", Vocabulary.of("tags", tags), "items",
                Vocabulary.of("items", words), "title", Vocabulary.of("title", words), "body", Vocabulary.of("body", words));
    }

    static Map<String, Dataset.DenseStats> stats() {
        double[] mean = new double[DENSE];
        double[] std = new double[DENSE];
        for (int j = 0; j < DENSE; j++) {
            mean[j] = 0.1 * j;
            std[j] = 1 + 0.2 * j;
        }
        return Map.of("x", new Dataset.DenseStats(mean, std));
    }

    static TaskSpec task(String name, TaskKind kind, int classes, LossKind loss, String chainedAfter, List<Integer> tower) {
        return new TaskSpec(name, kind, name, classes, loss, List.of(), 1.0, false, chainedAfter, tower, 1.0);
    }

    /** Binary, chained binary (ESMM), multiclass, regression (Huber). */
    static List<TaskSpec> mixedTasks() {
        return List.of(task("ctr", TaskKind.BINARY, 1, null, null, List.of(4)),
                task("ctcvr", TaskKind.BINARY, 1, null, "ctr", List.of(3)),
                task("genre", TaskKind.MULTICLASS, 3, null, null, List.of(4)),
                task("rating", TaskKind.REGRESSION, 1, LossKind.HUBER, null, List.of()));
    }

    /**
     * A grouped topology names tasks: one written for {@link #mixedTasks()} is renamed position by position to
     * {@code tasks} (so the same list of topologies serves every task set).
     */
    static ModelSpec spec(Topology topology, List<TaskSpec> tasks, OptimizerSpec opt) {
        if (topology instanceof Topology.TaskGroups g && g.grouped()) {
            List<String> from = mixedTasks().stream().map(TaskSpec::name).toList();
            topology = g.withGroups(g.groups().stream()
                    .map(group -> group.stream().map(n -> from.contains(n) ? tasks.get(from.indexOf(n)).name() : n).toList())
                    .toList());
        }
        return spec(inputs(), topology, tasks, opt);
    }

    static ModelSpec spec(List<InputSpec> inputs, Topology topology, List<TaskSpec> tasks, OptimizerSpec opt) {
        return new ModelSpec("m", inputs, tasks, topology, null, null, null, opt, new TrainingSpec(1, 32, 7L, 0, null, 0, 1000),
                "dl4j");
    }

    static List<Topology> topologies() {
        return List.of(new Topology.Independent(List.of(6)), new Topology.Independent(List.of()), new Topology.SharedBottom(List.of(8, 6)),
                new Topology.Mmoe(3, List.of(5), List.of()), new Topology.Mmoe(3, List.of(6, 4), List.of(5)),
                new Topology.Ple(1, 2, 1, List.of(5)), new Topology.Ple(2, 2, 1, List.of(5, 4)), new Topology.CrossStitch(List.of(6, 5), 0.8),
                // an ESMM chain across groups, and a task alone in its group
                new Topology.Grouped(List.of(List.of("ctr", "genre"), List.of("ctcvr", "rating")), List.of(6, 5)),
                new Topology.Grouped(List.of(List.of("ctr", "ctcvr", "genre"), List.of("rating")), List.of(6)),
                // experts per group: MMoE with gate layers and deep experts, PLE of two levels with a task alone
                new Topology.Mmoe(2, List.of(6, 4), List.of(3), List.of(List.of("ctr", "genre"), List.of("ctcvr", "rating"))),
                new Topology.Ple(2, 1, 1, List.of(5), List.of(List.of("ctr", "ctcvr", "genre"), List.of("rating"))));
    }

    /** A few fixed batches as a dataset (in the given order, whatever the shuffle), over {@link #vocabularies()}. */
    static Dataset dataset(List<Batch> batches) {
        return new Dataset() {
            @Override
            public String description() {
                return "fixture batches";
            }

            @Override
            public Map<String, Vocabulary> vocabularies() {
                return Fixtures.vocabularies();
            }

            @Override
            public org.mtl4j.api.data.BatchStream batches(int batchSize, boolean shuffle, long seed) {
                java.util.Iterator<Batch> it = batches.iterator();
                return new org.mtl4j.api.data.BatchStream() {
                    @Override
                    public boolean hasNext() {
                        return it.hasNext();
                    }

                    @Override
                    public Batch next() {
                        return it.next();
                    }

                    @Override
                    public void close() {
                    }
                };
            }
        };
    }

    static TrainableModel compile(ModelSpec spec) {
        return new Dl4jBackend().compile(spec, vocabularies(), stats());
    }

    /**
     * A batch whose labels depend on the features (so training can reduce the loss); {@code maskEvery}
     * > 0 leaves every maskEvery-th row unlabelled for every task but the first.
     */
    static Batch batch(ModelSpec spec, int n, long seed, int maskEvery) {
        Random rng = new Random(seed);
        float[] x = new float[n * DENSE];
        int[] users = new int[n];
        int[] offsets = new int[n + 1];
        List<Integer> tagIds = new ArrayList<>();
        float[] signal = new float[n];
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < DENSE; j++) {
                x[r * DENSE + j] = (float) (rng.nextGaussian() * (1 + 0.2 * j) + 0.1 * j);
            }
            users[r] = rng.nextInt(USERS + 2); // includes ids beyond the table: OOV
            int bag = rng.nextInt(3);
            for (int i = 0; i < bag; i++) {
                tagIds.add(2 + rng.nextInt(TAGS - 2));
            }
            offsets[r + 1] = tagIds.size();
            signal[r] = x[r * DENSE] - 0.5f * x[r * DENSE + 1] + (users[r] % 3 == 0 ? 1f : -0.5f) + (bag > 1 ? 0.5f : 0f);
        }
        Map<String, Feature> f = new HashMap<>();
        f.put("x", new Feature.Dense(DENSE, x));
        f.put("user", new Feature.Ids(users));
        f.put("tags", new Feature.Bag(offsets, tagIds.stream().mapToInt(Integer::intValue).toArray()));
        for (InputSpec in : spec.inputs()) {
            if (in instanceof SequenceInput seq) {
                f.put(seq.name(), sequence(rng, n, seq.maxLength()));
            } else if (in instanceof TextInput text) {
                if (text.encoding() == TextInput.Encoding.SEQUENCE) {
                    f.put(text.name(), sequence(rng, n, text.maxTokens()));
                } else {
                    int[] off = new int[n + 1];
                    List<Integer> ids = new ArrayList<>();
                    for (int r = 0; r < n; r++) {
                        int len = 1 + rng.nextInt(text.maxTokens());
                        for (int i = 0; i < len; i++) {
                            ids.add(2 + rng.nextInt(WORDS - 2));
                        }
                        off[r + 1] = ids.size();
                    }
                    f.put(text.name(), new Feature.Bag(off, ids.stream().mapToInt(Integer::intValue).toArray()));
                }
            } else if (in instanceof ImageInput img) {
                float[] px = new float[n * img.pixels()];
                for (int i = 0; i < px.length; i++) {
                    px[i] = rng.nextFloat();
                }
                f.put(img.name(), new Feature.Image(img.channels(), img.height(), img.width(), px));
            }
        }
        Map<String, float[]> labels = new HashMap<>();
        Map<String, float[]> masks = new HashMap<>();
        boolean first = true;
        for (TaskSpec t : spec.tasks()) {
            float[] y = new float[n];
            float[] m = new float[n];
            for (int r = 0; r < n; r++) {
                double s = signal[r];
                y[r] = switch (t.kind()) {
                    case BINARY -> rng.nextDouble() < 1 / (1 + Math.exp(-2 * s + (t.chained() ? 1.5 : 0))) ? 1f : 0f;
                    case MULTICLASS -> s < -0.5 ? 0f : s < 0.7 ? 1f : 2f;
                    case REGRESSION -> (float) (s + 0.1 * rng.nextGaussian());
                };
                m[r] = !first && maskEvery > 0 && r % maskEvery == 0 ? 0f : 1f;
            }
            labels.put(t.name(), y);
            masks.put(t.name(), m);
            first = false;
        }
        return new Batch(n, f, labels, masks, Map.of());
    }

    /** Right-aligned id sequences, left-padded with 0, of 1..maxLength tokens. */
    private static Feature.Sequence sequence(Random rng, int n, int maxLength) {
        int[] ids = new int[n * maxLength];
        for (int r = 0; r < n; r++) {
            int len = 1 + rng.nextInt(maxLength);
            for (int i = maxLength - len; i < maxLength; i++) {
                ids[r * maxLength + i] = 2 + rng.nextInt(WORDS - 2);
            }
        }
        return new Feature.Sequence(maxLength, ids);
    }

    static double weighted(double[] losses, double[] w) {
        double s = 0;
        for (int k = 0; k < w.length; k++) {
            s += w[k] * losses[k];
        }
        return s;
    }
}
