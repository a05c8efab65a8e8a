package org.mtl4j.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.mtl4j.api.backend.TrainableModel;
import org.mtl4j.api.backend.TrainingStep;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.data.Feature;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.CategoricalInput;
import org.mtl4j.api.spec.DenseInput;
import org.mtl4j.api.spec.ImageInput;
import org.mtl4j.api.spec.InputSpec;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.MultiHotInput;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.Pooling;
import org.mtl4j.api.spec.SequenceInput;
import org.mtl4j.api.spec.TaskKind;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.TextInput;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.api.spec.TrainingSpec;
import org.mtl4j.api.spec.TransformerSpec;
import org.mtl4j.api.spec.VectorInput;
import org.mtl4j.api.spec.VocabularySpec;

/**
 * Small specs of every topology x encoder set, batches of random rows for any spec (ids outside the
 * tables included, to exercise the OOV mapping), a few real training steps, and the conversion of a
 * batch into ONNX Runtime tensors following the side file's layout.
 */
final class ExportFixtures {
    static final int DENSE = 4;
    static final int USERS = 9;
    static final int ITEMS = 15;
    static final int TAGS = 6;
    static final int WORDS = 20;
    static final int HISTORY = 5;
    static final int TOKENS = 6;

    private ExportFixtures() {
    }

    static List<Topology> topologies() {
        return List.of(new Topology.Independent(List.of(6)), new Topology.Independent(List.of()), new Topology.SharedBottom(List.of(8, 6)),
                new Topology.Mmoe(3, List.of(5), List.of()), new Topology.Mmoe(3, List.of(6, 4), List.of(5)),
                new Topology.Ple(1, 2, 1, List.of(5)), new Topology.Ple(2, 2, 1, List.of(5, 4)), new Topology.CrossStitch(List.of(6, 5), 0.8),
                // per group of tasks: a shared bottom, an MMoE (gate layers, deep experts) and a two-level PLE with a task alone
                new Topology.Grouped(List.of(List.of("ctr", "ctcvr"), List.of("genre", "rating")), List.of(6)),
                new Topology.Mmoe(2, List.of(6, 4), List.of(3), List.of(List.of("ctr", "genre"), List.of("ctcvr", "rating"))),
                new Topology.Ple(2, 1, 1, List.of(5), List.of(List.of("ctr", "ctcvr", "genre"), List.of("rating"))));
    }

    /**
     * Encoder sets: ids (dense + embeddings + bags), sequence (Transformer), text (bag-of-words + token Transformer), image,
     * vector (precomputed vectors: whitened + adapter, raw + adapter, whitened pass-through).
     */
    static List<String> encoderSets() {
        return List.of("ids", "sequence", "text", "image", "vector");
    }

    static List<InputSpec> inputs(String set) {
        List<InputSpec> in = new ArrayList<>();
        in.add(new DenseInput("x", List.of("x0", "x1", "x2", "x3"), true));
        in.add(new CategoricalInput("user", "user_id", 3, null, null));
        switch (set) {
            case "ids" -> {
                in.add(new CategoricalInput("item", "item_id", 4, null, "items"));
                in.add(new MultiHotInput("tags", "tags", "|", 3, Pooling.MEAN, null, null));
                in.add(new MultiHotInput("genres", "genres", "|", 2, Pooling.SUM, VocabularySpec.DEFAULT, null));
            }
            case "sequence" -> {
                in.add(new CategoricalInput("item", "item_id", 8, null, "items"));
                in.add(new SequenceInput("history", "recent", "|", HISTORY, null, "items",
                        new TransformerSpec(2, 2, 8, 12, 0.1, TransformerSpec.SequencePooling.MEAN)));
                in.add(new SequenceInput("last", "last", "|", HISTORY, null, "clicks",
                        new TransformerSpec(1, 1, 4, 6, 0.0, TransformerSpec.SequencePooling.LAST)));
            }
            case "text" -> {
                in.add(new TextInput("title", "title", TextInput.Encoding.BAG_OF_WORDS, TOKENS, 4, null, null));
                in.add(new TextInput("body", "body", TextInput.Encoding.SEQUENCE, TOKENS, 4, null,
                        new TransformerSpec(1, 2, 4, 8, 0.0, TransformerSpec.SequencePooling.LAST)));
            }
            case "image" -> in.add(new ImageInput("photo", "photo", 2, 8, 6, List.of(3, 4), 3));
            case "vector" -> {
                in.add(new VectorInput("audio", "audio", 5, null, null, new VectorInput.Adapter(4, true)));
                in.add(new VectorInput("photo", "photo_id", 3, "photo.npy", VectorInput.Missing.ZERO, new VectorInput.Adapter(3, false)));
                in.add(new VectorInput("review", "review", 2, null, null, new VectorInput.Adapter(0, true)));
            }
            default -> throw new IllegalArgumentException(set);
        }
        return in;
    }

