package org.mtl4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.Topology;

class MmoeSyntheticGeneratorTest {
    @TempDir
    Path dir;

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    @Test
    void weightsFollowTheRecipe() {
        for (double rho : new double[] {0, 0.5, 0.9, 1}) {
            MmoeSyntheticGenerator g = new MmoeSyntheticGenerator(MmoeSyntheticGenerator.Config.paper(rho, 2018));
            assertThat(dot(g.u1(), g.u1())).isCloseTo(1, within(1e-12));
            assertThat(dot(g.u2(), g.u2())).isCloseTo(1, within(1e-12));
            assertThat(dot(g.u1(), g.u2())).isCloseTo(0, within(1e-12));
            // |w1| = |w2| = c = 1 and cos(w1, w2) = rho
            assertThat(dot(g.w1(), g.w2())).isCloseTo(rho, within(1e-12));
            assertThat(dot(g.w2(), g.w2())).isCloseTo(1, within(1e-12));
            assertThat(g.alpha()).hasSize(10);
        }
        MmoeSyntheticGenerator paper = new MmoeSyntheticGenerator(MmoeSyntheticGenerator.Config.paper(0.5, 1));
        MmoeSyntheticGenerator ple = new MmoeSyntheticGenerator(MmoeSyntheticGenerator.Config.ple(0.5, 1));
        assertThat(std(paper.alpha())).isBetween(0.02, 0.3);
        assertThat(std(ple.alpha())).isBetween(0.4, 2.0);
    }

