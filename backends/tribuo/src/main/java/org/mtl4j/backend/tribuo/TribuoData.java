package org.mtl4j.backend.tribuo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.BatchStream;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.data.Feature;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.CategoricalInput;
import org.mtl4j.api.spec.DenseInput;
import org.mtl4j.api.spec.InputSpec;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.MultiHotInput;
import org.mtl4j.api.spec.TaskKind;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.VocabularySpec;
import org.mtl4j.backend.tribuo.internal.FeatureSpace;
import org.mtl4j.data.CachedDataset;
import org.tribuo.Example;
import org.tribuo.MutableDataset;
import org.tribuo.Output;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.Regressor;

/**
 * Bridges between Tribuo data and mtl4j data.
 *
 * <p>{@link #fromTribuo}: a Tribuo {@code DataSource} or {@code Dataset} (e.g. from {@code CSVLoader})
 * becomes an in-memory mtl4j {@link Dataset} for a spec. A Tribuo example has one output, so one task
 * (the {@code responseTask}) takes its label from the example's output (a {@link Label} whose name is
 * a number, or the first dimension of a {@link Regressor}); every other task reads its label column
 * from a feature of that name. Inputs read features by Tribuo's naming: {@code column@token} for ids
 * and bag members, the column name (or {@code column@value}) for dense values and for ids read as
 * numbers. Tribuo stores no zero-valued features, so an absent dense value, label or numeric id reads
 * as 0.
 *
 * <p>{@link #labelDataset}: an mtl4j dataset's rows as a Tribuo {@code MutableDataset<Label>} for one
 * task, features named as {@link TribuoTaskModels} reads them, for Tribuo's evaluators.
 */
public final class TribuoData {
    private TribuoData() {
    }