    static TaskSpec task(String name, TaskKind kind, int classes, String chainedAfter, List<Integer> tower) {
        return new TaskSpec(name, kind, name, classes, null, List.of(), 1.0, false, chainedAfter, tower, 1.0);
    }

    /** Binary, ESMM-chained binary, multiclass, regression. */
    static List<TaskSpec> tasks() {
        return List.of(task("ctr", TaskKind.BINARY, 1, null, List.of(4)), task("ctcvr", TaskKind.BINARY, 1, "ctr", List.of(3)),
                task("genre", TaskKind.MULTICLASS, 3, null, List.of(4)), task("rating", TaskKind.REGRESSION, 1, null, List.of()));
    }

    static ModelSpec spec(Topology topology, String set) {
        return new ModelSpec("export-" + set, inputs(set), tasks(), topology, null, null, null, OptimizerSpec.adam(0.01),
                new TrainingSpec(1, 32, 5L, 0, null, 0, 1000), "dl4j");
    }

    static Vocabulary vocab(String name, String prefix, int known) {
        List<String> t = new ArrayList<>();
        for (int i = 0; i < known; i++) {
            t.add(prefix + i);
        }
        return Vocabulary.of(name, t);
    }

    static Map<String, Vocabulary> vocabularies() {
        Map<String, Vocabulary> v = new HashMap<>();
        v.put("user", vocab("user", "u", USERS - 2));
        v.put("item", vocab("item", "i", ITEMS - 2));
        v.put("history", vocab("history", "i", ITEMS - 2));
        v.put("last", vocab("last", "c", ITEMS - 4));
        v.put("tags", vocab("tags", "t", TAGS - 2));
        v.put("genres", Vocabulary.hashed("genres", 5));
        v.put("title", vocab("title", "w", WORDS - 2));
        v.put("body", vocab("body", "w", WORDS - 2));
        return v;
    }

    static Map<String, Dataset.DenseStats> stats() {
        return Map.of("x", new Dataset.DenseStats(new double[] {0.5, -1, 0, 2}, new double[] {2, 0.5, 1, 3}),
                "audio", new Dataset.DenseStats(new double[] {0.1, -0.2, 0.3, 1, -1}, new double[] {1.5, 0.5, 2, 0, 0.25}),
                "review", new Dataset.DenseStats(new double[] {0.4, -0.6}, new double[] {0.8, 3}));
    }

    private static int rows(String input) {
        return vocabularies().get(input).size();
    }

    /** Random rows for every input of the spec, labels for every task; ids outside the tables included. */
    static Batch batch(ModelSpec spec, int n, long seed) {
        return batch(spec, n, seed, true);
    }

