package org.mtl4j.dsl;

import java.util.Arrays;
import java.util.List;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.api.spec.Defaults;

/**
 * Static entry points for the sharing topology:
 * <pre>{@code
 * Sharing.independent(64, 32)                       // no sharing: the single-task baseline
 * Sharing.sharedBottom(128, 64)                     // hard parameter sharing
 * Sharing.mmoe(8, 16).gateLayers(8)                 // 8 experts of [16]; Ma et al., KDD 2018
 * Sharing.ple(2, 1, 2, 16)                          // 2 levels, 1 shared + 2 per-task experts of [16]; Tang et al. 2020
 * Sharing.cgc(1, 2, 16)                             // PLE with one level
 * Sharing.crossStitch(32, 16).selfWeight(0.9)       // Misra et al., CVPR 2016
 * Sharing.grouped(64, 32)                           // one shared bottom [64, 32] per group of tasks,
 *     .group("ctr", "cvr").group("like", "share")   //   nothing shared across groups
 *     .group("dwell")                               //   (a task alone is independent)
 * Sharing.mmoe(2, 16)                               // MMoE per group: 2 experts of [16] per group, a task's
 *     .group("ctr", "cvr").group("like", "dwell")   //   gate mixes only its group's experts
 * Sharing.cgc(1, 1, 16)                             // PLE per group: 1 group-shared expert and 1 expert per
 *     .group("ctr", "cvr").group("like", "dwell")   //   task in each group, nothing shared across groups
 * }</pre>
 * Values are checked when the model is built; a bad one (0 experts) is reported as a problem of
 * {@code topology} with the others.
 */
public final class Sharing {
    private Sharing() {
    }

    public static Choice independent(int... layers) {
        List<Integer> l = list(layers);
        return new Choice("independent") {
            @Override
            public Topology toTopology() {
                return new Topology.Independent(l);
            }
        };
    }

    public static Choice sharedBottom(int... layers) {
        List<Integer> l = list(layers);
        return new Choice("shared-bottom") {
            @Override
            public Topology toTopology() {
                return new Topology.SharedBottom(l);
            }
        };
    }

    public static Mmoe mmoe(int experts, int... expertLayers) {
        return new Mmoe(experts, list(expertLayers));
    }

    public static Ple ple(int levels, int sharedExperts, int taskExperts, int... expertLayers) {
        return new Ple(levels, sharedExperts, taskExperts, list(expertLayers));
    }

    /** Customized gate control: PLE with one level. */
    public static Ple cgc(int sharedExperts, int taskExperts, int... expertLayers) {
        return new Ple(1, sharedExperts, taskExperts, list(expertLayers));
    }

    public static CrossStitch crossStitch(int... layers) {
        return new CrossStitch(list(layers));
    }

    /**
     * Hard sharing within groups of tasks and none across: each group gets its own input encoders and
     * bottom MLP of {@code layers}; name the groups with {@link Grouped#group(String...)}. Every task must be
     * in exactly one group (checked when the model is built). The grouping can come from
     * {@code org.mtl4j.training.affinity.TaskGrouper} (Fifty et al., NeurIPS 2021).
     */
    public static Grouped grouped(int... layers) {
        return new Grouped(list(layers));
    }

    /** {@link #grouped(int...)} with every group at once, e.g. {@code [[a, b, c], [d, e], [f]]}. */
    public static Grouped grouped(List<List<String>> groups, int... layers) {
        Grouped g = new Grouped(list(layers));
        for (List<String> group : groups) {
            g.groups.add(group == null ? null : List.copyOf(group));
        }
        return g;
    }

    private static List<Integer> list(int[] a) {
        return Arrays.stream(a).boxed().toList();
    }

    /** A topology choice; {@link #toTopology()} builds the record. */
    public abstract static class Choice {
        private final String id;

        Choice(String id) {
            this.id = id;
        }

        /** The topology id ({@code mmoe} ...). */
        public String id() {
            return id;
        }

        /** The record; throws the record's {@link IllegalArgumentException} on a bad value. */
        public abstract Topology toTopology();
    }

