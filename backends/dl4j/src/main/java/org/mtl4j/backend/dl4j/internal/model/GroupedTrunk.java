package org.mtl4j.backend.dl4j.internal.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.backend.dl4j.internal.nn.EmbeddingTables;
import org.mtl4j.backend.dl4j.internal.nn.Mat;
import org.mtl4j.backend.dl4j.internal.nn.Param;
import org.mtl4j.backend.dl4j.internal.nn.ParamStore;

/**
 * Sharing within groups of tasks and none across (the task groupings of Fifty et al., NeurIPS 2021):
 * each group owns its input encoders (embedding tables included) and its own trunk over the group's
 * tasks, and no parameter is read by tasks of two groups.
 * <ul>
 * <li>{@code grouped}: the group's trunk is a shared bottom MLP ({@code bottom@a+b}), hard sharing (Caruana
 * 1997) inside the group;</li>
 * <li>{@code mmoe} with groups: an MMoE (Ma et al., KDD 2018) per group ({@code mmoe@a+b.experts},
 * {@code mmoe@a+b.gates}): a task's gate mixes only its group's experts;</li>
 * <li>{@code ple} with groups: a PLE (Tang et al., RecSys 2020) per group ({@code ple@a+b.l1...}): the shared
 * experts of every level are shared within the group, never across.</li>
 * </ul>
 * A group of two or more tasks is shared (owner {@link Param#groupOwner}, in the shared prefix of the
 * buffers, so per-task gradients cover it: a task's gradient is zero on other groups' parameters); a
 * task alone in its group owns its trunk as under {@code independent}. Gates are named
 * {@code a+b/task} ({@code a+b/task@level}, {@code a+b/shared@level} under PLE), per group.
 */
final class GroupedTrunk implements Trunk {
    private final InputBlock[] inputs;
    private final Trunk[] trunks;
    private final int[][] members;
    private final int[] groupOf;
    private final int[] slot;
    private final Mat[][] dGroup;

    GroupedTrunk(ParamStore store, ModelSpec spec, Map<String, Vocabulary> vocabularies, Map<String, Dataset.DenseStats> stats,
            org.mtl4j.backend.dl4j.internal.encoders.NetworkSources networks, Topology topology, long seed) {
        List<List<String>> groups = Topology.TaskGroups.of(topology);
        List<String> names = spec.taskNames();
        groupOf = new int[names.size()];
        slot = new int[names.size()];
        java.util.Arrays.fill(groupOf, -1);
        List<String> unknown = new ArrayList<>();
        int g = groups.size();
        members = new int[g][];
        for (int i = 0; i < g; i++) {
            List<String> group = groups.get(i);
            members[i] = new int[group.size()];
            for (int j = 0; j < group.size(); j++) {
                int k = names.indexOf(group.get(j));
                if (k < 0) {
                    unknown.add(group.get(j));
                } else {
                    groupOf[k] = i;
                    slot[k] = j;
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
            throw new MtlException("model '" + spec.name() + "': " + topology.id() + " topology " + groups
                    + (unknown.isEmpty() ? "" : " names unknown tasks " + unknown)
                    + (missing.isEmpty() ? "" : (unknown.isEmpty() ? "" : " and") + " leaves tasks in no group " + missing)
                    + " (tasks: " + String.join(", ", names) + ")");
        }
        inputs = new InputBlock[g];
        trunks = new Trunk[g];
        dGroup = new Mat[g][];
        EmbeddingTables tables = new EmbeddingTables(store);
        for (int i = 0; i < g; i++) {
            List<String> group = groups.get(i);
            String owner = group.size() > 1 ? Param.groupOwner(group) : group.get(0);
            String joined = String.join("+", group);
            inputs[i] = new InputBlock(spec, vocabularies, stats, tables, networks, owner, seed + 31L * (i + 1));
            if (topology instanceof Topology.Grouped sb) {
                trunks[i] = new SharedBottomTrunk(store, inputs[i], "bottom@" + joined, sb.layers(), group.size(), owner);
            } else if (topology instanceof Topology.Mmoe mmoe) {
                trunks[i] = new MoeTrunk(store, inputs[i], mmoe, group, "mmoe@" + joined, owner, joined + "/");
            } else if (topology instanceof Topology.Ple ple) {
                trunks[i] = new MoeTrunk(store, inputs[i], ple, group, "ple@" + joined, owner, joined + "/");
            } else {
                throw new IllegalArgumentException("no grouped trunk for topology " + topology.id());
            }
            dGroup[i] = new Mat[group.size()];
        }
    }

    @Override
    public Mat[] forward(Batch batch, boolean training) {
        Mat[] out = new Mat[groupOf.length];
        for (int i = 0; i < trunks.length; i++) {
            Mat[] h = trunks[i].forward(batch, training);
            for (int j = 0; j < members[i].length; j++) {
                out[members[i][j]] = h[j];
            }
        }
        return out;
    }

    @Override
    public int width(int task) {
        return trunks[groupOf[task]].width(slot[task]);
    }

    @Override
    public void backward(Mat[] dH) {
        for (int i = 0; i < trunks.length; i++) {
            boolean any = false;
            for (int j = 0; j < members[i].length; j++) {
                dGroup[i][j] = dH[members[i][j]];
                any |= dGroup[i][j] != null;
            }
            if (any) {
                trunks[i].backward(dGroup[i]);
            }
        }
    }

    @Override
    public void initialise() {
        for (Trunk t : trunks) {
            t.initialise();
        }
    }

    @Override
    public Map<String, double[]> gateUtilisation() {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (Trunk t : trunks) {
            out.putAll(t.gateUtilisation());
        }
        return out;
    }
}