    /**
     * Reads Tribuo examples into an mtl4j dataset bound to {@code spec}.
     *
     * @param vocabularies the vocabularies to use (e.g. the training set's), or null to build them
     *     from these examples by each input's {@link VocabularySpec}
     */
    public static Dataset fromTribuo(Iterable<? extends Example<?>> examples, String description, ModelSpec spec,
            String responseTask, Map<String, Vocabulary> vocabularies) {
        if (responseTask != null && spec.taskIndex(responseTask) < 0) {
            throw new MtlException("responseTask '" + responseTask + "' is not a task of model '" + spec.name()
                    + "' (tasks: " + String.join(", ", spec.taskNames()) + ")");
        }
        List<Map<String, Double>> rows = new ArrayList<>();
        List<Output<?>> outputs = new ArrayList<>();
        for (Example<?> ex : examples) {
            Map<String, Double> f = new HashMap<>();
            for (org.tribuo.Feature feat : ex) {
                f.merge(feat.getName(), feat.getValue(), Double::sum);
            }
            rows.add(f);
            outputs.add(ex.getOutput());
        }
        int n = rows.size();
        Map<String, List<List<String>>> tokens = new LinkedHashMap<>();
        Map<String, Feature> features = new LinkedHashMap<>();
        Map<String, Dataset.DenseStats> stats = new LinkedHashMap<>();
        for (InputSpec in : spec.inputs()) {
            if (in instanceof CategoricalInput || in instanceof MultiHotInput) {
                String col = in.sourceColumns().get(0);
                List<List<String>> perRow = new ArrayList<>(n);
                for (Map<String, Double> r : rows) {
                    perRow.add(tokensOf(r, col, in instanceof MultiHotInput));
                }
                tokens.put(in.name(), perRow);
            } else if (in instanceof DenseInput d) {
                int dim = d.dimension();
                float[] v = new float[n * dim];
                double[] mean = new double[dim];
                double[] sq = new double[dim];
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < dim; j++) {
                        double x = value(rows.get(i), d.columns().get(j));
                        v[i * dim + j] = (float) x;
                        mean[j] += x;
                        sq[j] += x * x;
                    }
                }
                double[] std = new double[dim];
                for (int j = 0; j < dim; j++) {
                    mean[j] = n == 0 ? 0 : mean[j] / n;
                    std[j] = n == 0 ? 1 : Math.sqrt(Math.max(0, sq[j] / n - mean[j] * mean[j]));
                }
                features.put(in.name(), new Feature.Dense(dim, v));
                stats.put(in.name(), new Dataset.DenseStats(mean, std));
            } else {
                throw new MtlException("backend 'tribuo' cannot read input '" + in.name() + "' of kind " + in.kind()
                        + " from Tribuo examples (it reads dense, categorical and multi-hot inputs)");
            }
        }
        Map<String, Vocabulary> vocab = new LinkedHashMap<>();
        for (Map.Entry<String, List<List<String>>> e : tokens.entrySet()) {
            InputSpec in = spec.input(e.getKey()).orElseThrow();
            Vocabulary v = vocabularies != null ? vocabularies.get(in.name()) : build(in, e.getValue());
            if (v == null) {
                throw new MtlException("no vocabulary for input '" + in.name() + "' (vocabularies given: "
                        + vocabularies.keySet() + ")");
            }
            vocab.put(in.name(), v);
            if (in instanceof CategoricalInput) {
                int[] ids = new int[n];
                for (int i = 0; i < n; i++) {
                    List<String> t = e.getValue().get(i);
                    ids[i] = t.isEmpty() ? Vocabulary.PAD : v.index(t.get(0));
                }
                features.put(in.name(), new Feature.Ids(ids));
            } else {
                int[] offsets = new int[n + 1];
                List<Integer> ids = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    for (String t : e.getValue().get(i)) {
                        ids.add(v.index(t));
                    }
                    offsets[i + 1] = ids.size();
                }
                features.put(in.name(), new Feature.Bag(offsets, ids.stream().mapToInt(Integer::intValue).toArray()));
            }
        }
        Map<String, float[]> labels = new LinkedHashMap<>();
        Map<String, float[]> masks = new LinkedHashMap<>();
        for (TaskSpec t : spec.tasks()) {
            float[] y = new float[n];
            float[] m = new float[n];
            for (int i = 0; i < n; i++) {
                y[i] = t.name().equals(responseTask) ? outputValue(outputs.get(i), i, t)
                        : (float) value(rows.get(i), t.label());
                m[i] = 1;
            }
            labels.put(t.name(), y);
            masks.put(t.name(), m);
        }
        return CachedDataset.of(description, new Batch(n, features, labels, masks, Map.of()), vocab,
                vocabularies != null ? Map.of() : stats);
    }

    private static List<String> tokensOf(Map<String, Double> row, String col, boolean bag) {
        List<String> out = new ArrayList<>();
        String prefix = col + "@";
        for (Map.Entry<String, Double> e : row.entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                out.add(e.getKey().substring(prefix.length()));
            }
        }
        if (out.isEmpty()) {
            Double v = row.get(col);
            if (v != null || !bag) {
                out.add(FeatureSpace.numericToken(v == null ? 0 : v));
            }
        }
        out.sort(null);
        return bag ? out : out.subList(0, Math.min(1, out.size()));
    }

    private static double value(Map<String, Double> row, String col) {
        Double v = row.get(col);
        if (v == null) {
            v = row.get(col + "@value");
        }
        return v == null ? 0 : v;
    }

    private static float outputValue(Output<?> o, int row, TaskSpec task) {
        if (o instanceof Label l) {
            try {
                return Float.parseFloat(l.getLabel());
            } catch (NumberFormatException e) {
                throw new MtlException("example " + row + ": label \"" + l.getLabel() + "\" of task '" + task.name()
                        + "' is not a number (binary labels are 0/1, multiclass labels class indices)");
            }
        }
        if (o instanceof Regressor r) {
            return (float) r.getValues()[0];
        }
        throw new MtlException("example " + row + ": output " + o + " of task '" + task.name()
                + "' is neither a Label nor a Regressor");
    }

    private static Vocabulary build(InputSpec in, List<List<String>> rows) {
        VocabularySpec vs = in instanceof CategoricalInput c ? c.vocabulary() : ((MultiHotInput) in).vocabulary();
        if (vs.hashing()) {
            return Vocabulary.hashed(in.name(), vs.hashBuckets());
        }
        Map<String, Integer> counts = new HashMap<>();
        for (List<String> r : rows) {
            for (String t : r) {
                counts.merge(t, 1, Integer::sum);
            }
        }
        List<String> keep = new ArrayList<>();
        counts.entrySet().stream().filter(e -> e.getValue() >= vs.minCount())
                .sorted(Comparator.comparing((Map.Entry<String, Integer> e) -> -e.getValue()).thenComparing(Map.Entry::getKey))
                .limit(vs.maxSize()).forEach(e -> keep.add(e.getKey()));
        return Vocabulary.of(in.name(), keep);
    }

    /**
     * An mtl4j dataset's rows as a Tribuo dataset for one binary or multiclass task (label names
     * "0", "1", ... ; rows without a label for the task are left out).
     */
    public static MutableDataset<Label> labelDataset(Dataset data, ModelSpec spec, String task) {
        TaskSpec t = spec.task(task).orElseThrow(() -> new MtlException("no task named '" + task + "' (tasks: "
                + String.join(", ", spec.taskNames()) + ")"));
        if (t.kind() == TaskKind.REGRESSION) {
            throw new MtlException("task '" + task + "' is regression: a Label dataset needs a binary or multiclass task");
        }
        LabelFactory factory = new LabelFactory();
        MutableDataset<Label> out = new MutableDataset<>(new SimpleDataSourceProvenance(data.description(), factory), factory);
        try (BatchStream s = data.batches(4096, false, 0)) {
            while (s.hasNext()) {
                Batch b = s.next();
                float[] y = b.labels(task);
                float[] mask = b.mask(task);
                for (int r = 0; r < b.size(); r++) {
                    if (!(mask[r] > 0)) {
                        continue;
                    }
                    ArrayExample<Label> ex = new ArrayExample<>(new Label(Integer.toString((int) y[r])));
                    addFeatures(ex, spec, data.vocabularies(), b, r);
                    out.add(ex);
                }
            }
        }
        return out;
    }

    /**
     * An mtl4j dataset's rows as a Tribuo dataset for one regression task, the value in the one
     * output dimension {@code dimension} (rows without a label are left out).
     */
    public static MutableDataset<Regressor> regressionDataset(Dataset data, ModelSpec spec, String task, String dimension) {
        TaskSpec t = spec.task(task).orElseThrow(() -> new MtlException("no task named '" + task + "' (tasks: "
                + String.join(", ", spec.taskNames()) + ")"));
        if (t.kind() != TaskKind.REGRESSION) {
            throw new MtlException("task '" + task + "' is " + t.kind().id() + ": a Regressor dataset needs a regression task");
        }
        org.tribuo.regression.RegressionFactory factory = new org.tribuo.regression.RegressionFactory();
        MutableDataset<Regressor> out = new MutableDataset<>(new SimpleDataSourceProvenance(data.description(), factory),
                factory);
        try (BatchStream s = data.batches(4096, false, 0)) {
            while (s.hasNext()) {
                Batch b = s.next();
                float[] y = b.labels(task);
                float[] mask = b.mask(task);
                for (int r = 0; r < b.size(); r++) {
                    if (mask[r] > 0) {
                        ArrayExample<Regressor> ex = new ArrayExample<>(new Regressor(dimension, y[r]));
                        addFeatures(ex, spec, data.vocabularies(), b, r);
                        out.add(ex);
                    }
                }
            }
        }
        return out;
    }

    private static void addFeatures(ArrayExample<?> ex, ModelSpec spec, Map<String, Vocabulary> vocab, Batch b, int r) {
        for (InputSpec in : spec.inputs()) {
            Feature f = b.feature(in.name());
            String col = in.sourceColumns().get(0);
            if (f instanceof Feature.Ids ids) {
                int id = ids.ids()[r];
                if (id != Vocabulary.PAD) {
                    ex.add(col + "@" + vocab.get(in.name()).token(id), 1.0);
                }
            } else if (f instanceof Feature.Bag bag) {
                int from = bag.offsets()[r];
                int to = bag.offsets()[r + 1];
                Map<String, Double> members = new LinkedHashMap<>();
                int count = 0;
                for (int k = from; k < to; k++) {
                    if (bag.ids()[k] != Vocabulary.PAD) {
                        count++;
                    }
                }
                double w = ((MultiHotInput) in).pooling() == org.mtl4j.api.spec.Pooling.MEAN && count > 0 ? 1.0 / count : 1.0;
                for (int k = from; k < to; k++) {
                    if (bag.ids()[k] != Vocabulary.PAD) {
                        members.merge(col + "@" + vocab.get(in.name()).token(bag.ids()[k]), w, Double::sum);
                    }
                }
                members.forEach(ex::add);
            } else if (f instanceof Feature.Dense d) {
                DenseInput di = (DenseInput) in;
                for (int j = 0; j < d.dim(); j++) {
                    double v = d.values()[r * d.dim() + j];
                    if (v != 0) {
                        ex.add(di.columns().get(j), v);
                    }
                }
            }
        }
    }
}
