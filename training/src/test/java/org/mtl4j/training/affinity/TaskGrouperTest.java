package org.mtl4j.training.affinity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.spec.Topology;

class TaskGrouperTest {

    /** Two blocks {a,b,c} and {d,e} helping within (+0.3) and hurting across (-0.2); f hurts everybody. */
    static TaskAffinity planted() {
        List<String> tasks = List.of("a", "b", "c", "d", "e", "f");
        int[] block = {0, 0, 0, 1, 1, 2};
        double[][] z = new double[6][6];
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 6; j++) {
                z[i][j] = i == j ? 0.5 : block[i] == block[j] ? 0.3 + 0.01 * (i + j) : -0.2;
            }
        }
        return TaskAffinity.of(tasks, z, null);
    }

    @Test
    void theBestGroupingRecoversPlantedBlocks() {
        Grouping g = TaskGrouper.best(planted(), 6);
        assertThat(g.groups()).containsExactly(List.of("a", "b", "c"), List.of("d", "e"), List.of("f"));
        // a: mean of Z(b->a) = 0.31, Z(c->a) = 0.32 -> 0.315; d: Z(e->d) = 0.37; f alone: 0
        assertThat(g.taskScores().get("a")).isCloseTo(0.315, within(1e-12));
        assertThat(g.taskScores().get("d")).isCloseTo(0.37, within(1e-12));
        assertThat(g.taskScores().get("f")).isZero();
        double expected = (0.31 + 0.32) / 2 + (0.31 + 0.33) / 2 + (0.32 + 0.33) / 2 + 0.37 + 0.37;
        assertThat(g.score()).isCloseTo(expected, within(1e-12));
    }

    @Test
    void aBudgetOfTwoGroupsPutsTheUnrelatedTaskWhereItCostsLeast() {
        List<Grouping> per = TaskGrouper.bestPerCount(planted(), 2);
        assertThat(per).hasSize(2);
        assertThat(per.get(0).groups()).containsExactly(List.of("a", "b", "c", "d", "e", "f"));
        Grouping two = per.get(1);
        assertThat(two.size()).isEqualTo(2);
        // checked against every 2-partition by brute force
        double best = Double.NEGATIVE_INFINITY;
        for (int mask = 1; mask < (1 << 6) - 1; mask++) {
            if ((mask & 1) == 0) {
                continue;
            }
            List<String> x = new java.util.ArrayList<>();
            List<String> y = new java.util.ArrayList<>();
            for (int i = 0; i < 6; i++) {
                ((mask >> i & 1) == 1 ? x : y).add(planted().tasks().get(i));
            }
            best = Math.max(best, TaskGrouper.score(planted(), List.of(x, y)).score());
        }
        assertThat(two.score()).isCloseTo(best, within(1e-12));
        // f costs -0.2 wherever it goes, but diluted by three partners in {a,b,c,f} (score 0.98) less than
        // by two in {d,e,f} (0.93)
        assertThat(two.groups()).containsExactly(List.of("a", "b", "c", "f"), List.of("d", "e"));
        assertThat(two.score()).isCloseTo(0.98, within(1e-12));
    }

    @Test
    void exhaustiveSearchMatchesBruteForceOnRandomMatrices() {
        java.util.Random r = new java.util.Random(5);
        for (int trial = 0; trial < 20; trial++) {
            int t = 2 + r.nextInt(5);
            List<String> tasks = new java.util.ArrayList<>();
            double[][] z = new double[t][t];
            for (int i = 0; i < t; i++) {
                tasks.add("t" + i);
                for (int j = 0; j < t; j++) {
                    z[i][j] = r.nextGaussian();
                }
            }
            TaskAffinity a = TaskAffinity.of(tasks, z, null);
            int k = 1 + r.nextInt(t);
            double brute = bruteForce(a, k);
            assertThat(TaskGrouper.best(a, k).score()).isCloseTo(brute, within(1e-9));
            assertThat(TaskGrouper.best(a, k).size()).isLessThanOrEqualTo(k);
        }
    }

    /** Every assignment of tasks to k labels (not only canonical ones). */
    private static double bruteForce(TaskAffinity a, int k) {
        int t = a.size();
        int[] label = new int[t];
        double best = Double.NEGATIVE_INFINITY;
        long total = (long) Math.pow(k, t);
        for (long code = 0; code < total; code++) {
            long c = code;
            for (int i = 0; i < t; i++) {
                label[i] = (int) (c % k);
                c /= k;
            }
            List<List<String>> groups = new java.util.ArrayList<>();
            for (int g = 0; g < k; g++) {
                List<String> members = new java.util.ArrayList<>();
                for (int i = 0; i < t; i++) {
                    if (label[i] == g) {
                        members.add(a.tasks().get(i));
                    }
                }
                if (!members.isEmpty()) {
                    groups.add(members);
                }
            }
            best = Math.max(best, TaskGrouper.score(a, groups).score());
        }
        return best;
    }

    @Test
    void tiesGoToFewerGroups() {
        double[][] z = {{0, 0.2, 0.2, 0.2}, {0.2, 0, 0.2, 0.2}, {0.2, 0.2, 0, 0.2}, {0.2, 0.2, 0.2, 0}};
        Grouping g = TaskGrouper.best(TaskAffinity.of(List.of("a", "b", "c", "d"), z, null), 4);
        assertThat(g.groups()).containsExactly(List.of("a", "b", "c", "d"));
    }

    @Test
    void adviceFollowsTheAffinities() {
        TaskAffinity a = planted();
        SharingAdvice grouped = SharingAdvisor.advise(a, TaskGrouper.best(a, 6), List.of(16));
        assertThat(grouped.topology()).isEqualTo(new Topology.Grouped(
                List.of(List.of("a", "b", "c"), List.of("d", "e"), List.of("f")), List.of(16)));
        // a budget of one group forces conflicting tasks together: PLE with task experts
        SharingAdvice forced = SharingAdvisor.advise(a, TaskGrouper.best(a, 1), List.of(16));
        assertThat(forced.topology()).isInstanceOf(Topology.Ple.class);
        assertThat(forced.reason()).contains("Z(a -> f) = -0.200");

        // a budget of two groups: {a, b, c, f} still holds the conflict a <-> f, {d, e} does not help them: CGC per group
        Grouping two = TaskGrouper.best(a, 2);
        SharingAdvice perGroup = SharingAdvisor.advise(a, two, List.of(16));
        assertThat(two.size()).isEqualTo(2);
        assertThat(perGroup.topology()).isEqualTo(new Topology.Ple(1, 1, 1, List.of(16), two.groups()));
        assertThat(perGroup.reason()).contains("CGC per group").contains(two.groups().toString());

        double[][] allGood = {{0, 0.1}, {0.3, 0}};
        TaskAffinity good = TaskAffinity.of(List.of("x", "y"), allGood, null);
        assertThat(SharingAdvisor.advise(good, TaskGrouper.best(good, 2), List.of(8)).topology())
                .isEqualTo(new Topology.SharedBottom(List.of(8)));
        double[][] allBad = {{0, -0.1}, {-0.3, 0}};
        TaskAffinity bad = TaskAffinity.of(List.of("x", "y"), allBad, null);
        SharingAdvice alone = SharingAdvisor.advise(bad, TaskGrouper.best(bad, 2), List.of(8));
        assertThat(alone.topology()).isEqualTo(new Topology.Independent(List.of(8)));
        assertThat(alone.grouping().groups()).containsExactly(List.of("x"), List.of("y"));
    }

    @Test
    void badInputIsNamed() {
        assertThatThrownBy(() -> TaskGrouper.best(planted(), 0)).hasMessage("number of groups must be >= 1, found 0");
        assertThatThrownBy(() -> TaskGrouper.score(planted(), List.of(List.of("a", "b", "c", "d", "e"), List.of("g"))))
                .hasMessage("grouping names unknown task 'g' (known: a, b, c, d, e, f)");
        assertThatThrownBy(() -> TaskGrouper.score(planted(), List.of(List.of("a", "b", "c", "d", "e"))))
                .hasMessage("task 'f' is in no group of [[a, b, c, d, e]]");
        List<String> many = new java.util.ArrayList<>();
        for (int i = 0; i < 13; i++) {
            many.add("t" + i);
        }
        assertThatThrownBy(() -> TaskGrouper.best(TaskAffinity.of(many, new double[13][13], null), 3))
                .hasMessage("task grouping searches every partition and supports up to 12 tasks, found 13");
    }
}