    /** MMoE with optional gate layers, over every task or per group of tasks. */
    public static final class Mmoe extends Choice {
        private final int experts;
        private final List<Integer> expertLayers;
        private List<Integer> gateLayers = List.of();
        private final Groups groups = new Groups();

        Mmoe(int experts, List<Integer> expertLayers) {
            super("mmoe");
            this.experts = experts;
            this.expertLayers = expertLayers;
        }

        /** Hidden layers of each gate before its softmax (default none: a linear gate). */
        public Mmoe gateLayers(int... units) {
            this.gateLayers = list(units);
            return this;
        }

        /**
         * Adds a group of tasks: the mixture becomes one MMoE per group (its own input encoders, {@code experts}
         * experts and its tasks' gates), and a task's gate mixes only its group's experts (Ma et al., KDD 2018,
         * within the task groupings of Fifty et al., NeurIPS 2021). Every task must then be in exactly one group.
         */
        public Mmoe group(String... tasks) {
            groups.add(tasks == null ? null : Arrays.asList(tasks));
            return this;
        }

        /** {@link #group(String...)} with every group at once, e.g. {@code [[a, b, c], [d, e], [f]]}. */
        public Mmoe groups(List<List<String>> groups) {
            this.groups.addAll(groups);
            return this;
        }

        @Override
        public Topology toTopology() {
            return new Topology.Mmoe(experts, expertLayers, gateLayers, groups.value());
        }
    }

    /** The groups named on an {@link Mmoe} or {@link Ple} (none named: not grouped; an empty list named: refused). */
    private static final class Groups {
        private List<List<String>> groups;

        void add(List<String> group) {
            if (groups == null) {
                groups = new java.util.ArrayList<>();
            }
            groups.add(group == null ? null : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(group)));
        }

        void addAll(List<List<String>> more) {
            if (groups == null) {
                groups = new java.util.ArrayList<>();
            }
            if (more != null) {
                more.forEach(this::add);
            }
        }

        List<List<String>> value() {
            return groups == null ? null : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(groups));
        }
    }

    /** PLE: levels, shared and per-task experts, over every task or per group of tasks. */
    public static final class Ple extends Choice {
        private final int levels;
        private final int shared;
        private final int perTask;
        private final List<Integer> expertLayers;
        private final Groups groups = new Groups();

        Ple(int levels, int shared, int perTask, List<Integer> expertLayers) {
            super("ple");
            this.levels = levels;
            this.shared = shared;
            this.perTask = perTask;
            this.expertLayers = expertLayers;
        }

        /**
         * Adds a group of tasks: one PLE per group (Tang et al., RecSys 2020), whose shared experts are shared
         * within the group and never across; every task must then be in exactly one group.
         */
        public Ple group(String... tasks) {
            groups.add(tasks == null ? null : Arrays.asList(tasks));
            return this;
        }

        /** {@link #group(String...)} with every group at once. */
        public Ple groups(List<List<String>> groups) {
            this.groups.addAll(groups);
            return this;
        }

        @Override
        public Topology toTopology() {
            return new Topology.Ple(levels, shared, perTask, expertLayers, groups.value());
        }
    }

    /** Cross-stitch with its initial self weight. */
    public static final class CrossStitch extends Choice {
        private final List<Integer> layers;
        private double selfWeight = Defaults.CROSS_STITCH_SELF_WEIGHT;

        CrossStitch(List<Integer> layers) {
            super("cross-stitch");
            this.layers = layers;
        }

        /** Initial diagonal of the T x T mixing matrix, in (0, 1] (default 0.9). */
        public CrossStitch selfWeight(double w) {
            this.selfWeight = w;
            return this;
        }

        @Override
        public Topology toTopology() {
            return new Topology.CrossStitch(layers, selfWeight);
        }
    }

    /** One shared bottom per group of tasks. */
    public static final class Grouped extends Choice {
        private final List<Integer> layers;
        private final List<List<String>> groups = new java.util.ArrayList<>();

        Grouped(List<Integer> layers) {
            super("grouped");
            this.layers = layers;
        }

        /** Adds a group of tasks that share one bottom. */
        public Grouped group(String... tasks) {
            groups.add(List.of(tasks));
            return this;
        }

        @Override
        public Topology toTopology() {
            return new Topology.Grouped(groups, layers);
        }
    }
}
