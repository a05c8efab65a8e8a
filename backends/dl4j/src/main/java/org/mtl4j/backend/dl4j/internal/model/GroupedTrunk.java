package org.mtl4j.backend.dl4j.internal.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.backend.dl4j.internal.nn.Blas;
import org.mtl4j.backend.dl4j.internal.nn.EmbeddingTables;
import org.mtl4j.backend.dl4j.internal.nn.Mat;
import org.mtl4j.backend.dl4j.internal.nn.Mlp;
import org.mtl4j.backend.dl4j.internal.nn.Param;
import org.mtl4j.backend.dl4j.internal.nn.ParamStore;

/**
 * Hard sharing within groups of tasks and none across ({@code grouped}, the task groupings of Fifty
 * et al., NeurIPS 2021): each group owns its input encoders (embedding tables included) and bottom
 * MLP, and every task of the group reads that bottom. A group of two or more tasks is shared
 * (owner {@link Param#groupOwner}, in the shared prefix of the buffers, so per-task gradients cover
 * it: a task's gradient is zero on other groups' parameters); a task alone in its group owns its
 * bottom as under {@code independent}.
 */
final class GroupedTrunk implements Trunk {
    private final InputBlock[] inputs;
    private final Mlp[] bottoms;
    private final int[][] members;
    private final int[] groupOf;
    private final Mat[] sums;

    GroupedTrunk(ParamStore store, ModelSpec spec, Map<String, Vocabulary> vocabularies, Map<String, Dataset.DenseStats> stats,
            org.mtl4j.backend.dl4j.internal.encoders.NetworkSources networks,
            Topology.Grouped topology, long seed) {
        List<String> names = spec.taskNames();
        groupOf = new int[names.size()];
        java.util.Arrays.fill(groupOf, -1);
        List<String> unknown = new ArrayList<>();
        int g = topology.groups().size();
        members = new int[g][];
        for (int i = 0; i < g; i++) {
            List<String> group = topology.groups().get(i);
            members[i] = new int[group.size()];
            for (int j = 0; j < group.size(); j++) {
                int k = names.indexOf(group.get(j));
                if (k < 0) {
                    unknown.add(group.get(j));
                } else {
                    groupOf[k] = i;
                    members[i][j] = k;
                }
            }
        }
        List<String> missing = new ArrayList<>();
        for (int k = 0; k < names.size(); k++) {
            if (groupOf[k] < 0) {
                missing.add(names.get(k));
            }
        }
        if (!unknown.isEmpty() || !missing.isEmpty()) {
            throw new MtlException("model '" + spec.name() + "': grouped topology " + topology.groups()
                    + (unknown.isEmpty() ? "" : " names unknown tasks " + unknown)
                    + (missing.isEmpty() ? "" : (unknown.isEmpty() ? "" : " and") + " leaves tasks in no group " + missing)
                    + " (tasks: " + String.join(", ", names) + ")");
        }
        inputs = new InputBlock[g];
        bottoms = new Mlp[g];
        sums = new Mat[g];
        EmbeddingTables tables = new EmbeddingTables(store);
        for (int i = 0; i < g; i++) {
            List<String> group = topology.groups().get(i);
            boolean shared = group.size() > 1;
            String owner = shared ? Param.groupOwner(group) : group.get(0);
            inputs[i] = new InputBlock(spec, vocabularies, stats, tables, networks, owner, seed + 31L * (i + 1));
            bottoms[i] = new Mlp(store, "bottom@" + String.join("+", group), inputs[i].width(), topology.layers(), 0, true, owner,
                    shared);
        }
    }

    @Override
    public Mat[] forward(Batch batch, boolean training) {
        Mat[] out = new Mat[groupOf.length];
        for (int i = 0; i < inputs.length; i++) {
            Mat h = bottoms[i].forward(inputs[i].forward(batch, training));
            for (int k : members[i]) {
                out[k] = h;
            }
        }
        return out;
    }

    @Override
    public int width(int task) {
        return bottoms[groupOf[task]].outputWidth();
    }

    @Override
    public void backward(Mat[] dH) {
        for (int i = 0; i < inputs.length; i++) {
            Mat g = null;
            for (int k : members[i]) {
                Mat d = dH[k];
                if (d == null) {
                    continue;
                }
                if (g == null) {
                    g = d;
                } else {
                    if (g != sums[i]) {
                        if (sums[i] == null || sums[i].rows != d.rows) {
                            sums[i] = Mat.zeros(d.rows, d.cols);
                        }
                        Blas.copy(g, sums[i]);
                        g = sums[i];
                    }
                    Blas.axpy(1f, d, g);
                }
            }
            if (g == null) {
                continue;
            }
            bottoms[i].backward(g, inputs[i].grad(), false);
            inputs[i].backward();
        }
    }
}