    /**
     * Random rows for every input of the spec, labels for every task; with {@code outOfRange} some ids
     * are -1 or past their table (the OOV row for dl4j; the tribuo backend refuses them).
     */
    static Batch batch(ModelSpec spec, int n, long seed, boolean outOfRange) {
        Random rng = new Random(seed);
        Map<String, Feature> f = new LinkedHashMap<>();
        for (InputSpec in : spec.inputs()) {
            if (in instanceof DenseInput d) {
                float[] x = new float[n * d.dimension()];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) (rng.nextGaussian() * 2 + 0.5);
                }
                f.put(in.name(), new Feature.Dense(d.dimension(), x));
            } else if (in instanceof VectorInput v) {
                float[] x = new float[n * v.dimension()];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) (rng.nextGaussian() * 1.5 - 0.3);
                }
                f.put(in.name(), new Feature.Dense(v.dimension(), x));
            } else if (in instanceof CategoricalInput) {
                int[] ids = new int[n];
                for (int r = 0; r < n; r++) {
                    ids[r] = outOfRange ? rng.nextInt(rows(in.name()) + 3) - 1 : rng.nextInt(rows(in.name()));
                }
                f.put(in.name(), new Feature.Ids(ids));
            } else if (in instanceof MultiHotInput) {
                f.put(in.name(), bag(rng, n, 3, 1, rows(in.name()) + (outOfRange ? 2 : 0)));
            } else if (in instanceof TextInput t && t.encoding() == TextInput.Encoding.BAG_OF_WORDS) {
                f.put(in.name(), bag(rng, n, TOKENS, 2, rows(in.name())));
            } else if (in instanceof SequenceInput || in instanceof TextInput) {
                int len = in instanceof SequenceInput s ? s.maxLength() : ((TextInput) in).maxTokens();
                int[] ids = new int[n * len];
                for (int r = 0; r < n; r++) {
                    int real = r % 4 == 3 ? 0 : 1 + rng.nextInt(len); // some empty histories
                    for (int p = len - real; p < len; p++) {
                        ids[r * len + p] = 2 + rng.nextInt(rows(in.name()) - 2);
                    }
                }
                f.put(in.name(), new Feature.Sequence(len, ids));
            } else if (in instanceof ImageInput img) {
                float[] px = new float[n * img.pixels()];
                for (int i = 0; i < px.length; i++) {
                    px[i] = rng.nextFloat();
                }
                f.put(in.name(), new Feature.Image(img.channels(), img.height(), img.width(), px));
            }
        }
        Map<String, float[]> labels = new HashMap<>();
        Map<String, float[]> masks = new HashMap<>();
        for (TaskSpec t : spec.tasks()) {
            float[] y = new float[n];
            float[] m = new float[n];
            for (int r = 0; r < n; r++) {
                y[r] = switch (t.kind()) {
                    case BINARY -> rng.nextBoolean() ? 1f : 0f;
                    case MULTICLASS -> rng.nextInt(t.numClasses());
                    case REGRESSION -> (float) rng.nextGaussian();
                };
                m[r] = 1f;
            }
            labels.put(t.name(), y);
            masks.put(t.name(), m);
        }
        return new Batch(n, f, labels, masks, Map.of());
    }

    /** Rows of 0..maxLen ids in [from, to), some rows empty. */
    private static Feature.Bag bag(Random rng, int n, int maxLen, int from, int to) {
        int[] off = new int[n + 1];
        List<Integer> ids = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            int len = rng.nextInt(maxLen + 1);
            for (int i = 0; i < len; i++) {
                ids.add(from + rng.nextInt(to - from));
            }
            off[r + 1] = ids.size();
        }
        return new Feature.Bag(off, ids.stream().mapToInt(Integer::intValue).toArray());
    }

    /** A few optimiser steps so that every parameter (cross-stitch alphas, gates) leaves its initial value. */
    static void train(TrainableModel m, int steps) {
        double[] w = new double[m.spec().tasks().size()];
        java.util.Arrays.fill(w, 1.0);
        for (int s = 0; s < steps; s++) {
            TrainingStep step = m.step(batch(m.spec(), 32, 100 + s, m.backendName().equals("dl4j")));
            step.backward(w);
            m.applyUpdate();
        }
    }

    /** The batch as ONNX Runtime inputs, in the layout of the side file. */
    static Map<String, OnnxTensor> tensors(OrtEnvironment env, ModelSpec spec, Batch b) throws OrtException {
        Map<String, OnnxTensor> out = new LinkedHashMap<>();
        int n = b.size();
        for (InputSpec in : spec.inputs()) {
            Feature f = b.feature(in.name());
            if (f instanceof Feature.Dense d) {
                out.put(in.name(), OnnxTensor.createTensor(env, FloatBuffer.wrap(d.values()), new long[] {n, d.dim()}));
            } else if (f instanceof Feature.Ids ids) {
                long[] v = new long[n];
                for (int r = 0; r < n; r++) {
                    v[r] = ids.ids()[r];
                }
                out.put(in.name(), OnnxTensor.createTensor(env, LongBuffer.wrap(v), new long[] {n}));
            } else if (f instanceof Feature.Bag bag) {
                int len = 1;
                for (int r = 0; r < n; r++) {
                    len = Math.max(len, bag.offsets()[r + 1] - bag.offsets()[r]);
                }
                long[] v = new long[n * len]; // right-padded with 0
                for (int r = 0; r < n; r++) {
                    for (int i = bag.offsets()[r]; i < bag.offsets()[r + 1]; i++) {
                        v[r * len + i - bag.offsets()[r]] = bag.ids()[i];
                    }
                }
                out.put(in.name(), OnnxTensor.createTensor(env, LongBuffer.wrap(v), new long[] {n, len}));
            } else if (f instanceof Feature.Sequence seq) {
                long[] v = new long[seq.ids().length];
                for (int i = 0; i < v.length; i++) {
                    v[i] = seq.ids()[i];
                }
                out.put(in.name(), OnnxTensor.createTensor(env, LongBuffer.wrap(v), new long[] {n, seq.maxLength()}));
            } else if (f instanceof Feature.Image img) {
                out.put(in.name(), OnnxTensor.createTensor(env, FloatBuffer.wrap(img.pixels()),
                        new long[] {n, img.channels(), img.height(), img.width()}));
            }
        }
        return out;
    }
}
