package org.mtl4j.backend.dl4j.internal.model;

import java.util.List;
import java.util.Map;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.backend.dl4j.internal.nn.EmbeddingTables;
import org.mtl4j.backend.dl4j.internal.nn.Mat;
import org.mtl4j.backend.dl4j.internal.nn.Mlp;
import org.mtl4j.backend.dl4j.internal.nn.ParamStore;

/**
 * No sharing: every task owns its input encoders (embedding tables included) and bottom MLP, the
 * single-task baseline that multi-task gains are measured against.
 */
final class IndependentTrunk implements Trunk {
    private final InputBlock[] inputs;
    private final Mlp[] bottoms;

    IndependentTrunk(ParamStore store, ModelSpec spec, Map<String, Vocabulary> vocabularies, Map<String, Dataset.DenseStats> stats,
            org.mtl4j.backend.dl4j.internal.encoders.NetworkSources networks,
            List<Integer> layers, long seed) {
        int t = spec.tasks().size();
        inputs = new InputBlock[t];
        bottoms = new Mlp[t];
        EmbeddingTables tables = new EmbeddingTables(store);
        for (int k = 0; k < t; k++) {
            String owner = spec.tasks().get(k).name();
            inputs[k] = new InputBlock(spec, vocabularies, stats, tables, networks, owner, seed + k);
            bottoms[k] = new Mlp(store, "bottom@" + owner, inputs[k].width(), layers, 0, true, owner, false);
        }
    }

    @Override
    public Mat[] forward(Batch batch, boolean training) {
        Mat[] out = new Mat[inputs.length];
        for (int k = 0; k < inputs.length; k++) {
            out[k] = bottoms[k].forward(inputs[k].forward(batch, training));
        }
        return out;
    }

    @Override
    public int width(int task) {
        return bottoms[task].outputWidth();
    }

    @Override
    public void backward(Mat[] dH) {
        for (int k = 0; k < inputs.length; k++) {
            if (dH[k] == null) {
                continue;
            }
            if (inputs[k].trainable() || !bottoms[k].isEmpty()) {
                bottoms[k].backward(dH[k], inputs[k].grad(), false);
                inputs[k].backward();
            }
        }
    }
}