    private static double std(double[] v) {
        double m = 0;
        for (double x : v) {
            m += x / v.length;
        }
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m) / v.length;
        }
        return Math.sqrt(s);
    }

    @Test
    void labelsAreTruthPlusNoiseAndRhoOnlyChangesTheSecondTask() throws Exception {
        MmoeSyntheticGenerator g0 = new MmoeSyntheticGenerator(MmoeSyntheticGenerator.Config.ple(0.0, 3));
        MmoeSyntheticGenerator g1 = new MmoeSyntheticGenerator(MmoeSyntheticGenerator.Config.ple(1.0, 3));
        Path f0 = dir.resolve("rho0.csv");
        Path f1 = dir.resolve("rho1.csv");
        int n = 3000;
        g0.writeCsv(f0, n, 10);
        g1.writeCsv(f1, n, 10);
        List<String> l0 = Files.readAllLines(f0);
        List<String> l1 = Files.readAllLines(f1);
        assertThat(l0.get(0)).startsWith("x0,x1,").endsWith(",x99,y1,y2");
        double[] y1 = new double[n];
        double[] y2 = new double[n];
        double[] y1r1 = new double[n];
        double[] y2r1 = new double[n];
        double sumSq = 0;
        for (int r = 0; r < n; r++) {
            String[] a = l0.get(r + 1).split(",");
            String[] b = l1.get(r + 1).split(",");
            assertThat(a).hasSize(102);
            double[] x = new double[100];
            for (int i = 0; i < 100; i++) {
                assertThat(a[i]).isEqualTo(b[i]); // same inputs for every rho
                x[i] = Double.parseDouble(a[i]);
            }
            y1[r] = Double.parseDouble(a[100]);
            y2[r] = Double.parseDouble(a[101]);
            y1r1[r] = Double.parseDouble(b[100]);
            y2r1[r] = Double.parseDouble(b[101]);
            assertThat(y1[r]).isEqualTo(y1r1[r]); // task 1 does not depend on rho
            double e = y1[r] - g0.truth(1, x);
            sumSq += e * e;
        }
        // noise std 0.1: the residual RMS of 3000 draws is within 5% of it
        assertThat(Math.sqrt(sumSq / n)).isCloseTo(0.1, within(0.005));
        assertThat(Math.abs(corr(y1, y2))).isLessThan(0.08);
        assertThat(corr(y1r1, y2r1)).isGreaterThan(0.99);
    }

    private static double corr(double[] x, double[] y) {
        double mx = 0;
        double my = 0;
        for (int i = 0; i < x.length; i++) {
            mx += x[i] / x.length;
            my += y[i] / y.length;
        }
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    @Test
    void specsHaveThePaperSizesAndBindToTheFile() {
        MmoeSyntheticGenerator g = new MmoeSyntheticGenerator(MmoeSyntheticGenerator.Config.paper(0.5, 1));
        ModelSpec mmoe = g.spec("mmoe");
        assertThat(mmoe.topology()).isEqualTo(new Topology.Mmoe(8, List.of(16), List.of()));
        assertThat(g.spec("shared-bottom").topology()).isEqualTo(new Topology.SharedBottom(List.of(113)));
        assertThat(g.spec("ple").topology()).isEqualTo(new Topology.Ple(1, 4, 2, List.of(16)));
        assertThat(mmoe.taskNames()).containsExactly("y1", "y2");
        assertThat(mmoe.tasks().get(0).tower()).containsExactly(8);
        Path f = dir.resolve("s.csv");
        g.writeCsv(f, 50, 1);
        assertThat(CsvDataset.builder(f, mmoe).build().size()).isEqualTo(50);
        assertThatThrownBy(() -> g.spec("moe")).hasMessage(
                "unknown topology \"moe\" (known: shared-bottom, mmoe, ple, independent)");
    }

    /**
     * The NUMPY stream reproduces {@code numpy.random.default_rng(2018)} drawn in the recipe's order:
     * golden values from the PyTorch reference's {@code gen_synthetic.py --rho 0 --seed 2018
     * --alpha-std 1 --beta-std 1 --n-train 3 --n-test 4} (its params.json and CSV rows).
     */
    @Test
    void numpyStreamReproducesTheNumpyWorldAndRows() throws Exception {
        MmoeSyntheticGenerator g = new MmoeSyntheticGenerator(
                MmoeSyntheticGenerator.Config.ple(0.0, 2018).withStream(MmoeSyntheticGenerator.Stream.NUMPY));
        assertThat(g.alpha()[0]).isCloseTo(-1.4397078842215683, within(1e-12));
        assertThat(g.alpha()[9]).isCloseTo(0.0501002597791663, within(1e-12));
        assertThat(g.beta()[4]).isCloseTo(2.086424786955047, within(1e-12));
        // LAPACK's Householder signs, not Gram-Schmidt's
        assertThat(g.u1()[0]).isCloseTo(-0.06205169006081346, within(1e-12));
        assertThat(g.u1()[1]).isCloseTo(0.036978974997258995, within(1e-12));
        assertThat(g.u2()[0]).isCloseTo(0.01423978502477573, within(1e-12));
        assertThat(g.u2()[1]).isCloseTo(-0.10045802653198521, within(1e-12));
        g.writeSplits(dir, 3, 4);
        List<String> train = Files.readAllLines(dir.resolve("train.csv"));
        List<String> test = Files.readAllLines(dir.resolve("test.csv"));
        assertThat(train).hasSize(4);
        assertThat(test).hasSize(5);
        assertRow(train.get(1), -0.33733288, 1.0059616, 1.7514695, 2.0724975);
        assertRow(train.get(3), -1.2351052, 0.97474261, 1.8098944, 1.7567723);
        // the test split continues the stream after all the training draws
        assertRow(test.get(1), 2.5235996, -0.50125911, 1.605841, 0.095784769);
        assertRow(test.get(4), -0.88670972, -0.56778992, -0.1344599, 1.8762896);
        // rho changes w2 only
        MmoeSyntheticGenerator same = new MmoeSyntheticGenerator(
                MmoeSyntheticGenerator.Config.ple(1.0, 2018).withStream(MmoeSyntheticGenerator.Stream.NUMPY));
        assertThat(same.u1()).containsExactly(g.u1());
        assertThatThrownBy(() -> g.writeCsv(dir.resolve("x.csv"), 5, 1)).isInstanceOf(IllegalStateException.class)
                .hasMessage("writeCsv needs the MTL4J stream; the NUMPY stream draws its rows right after the world, "
                        + "in one sequence: use writeSplits");
        assertThatThrownBy(() -> MmoeSyntheticGenerator.Config.ple(0, -1).withStream(MmoeSyntheticGenerator.Stream.NUMPY))
                .hasMessage("mmoe synthetic seed must be >= 0 with the NUMPY stream, found -1");
    }

    private static void assertRow(String line, double x0, double x1, double y1, double y2) {
        String[] f = line.split(",");
        assertThat(f).hasSize(102);
        assertThat(Double.parseDouble(f[0])).isCloseTo(x0, within(1e-6));
        assertThat(Double.parseDouble(f[1])).isCloseTo(x1, within(1e-6));
        assertThat(Double.parseDouble(f[100])).isCloseTo(y1, within(1e-6));
        assertThat(Double.parseDouble(f[101])).isCloseTo(y2, within(1e-6));
    }

    @Test
    void mtl4jSplitsAreTheRowSeeds1000And2000AboveTheSeed() throws Exception {
        MmoeSyntheticGenerator g = new MmoeSyntheticGenerator(MmoeSyntheticGenerator.Config.ple(0.5, 4));
        g.writeSplits(dir.resolve("splits"), 20, 10);
        g.writeCsv(dir.resolve("train.csv"), 20, 1004);
        g.writeCsv(dir.resolve("test.csv"), 10, 2004);
        assertThat(Files.readAllLines(dir.resolve("splits/train.csv"))).isEqualTo(Files.readAllLines(dir.resolve("train.csv")));
        assertThat(Files.readAllLines(dir.resolve("splits/test.csv"))).isEqualTo(Files.readAllLines(dir.resolve("test.csv")));
        assertThatThrownBy(() -> g.writeSplits(dir, -1, 1)).hasMessage("trainRows must be >= 0, found -1");
    }
}
