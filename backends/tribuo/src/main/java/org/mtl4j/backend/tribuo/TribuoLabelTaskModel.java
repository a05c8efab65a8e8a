package org.mtl4j.backend.tribuo;

import com.oracle.labs.mlrg.olcut.util.Pair;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mtl4j.api.backend.Predictions;
import org.mtl4j.api.spec.TaskKind;
import org.tribuo.Example;
import org.tribuo.Excuse;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Model;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.provenance.ModelProvenance;

/**
 * One binary or multiclass head of a {@link TribuoFmModel} as a Tribuo {@code Model<Label>}: labels
 * are the class indices as strings ("0", "1" for binary), scores are the head's probabilities (for
 * an ESMM-chained task, p(parent) x p(own)). It reads the joint model's live parameters.
 */
final class TribuoLabelTaskModel extends Model<Label> {
    private static final long serialVersionUID = 1L;
    private final TribuoFmModel joint;
    private final String task;
    private final int taskIndex;
    private final int classes;

    TribuoLabelTaskModel(String name, ModelProvenance provenance, ImmutableFeatureMap features,
            ImmutableOutputInfo<Label> outputs, TribuoFmModel joint, String task) {
        super(name, provenance, features, outputs, true);
        this.joint = joint;
        this.task = task;
        this.taskIndex = joint.spec().taskIndex(task);
        this.classes = joint.spec().tasks().get(taskIndex).kind() == TaskKind.MULTICLASS
                ? joint.spec().tasks().get(taskIndex).numClasses() : 2;
    }

    @Override
    public Prediction<Label> predict(Example<Label> example) {
        Predictions p = joint.predict(TribuoTaskModels.encode(joint, example));
        float[] out = p.output(task);
        Map<String, Label> scores = new LinkedHashMap<>();
        String best = null;
        double bestScore = -1;
        for (int c = 0; c < classes; c++) {
            double s = classes == 2 && out.length == 1 ? (c == 1 ? out[0] : 1.0 - out[0]) : out[c];
            String name = Integer.toString(c);
            scores.put(name, new Label(name, s));
            if (s > bestScore) {
                bestScore = s;
                best = name;
            }
        }
        return new Prediction<>(new Label(best, bestScore), scores, example.size(), example, true);
    }

    @Override
    public Map<String, List<Pair<String, Double>>> getTopFeatures(int n) {
        return TribuoTaskModels.topFeatures(joint, taskIndex, n, classes == 2 ? new String[] {Model.ALL_OUTPUTS}
                : TribuoTaskModels.classNames(classes));
    }

    @Override
    public Optional<Excuse<Label>> getExcuse(Example<Label> example) {
        return Optional.empty();
    }

    @Override
    protected Model<Label> copy(String newName, ModelProvenance newProvenance) {
        return new TribuoLabelTaskModel(newName, newProvenance, featureIDMap, outputIDInfo, joint, task);
    }
}
