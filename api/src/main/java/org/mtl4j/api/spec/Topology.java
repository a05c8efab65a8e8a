package org.mtl4j.api.spec;

/**
 * How tasks share the representation below their towers. The {@link #id()} is the name used in
 * specs: {@code independent}, {@code shared-bottom}, {@code mmoe}, {@code ple}, {@code cross-stitch},
 * {@code grouped}.
 */
public sealed interface Topology permits Topology.Independent, Topology.SharedBottom, Topology.Mmoe, Topology.Ple,
        Topology.CrossStitch, Topology.Grouped {

    String id();

    /**
     * No sharing: each task gets its own copy of the bottom layers (and of the input encoders),
     * the single-task baseline MTL gain is measured against.
     */
    record Independent(java.util.List<Integer> layers) implements Topology {
        public Independent {
            layers = Layers.check("independent layers", layers, false);
        }

        @Override
        public String id() {
            return "independent";
        }
    }

    /**
     * Hard parameter sharing (Caruana 1997): one bottom MLP feeds every tower. No layers: the towers
     * read the shared input encoders directly (a backend without hidden layers, the Tribuo FM, shares its
     * factor matrix this way).
     */
    record SharedBottom(java.util.List<Integer> layers) implements Topology {
        public SharedBottom {
            layers = Layers.check("shared-bottom layers", layers, false);
        }

        @Override
        public String id() {
            return "shared-bottom";
        }
    }

    /**
     * Multi-gate mixture of experts (Ma et al., KDD 2018, eq. 5-6): {@code experts} expert MLPs
     * with hidden sizes {@code expertLayers}; each task k has a gate g_k(x) = softmax(W_gk x) (or an MLP
     * with {@code gateLayers} before the softmax) and its tower reads f_k(x) = sum_i g_k(x)_i f_i(x).
     *
     * <p>With {@code groups} (null: one mixture over every task) the mixture is per group of tasks (the
     * groupings of Fifty et al., NeurIPS 2021, as the first level): each group gets its own input encoders,
     * its own {@code experts} experts and its tasks' gates, and a gate of a task of group G mixes only G's
     * experts, f_k(x) = sum_{i in E(G)} g_k(x)_i f_i(x); tasks of different groups share no parameter.
     */
    record Mmoe(int experts, java.util.List<Integer> expertLayers, java.util.List<Integer> gateLayers,
            java.util.List<java.util.List<String>> groups) implements Topology, TaskGroups {
        public Mmoe {
            if (experts < 1) {
                throw new IllegalArgumentException("mmoe experts must be >= 1, found " + experts);
            }
            expertLayers = Layers.check("mmoe expertLayers", expertLayers, true);
            gateLayers = Layers.check("mmoe gateLayers", gateLayers, false);
            groups = groups == null ? null : Groups.check("mmoe", groups);
        }

        /** One mixture over every task. */
        public Mmoe(int experts, java.util.List<Integer> expertLayers, java.util.List<Integer> gateLayers) {
            this(experts, expertLayers, gateLayers, null);
        }

        @Override
        public String id() {
            return "mmoe";
        }

        @Override
        public Mmoe withGroups(java.util.List<java.util.List<String>> groups) {
            return new Mmoe(experts, expertLayers, gateLayers, groups);
        }
    }

    /**
     * Progressive layered extraction (Tang et al., RecSys 2020, eq. 2-6): {@code levels} extraction
     * layers; each level has {@code sharedExperts} shared experts and {@code taskExperts} experts per
     * task; task k's gate mixes its own and the shared experts, the shared gate (below the last level)
     * mixes all. One level is CGC.
     *
     * <p>With {@code groups} (null: one extraction network over every task) each group of tasks gets its own
     * PLE (its own input encoders, per level {@code sharedExperts} group-shared experts, {@code taskExperts}
     * experts per task and, below the last level, a group-shared gate): the shared experts of every level are
     * shared within a group and never across, so tasks of different groups share no parameter (the groupings
     * of Fifty et al., NeurIPS 2021, as the first level; PLE's progressive separation then runs inside each
     * group). A task alone in its group gets its own experts only.
     */
    record Ple(int levels, int sharedExperts, int taskExperts, java.util.List<Integer> expertLayers,
            java.util.List<java.util.List<String>> groups) implements Topology, TaskGroups {
        /** One extraction network over every task. */
        public Ple(int levels, int sharedExperts, int taskExperts, java.util.List<Integer> expertLayers) {
            this(levels, sharedExperts, taskExperts, expertLayers, null);
        }

        public Ple {
            if (levels < 1) {
                throw new IllegalArgumentException("ple levels must be >= 1, found " + levels);
            }
            if (sharedExperts < 0) {
                throw new IllegalArgumentException("ple sharedExperts must be >= 0, found " + sharedExperts);
            }
            if (taskExperts < 0) {
                throw new IllegalArgumentException("ple taskExperts must be >= 0, found " + taskExperts);
            }
            if (sharedExperts + taskExperts < 1) {
                throw new IllegalArgumentException("ple needs at least one expert per gate, found sharedExperts "
                        + sharedExperts + " and taskExperts " + taskExperts);
            }
            // empty for a backend whose experts are not MLPs (the Tribuo FM: an expert is a factor block);
            // a backend with HIDDEN_LAYERS needs at least one (checked at build() against the backend)
            expertLayers = Layers.check("ple expertLayers", expertLayers, false);
            groups = groups == null ? null : Groups.check("ple", groups);
        }

        @Override
        public String id() {
            return "ple";
        }

        @Override
        public Ple withGroups(java.util.List<java.util.List<String>> groups) {
            return new Ple(levels, sharedExperts, taskExperts, expertLayers, groups);
        }
    }

    /**
     * Cross-stitch networks (Misra et al., CVPR 2016): one column of {@code layers} per task; after
     * each layer the columns are mixed by a learned T x T matrix initialised to {@code selfWeight} on
     * the diagonal and (1 - selfWeight)/(T - 1) elsewhere.
     */
    record CrossStitch(java.util.List<Integer> layers, double selfWeight) implements Topology {
        public CrossStitch {
            layers = Layers.check("cross-stitch layers", layers, true);
            if (!(selfWeight > 0 && selfWeight <= 1)) {
                throw new IllegalArgumentException("cross-stitch selfWeight must be in (0, 1], found " + selfWeight);
            }
        }

        @Override
        public String id() {
            return "cross-stitch";
        }
    }

    /**
     * Hard parameter sharing within groups of tasks and none across (the grouping of Fifty et al.,
     * NeurIPS 2021): each group has its own input encoders and bottom MLP of {@code layers}; a task alone
     * in its group is independent. Every task must be in exactly one group (checked against the tasks
     * when the model is built).
     */
    record Grouped(java.util.List<java.util.List<String>> groups, java.util.List<Integer> layers) implements Topology, TaskGroups {
        public Grouped {
            groups = Groups.check("grouped", groups);
            layers = Layers.check("grouped layers", layers, true);
        }

        @Override
        public String id() {
            return "grouped";
        }

        @Override
        public Grouped withGroups(java.util.List<java.util.List<String>> groups) {
            return new Grouped(groups, layers);
        }
    }

    /**
     * A topology that can keep groups of tasks apart: {@code grouped} always, {@code mmoe} and {@code ple} when
     * {@link #groups()} is not null. Every task must be in exactly one group (checked against the tasks when the
     * model is built).
     */
    interface TaskGroups {
        /** The groups of task names, each non-empty, no task twice; null where the topology is not grouped. */
        java.util.List<java.util.List<String>> groups();

        /** The same topology over other groups (e.g. the tasks renamed). */
        Topology withGroups(java.util.List<java.util.List<String>> groups);

        /** Whether the tasks are split into groups. */
        default boolean grouped() {
            return groups() != null;
        }

        /** The index of the group holding {@code task}, or -1 (also when not grouped). */
        default int groupOf(String task) {
            java.util.List<java.util.List<String>> gs = groups();
            for (int g = 0; gs != null && g < gs.size(); g++) {
                if (gs.get(g).contains(task)) {
                    return g;
                }
            }
            return -1;
        }

        /** The groups of a topology, or null where it has none. */
        static java.util.List<java.util.List<String>> of(Topology t) {
            return t instanceof TaskGroups g ? g.groups() : null;
        }
    }

    /** Shared checks of task groups. */
    final class Groups {
        private Groups() {
        }

        /** A copy of {@code groups}: at least one group, none empty, no blank name, no task twice. */
        static java.util.List<java.util.List<String>> check(String what, java.util.List<java.util.List<String>> groups) {
            if (groups == null || groups.isEmpty()) {
                throw new IllegalArgumentException(what + " needs at least one group, found " + groups);
            }
            java.util.List<java.util.List<String>> copy = new java.util.ArrayList<>();
            java.util.Set<String> seen = new java.util.HashSet<>();
            java.util.List<String> twice = new java.util.ArrayList<>();
            for (int g = 0; g < groups.size(); g++) {
                java.util.List<String> group = groups.get(g);
                if (group == null || group.isEmpty()) {
                    throw new IllegalArgumentException(what + " groups[" + g + "] must name at least one task, found "
                            + group);
                }
                for (String name : group) {
                    if (name == null || name.isBlank()) {
                        throw new IllegalArgumentException(what + " groups[" + g + "] has a blank task name: " + group);
                    }
                    if (!seen.add(name) && !twice.contains(name)) {
                        twice.add(name);
                    }
                }
                copy.add(java.util.List.copyOf(group));
            }
            if (!twice.isEmpty()) {
                throw new IllegalArgumentException(what + ": tasks in more than one group: " + String.join(", ", twice)
                        + " (groups " + groups + ")");
            }
            return java.util.List.copyOf(copy);
        }
    }

    /** Shared layer-size checks. */
    final class Layers {
        private Layers() {
        }

        static java.util.List<Integer> check(String what, java.util.List<Integer> layers, boolean nonEmpty) {
            java.util.List<Integer> copy = java.util.List.copyOf(layers == null ? java.util.List.of() : layers);
            if (nonEmpty && copy.isEmpty()) {
                throw new IllegalArgumentException(what + " must name at least one layer, found []");
            }
            for (int u : copy) {
                if (u < 1) {
                    throw new IllegalArgumentException(what + " sizes must be >= 1, found " + copy);
                }
            }
            return copy;
        }
    }
}
