package org.mtl4j.backend.tribuo;

import com.oracle.labs.mlrg.olcut.util.Pair;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tribuo.Example;
import org.tribuo.Excuse;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Model;
import org.tribuo.Prediction;
import org.tribuo.provenance.ModelProvenance;
import org.tribuo.regression.Regressor;

/** One regression head of a {@link TribuoFmModel} as a Tribuo {@code Model<Regressor>} with one named dimension. */
final class TribuoRegressorTaskModel extends Model<Regressor> {
    private static final long serialVersionUID = 1L;
    private final TribuoFmModel joint;
    private final String task;
    private final String dimension;

    TribuoRegressorTaskModel(String name, ModelProvenance provenance, ImmutableFeatureMap features,
            ImmutableOutputInfo<Regressor> outputs, TribuoFmModel joint, String task, String dimension) {
        super(name, provenance, features, outputs, false);
        this.joint = joint;
        this.task = task;
        this.dimension = dimension;
    }

    @Override
    public Prediction<Regressor> predict(Example<Regressor> example) {
        float[] out = joint.predict(TribuoTaskModels.encode(joint, example)).output(task);
        return new Prediction<>(new Regressor(dimension, out[0]), example.size(), example);
    }

    @Override
    public Map<String, List<Pair<String, Double>>> getTopFeatures(int n) {
        return TribuoTaskModels.topFeatures(joint, joint.spec().taskIndex(task), n, new String[] {dimension});
    }

    @Override
    public Optional<Excuse<Regressor>> getExcuse(Example<Regressor> example) {
        return Optional.empty();
    }

    @Override
    protected Model<Regressor> copy(String newName, ModelProvenance newProvenance) {
        return new TribuoRegressorTaskModel(newName, newProvenance, featureIDMap, outputIDInfo, joint, task, dimension);
    }
}
