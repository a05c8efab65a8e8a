package org.mtl4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.backend.TrainableModel;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.metric.Evaluation;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.data.CsvDataset;
import org.mtl4j.data.TaskGroupsGenerator;
import org.mtl4j.dsl.Mtl;
import org.mtl4j.dsl.MtlRuntime;
import org.mtl4j.training.affinity.AffinityProbe;
import org.mtl4j.training.affinity.Grouping;
import org.mtl4j.training.affinity.TaskAffinity;
import org.mtl4j.training.affinity.TaskGrouper;

/**
 * Issue 19, evidence: on {@link TaskGroupsGenerator}'s planted world (tasks [[a1, a2, a3], [b1, b2], [f]]:
 * tasks of a group share their latent weights, groups a and b conflict, f is unrelated) the lookahead
 * affinity of a short shared-bottom run (bottom [8], 150 steps of batch 128 on 1,500 rows, measured on every
 * second step), grouped for a budget of 3 groups, recovers the planted grouping in at least 4 of 5 seeds;
 * and the grouped topology (one shared bottom [8] per planted group) has a lower mean test MSE over the six
 * tasks (2,000 test rows) than both shared-bottom [8] and independent [8], averaged over the 5 seeds, with
 * 600 training rows and 20 epochs (a regime where pooling a group's rows pays). One thread, fixed seeds.
 *
 * <p>The signal is early: the probe's towers start random, so later in a run on few rows the gradients
 * turn to noise (a 150-step warm-up before measuring recovered only 1 of 5 seeds); the measured figures
 * are in training/README.md.
 */
class TaskGroupingEvidenceTest {
    private static final int SEEDS = 5;
    private static final int TRAIN_ROWS = Integer.getInteger("it.groups.train", 600);
    private static final int TEST_ROWS = 2000;
    private static final int PROBE_STEPS = Integer.getInteger("it.groups.steps", 150);
    private static final List<Integer> BOTTOM = List.of(Integer.getInteger("it.groups.bottom", 8));
    private static final int EPOCHS = Integer.getInteger("it.groups.epochs", 20);
    private static final int EVERY = Integer.getInteger("it.groups.every", 2);
    private static final int WARMUP = Integer.getInteger("it.groups.warmup", 0);
    private static final int PROBE_ROWS = Integer.getInteger("it.groups.probe", 1500);

    @TempDir
    static Path tmp;

    private static Path world(long seed) {
        Path dir = tmp.resolve("world" + seed);
        if (!dir.resolve("train.csv").toFile().exists()) {
            TaskGroupsGenerator gen = new TaskGroupsGenerator(TaskGroupsGenerator.Config.planted(seed));
            gen.writeSplits(dir, TRAIN_ROWS, TEST_ROWS);
            gen.writeCsv(dir.resolve("probe.csv"), PROBE_ROWS, seed + 3000);
        }
        return dir;
    }

    private static Dataset data(Path file, ModelSpec spec) {
        return CsvDataset.builder(file, spec).build();
    }

    @Test
    void affinityRecoversThePlantedGroups() {
        MtlRuntime runtime = Mtl.runtime();
        int recovered = 0;
        for (long seed = 0; seed < SEEDS; seed++) {
            TaskGroupsGenerator gen = new TaskGroupsGenerator(TaskGroupsGenerator.Config.planted(seed));
            ModelSpec spec = runtime.check(gen.spec(new Topology.SharedBottom(BOTTOM)));
            Dataset train = data(world(seed).resolve("probe.csv"), spec);
            TrainableModel model = runtime.backend("dl4j").compile(spec, train.vocabularies(), train.denseStats());
            TaskAffinity a = AffinityProbe.builder().steps(PROBE_STEPS).warmup(WARMUP).every(EVERY).build().measure(model, train);
            Grouping g = TaskGrouper.best(a, 3);
            boolean ok = g.groups().equals(TaskGroupsGenerator.Config.PLANTED);
            recovered += ok ? 1 : 0;
            System.out.printf("task groups seed %d: %s %s (cost %.1fx a normal step)%n", seed, g, ok ? "recovered" : "MISSED",
                    a.costRatio());
            for (int i = 0; i < a.size(); i++) {
                System.out.printf("  Z(%s -> .) %s%n", a.tasks().get(i), Arrays.toString(Arrays.stream(a.lookahead()[i])
                        .map(x -> Math.round(x * 1e4) / 1e4).toArray()));
            }
        }
        assertThat(recovered).as("seeds whose suggested grouping is the planted one").isGreaterThanOrEqualTo(4);
    }

