package org.mtl4j.backend.tribuo;

import com.oracle.labs.mlrg.olcut.util.Pair;
import java.io.IOException;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.spec.TaskKind;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.backend.tribuo.internal.Csr;
import org.tribuo.CategoricalInfo;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.Model;
import org.tribuo.MutableOutputInfo;
import org.tribuo.RealInfo;
import org.tribuo.VariableInfo;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;

/**
 * The task heads of a {@link TribuoFmModel} as real Tribuo models: a {@code Model<Label>} per binary
 * or multiclass task and a {@code Model<Regressor>} per regression task, each with a
 * {@code ModelProvenance} recording the joint training, ready for Tribuo's {@code LabelEvaluator}
 * and {@code RegressionEvaluator}. They share the joint model's parameters (no copy).
 *
 * <p>Examples are read by feature name: {@code column@token} for an id (Tribuo's field-processor
 * convention), a dense column's name (or {@code column@value}), or an id column's name with a
 * numeric value (as {@code CSVLoader} reads integer ids). Unknown tokens go to the learned
 * out-of-vocabulary row; unknown names are ignored.
 */
public final class TribuoTaskModels {
    private TribuoTaskModels() {
    }

    /** The Tribuo model of a binary or multiclass task. */
    public static Model<Label> labelModel(TribuoFmModel joint, String task) {
        TaskSpec t = task(joint, task);
        if (t.kind() == TaskKind.REGRESSION) {
            throw new MtlException("task '" + task + "' is regression: use regressionModel (Model<Regressor>)");
        }
        MutableOutputInfo<Label> info = new LabelFactory().generateInfo();
        int classes = t.kind() == TaskKind.MULTICLASS ? t.numClasses() : 2;
        for (String c : classNames(classes)) {
            info.observe(new Label(c));
        }
        ImmutableFeatureMap fm = featureMap(joint);
        return new TribuoLabelTaskModel(joint.spec().name() + "/" + task,
                TribuoProvenances.of(joint, task, TribuoLabelTaskModel.class.getName(), new LabelFactory(), fm.size(), classes),
                fm, info.generateImmutableOutputInfo(), joint, task);
    }

    /** The Tribuo model of a regression task, its one output dimension named {@link Regressor#DEFAULT_NAME}. */
    public static Model<Regressor> regressionModel(TribuoFmModel joint, String task) {
        return regressionModel(joint, task, Regressor.DEFAULT_NAME);
    }

    /** The Tribuo model of a regression task with a named output dimension. */
    public static Model<Regressor> regressionModel(TribuoFmModel joint, String task, String dimension) {
        TaskSpec t = task(joint, task);
        if (t.kind() != TaskKind.REGRESSION) {
            throw new MtlException("task '" + task + "' is " + t.kind().id() + ": use labelModel (Model<Label>)");
        }
        MutableOutputInfo<Regressor> info = new RegressionFactory().generateInfo();
        info.observe(new Regressor(dimension, 0));
        ImmutableFeatureMap fm = featureMap(joint);
        return new TribuoRegressorTaskModel(joint.spec().name() + "/" + task,
                TribuoProvenances.of(joint, task, TribuoRegressorTaskModel.class.getName(), new RegressionFactory(), fm.size(), 1),
                fm, info.generateImmutableOutputInfo(), joint, task, dimension);
    }

    /** Every task's Tribuo model, in task order. */
    public static Map<String, Model<?>> all(TribuoFmModel joint) {
        Map<String, Model<?>> out = new LinkedHashMap<>();
        for (TaskSpec t : joint.spec().tasks()) {
            out.put(t.name(), t.kind() == TaskKind.REGRESSION ? regressionModel(joint, t.name()) : labelModel(joint, t.name()));
        }
        return out;
    }

    /** Loads a saved joint model file as per-task Tribuo models. */
    public static Map<String, Model<?>> load(Path file) throws IOException {
        return all(TribuoArchive.read(file));
    }

    private static TaskSpec task(TribuoFmModel joint, String task) {
        return joint.spec().task(task).orElseThrow(() -> new MtlException("no task named '" + task + "' (tasks: "
                + String.join(", ", joint.spec().taskNames()) + ")"));
    }

    static String[] classNames(int classes) {
        String[] out = new String[classes];
        for (int c = 0; c < classes; c++) {
            out[c] = Integer.toString(c);
        }
        return out;
    }

    static ImmutableFeatureMap featureMap(TribuoFmModel joint) {
        List<VariableInfo> infos = new ArrayList<>();
        for (String name : joint.featureSpace().names()) {
            infos.add(name.indexOf('@') >= 0 ? new CategoricalInfo(name) : new RealInfo(name));
        }
        return new ImmutableFeatureMap(infos);
    }

    static Csr encode(TribuoFmModel joint, Example<?> example) {
        List<Map.Entry<String, Double>> entries = new ArrayList<>(example.size());
        for (Feature f : example) {
            entries.add(new AbstractMap.SimpleImmutableEntry<>(f.getName(), f.getValue()));
        }
        return joint.featureSpace().encodeRow(entries);
    }

    /** The largest linear weights |w_ci| of a task's head per output column. */
    static Map<String, List<Pair<String, Double>>> topFeatures(TribuoFmModel joint, int task, int n, String[] outputs) {
        double[][] w = joint.linearWeights(task);
        String[] names = joint.featureSpace().names();
        Map<String, List<Pair<String, Double>>> out = new LinkedHashMap<>();
        for (int c = 0; c < outputs.length; c++) {
            List<Pair<String, Double>> l = new ArrayList<>();
            for (int i = 0; i < w.length; i++) {
                l.add(new Pair<>(names[i], w[i][c]));
            }
            l.sort(Comparator.comparingDouble((Pair<String, Double> p) -> -Math.abs(p.getB())));
            out.put(outputs[c], new ArrayList<>(l.subList(0, n < 0 ? l.size() : Math.min(n, l.size()))));
        }
        return out;
    }
}
