package org.mtl4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The planted structure of {@link TaskGroupsGenerator} holds as its javadoc says. */
class TaskGroupsGeneratorTest {

    private static double cos(double[] a, double[] b) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += a[i] * b[i];
            aa += a[i] * a[i];
            bb += b[i] * b[i];
        }
        return ab / Math.sqrt(aa * bb);
    }

    @Test
    void weightsFollowThePlantedCorrelations() {
        TaskGroupsGenerator.Config c = new TaskGroupsGenerator.Config(4, TaskGroupsGenerator.Config.PLANTED, 16, 0.8, -0.5, 10, 0.5,
                1.0);
        TaskGroupsGenerator g = new TaskGroupsGenerator(c);
        assertThat(g.tasks()).containsExactly("a1", "a2", "a3", "b1", "b2", "f");
        assertThat(cos(g.weights(0), g.weights(1))).isCloseTo(0.8, within(1e-12));
        assertThat(cos(g.weights(3), g.weights(4))).isCloseTo(0.8, within(1e-12));
        assertThat(cos(g.weights(0), g.weights(3))).isCloseTo(0.8 * -0.5, within(1e-12));
        for (int t = 0; t < 5; t++) {
            assertThat(cos(g.weights(t), g.weights(5))).isCloseTo(0, within(1e-12));
        }
        // identical weights within a group in the default world
        TaskGroupsGenerator planted = new TaskGroupsGenerator(TaskGroupsGenerator.Config.planted(4));
        assertThat(planted.weights(0)).containsExactly(planted.weights(2));
    }

    @Test
    void labelsAreCentred() {
        TaskGroupsGenerator g = new TaskGroupsGenerator(TaskGroupsGenerator.Config.planted(1));
        Random r = new Random(9);
        double[] sum = new double[6];
        int n = 200_000;
        double[] x = new double[16];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 16; j++) {
                x[j] = r.nextGaussian();
            }
            for (int t = 0; t < 6; t++) {
                sum[t] += g.truth(t, x);
            }
        }
        for (int t = 0; t < 6; t++) {
            assertThat(sum[t] / n).as(g.tasks().get(t)).isCloseTo(0, within(0.05));
        }
    }

    @Test
    void writesTheColumnsAndRefusesBadConfigs(@TempDir Path dir) throws Exception {
        TaskGroupsGenerator g = new TaskGroupsGenerator(TaskGroupsGenerator.Config.planted(0));
        g.writeSplits(dir, 20, 5);
        List<String> lines = Files.readAllLines(dir.resolve("train.csv"));
        assertThat(lines).hasSize(21);
        assertThat(lines.get(0)).isEqualTo("x0,x1,x2,x3,x4,x5,x6,x7,x8,x9,x10,x11,x12,x13,x14,x15,a1,a2,a3,b1,b2,f");
        assertThat(lines.get(1).split(",")).hasSize(22);
        assertThat(Files.readAllLines(dir.resolve("test.csv"))).hasSize(6);
        assertThatThrownBy(() -> new TaskGroupsGenerator.Config(0, TaskGroupsGenerator.Config.PLANTED, 8, 1, -0.5, 10, 0.5, 1))
                .hasMessage("task-groups dimension must be >= groups + tasks = 9, found 8");
        assertThatThrownBy(() -> new TaskGroupsGenerator.Config(0, List.of(List.of("a", "b"), List.of("b")), 16, 1, -0.5, 10, 0.5, 1))
                .hasMessageContaining("tasks in more than one group: b");
    }
}