    private static double meanTestMse(MtlRuntime runtime, long seed, Topology topology) {
        TaskGroupsGenerator gen = new TaskGroupsGenerator(TaskGroupsGenerator.Config.planted(seed));
        ModelSpec base = gen.spec(topology);
        org.mtl4j.api.spec.TrainingSpec t = base.training();
        ModelSpec spec = runtime.check(base.withTraining(new org.mtl4j.api.spec.TrainingSpec(EPOCHS, t.batchSize(), t.seed(),
                0, null, 0, t.shuffleBuffer())));
        Dataset train = data(world(seed).resolve("train.csv"), spec);
        Dataset test = CsvDataset.builder(world(seed).resolve("test.csv"), spec).vocabularies(train.vocabularies())
                .denseStats(train.denseStats()).build();
        Evaluation e = runtime.evaluate(runtime.train(spec, train, null).model(), test);
        double s = 0;
        for (String task : gen.tasks()) {
            s += Math.pow(e.metric(task, "rmse"), 2);
        }
        return s / gen.tasks().size();
    }

    /**
     * MMoE per planted group (2 experts of [8] per group, a task's gate mixing only its group's) against one MMoE over
     * every task with as many experts (6 of [8]), and CGC per planted group (1 group-shared + 1 task expert) against one
     * CGC with as many experts (3 shared + 1 per task); grouped shared-bottom [8] alongside. The planted groups conflict
     * (a vs b) or are unrelated (f), so keeping them apart must beat letting every gate reach every expert (asserted on
     * the mean test MSE over the 5 seeds); within a group the tasks share one latent direction, so the truth says
     * nothing about experts vs one shared bottom inside a group (reported, not asserted).
     */
    @Test
    void expertsPerGroupBeatOneMixtureOverEveryTask() {
        MtlRuntime runtime = Mtl.runtime();
        List<Topology> topologies = List.of(new Topology.Mmoe(2, BOTTOM, List.of(), TaskGroupsGenerator.Config.PLANTED),
                new Topology.Mmoe(6, BOTTOM, List.of()), new Topology.Grouped(TaskGroupsGenerator.Config.PLANTED, BOTTOM),
                new Topology.Ple(1, 1, 1, BOTTOM, TaskGroupsGenerator.Config.PLANTED), new Topology.Ple(1, 3, 1, BOTTOM));
        double[] mean = new double[topologies.size()];
        for (int i = 0; i < topologies.size(); i++) {
            List<Double> per = new ArrayList<>();
            for (long seed = 0; seed < SEEDS; seed++) {
                per.add(meanTestMse(runtime, seed, topologies.get(i)));
            }
            mean[i] = per.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            System.out.printf("task groups %-26s mean test MSE per seed %s mean %.4f%n", topologies.get(i).id()
                    + (Topology.TaskGroups.of(topologies.get(i)) != null && !(topologies.get(i) instanceof Topology.Grouped)
                            ? " per group" : ""), per, mean[i]);
        }
        assertThat(mean[0]).as("mmoe per group vs one mmoe").isLessThan(mean[1]);
        assertThat(mean[3]).as("cgc per group vs one cgc").isLessThan(mean[4]);
    }

    @Test
    void theGroupedTopologyBeatsAllSharedAndIndependent() {
        MtlRuntime runtime = Mtl.runtime();
        List<Topology> topologies = List.of(new Topology.Grouped(TaskGroupsGenerator.Config.PLANTED, BOTTOM),
                new Topology.SharedBottom(BOTTOM), new Topology.Independent(BOTTOM));
        double[] mean = new double[3];
        for (int i = 0; i < 3; i++) {
            List<Double> per = new ArrayList<>();
            for (long seed = 0; seed < SEEDS; seed++) {
                per.add(meanTestMse(runtime, seed, topologies.get(i)));
            }
            mean[i] = per.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            System.out.printf("task groups %-13s mean test MSE per seed %s mean %.4f%n", topologies.get(i).id(), per, mean[i]);
        }
        assertThat(mean[0]).as("grouped vs shared-bottom").isLessThan(mean[1]);
        assertThat(mean[0]).as("grouped vs independent").isLessThan(mean[2]);
    }
}
