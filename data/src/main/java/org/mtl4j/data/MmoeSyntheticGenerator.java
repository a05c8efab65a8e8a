package org.mtl4j.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.mtl4j.api.Checks;
import org.mtl4j.api.spec.DenseInput;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.api.spec.TrainingSpec;
import org.mtl4j.data.internal.CsvWriter;
import org.mtl4j.data.internal.Rng;

/**
 * The synthetic two-task regression of Ma et al., "Modeling Task Relationships in Multi-task
 * Learning with Multi-gate Mixture-of-Experts", KDD 2018, section 3.2, whose label correlation is
 * set by rho:
 * <ol>
 * <li>u1, u2 in R^d orthonormal: the Q of the QR factorisation (Gram-Schmidt) of a d x 2 Gaussian matrix;</li>
 * <li>w1 = c u1, w2 = c (rho u1 + sqrt(1 - rho^2) u2);</li>
 * <li>alpha_i, beta_i, i = 1..m, scalars shared by both tasks, ~ N(0, alphaStd^2), N(0, betaStd^2);</li>
 * <li>x ~ N(0, I_d); y_k = w_k.x + sum_i sin(alpha_i w_k.x + beta_i) + eps_k, eps_k ~ N(0, noiseStd^2).</li>
 * </ol>
 * Paper sizes d = 100, m = 10, c = 1. The paper writes alpha, beta ~ N(0, 0.01); {@link Config#paper}
 * reads that as a variance (std 0.1), which makes the sines nearly linear, so {@link Config#ple}
 * offers std 1 (the PLE paper's setting), where task relatedness really matters. The world (u, alpha,
 * beta) depends on the seed only, rows (x, eps) on the row seed, and rho changes only w2, so every
 * rho sees the same inputs and noise.
 */
public final class MmoeSyntheticGenerator {

    /** Parameters of the recipe. */
    public record Config(long seed, double rho, int dimension, int sines, double c, double alphaStd, double betaStd,
            double noiseStd) {
        public Config {
            Checks.inRange("mmoe synthetic rho", rho, -1, 1);
            Checks.positive("mmoe synthetic dimension", dimension);
            if (dimension < 2) {
                throw new IllegalArgumentException("mmoe synthetic dimension must be >= 2, found " + dimension);
            }
            Checks.nonNegative("mmoe synthetic sines", sines);
            Checks.nonNegative("mmoe synthetic c", c);
            Checks.nonNegative("mmoe synthetic alphaStd", alphaStd);
            Checks.nonNegative("mmoe synthetic betaStd", betaStd);
            Checks.nonNegative("mmoe synthetic noiseStd", noiseStd);
        }

        /** The paper's literal setting: alpha, beta ~ N(0, 0.01) read as variance (std 0.1), noise std 0.1. */
        public static Config paper(double rho, long seed) {
            return new Config(seed, rho, 100, 10, 1.0, 0.1, 0.1, 0.1);
        }

        /** The PLE paper's setting: alpha, beta ~ N(0, 1), noise std 0.1. */
        public static Config ple(double rho, long seed) {
            return new Config(seed, rho, 100, 10, 1.0, 1.0, 1.0, 0.1);
        }
    }

    private final Config config;
    private final double[] u1;
    private final double[] u2;
    private final double[] w1;
    private final double[] w2;
    private final double[] alpha;
    private final double[] beta;

    public MmoeSyntheticGenerator(Config config) {
        this.config = Checks.notNull("mmoe synthetic config", config);
        int d = config.dimension();
        Rng r = new Rng(config.seed());
        double[] g1 = new double[d];
        double[] g2 = new double[d];
        for (int i = 0; i < d; i++) {
            g1[i] = r.gaussian();
            g2[i] = r.gaussian();
        }
        // QR of [g1 g2] by Gram-Schmidt: q1 = g1/|g1|, q2 = (g2 - <g2,q1> q1)/|...|
        u1 = scale(g1, 1 / norm(g1));
        double proj = dot(g2, u1);
        double[] rest = new double[d];
        for (int i = 0; i < d; i++) {
            rest[i] = g2[i] - proj * u1[i];
        }
        u2 = scale(rest, 1 / norm(rest));
        alpha = new double[config.sines()];
        beta = new double[config.sines()];
        for (int i = 0; i < alpha.length; i++) {
            alpha[i] = r.gaussian(config.alphaStd());
        }
        for (int i = 0; i < beta.length; i++) {
            beta[i] = r.gaussian(config.betaStd());
        }
        double rho = config.rho();
        double other = Math.sqrt(Math.max(0, 1 - rho * rho));
        w1 = scale(u1, config.c());
        w2 = new double[d];
        for (int i = 0; i < d; i++) {
            w2[i] = config.c() * (rho * u1[i] + other * u2[i]);
        }
    }

    private static double[] scale(double[] v, double s) {
        double[] o = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            o[i] = v[i] * s;
        }
        return o;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double norm(double[] v) {
        return Math.sqrt(dot(v, v));
    }

    public Config config() {
        return config;
    }

    public double[] u1() {
        return u1.clone();
    }

    public double[] u2() {
        return u2.clone();
    }

    public double[] w1() {
        return w1.clone();
    }

    public double[] w2() {
        return w2.clone();
    }

    public double[] alpha() {
        return alpha.clone();
    }

    public double[] beta() {
        return beta.clone();
    }

    /** The noise-free label of task k (1 or 2) at x: w_k.x + sum_i sin(alpha_i w_k.x + beta_i). */
    public double truth(int task, double[] x) {
        double z = dot(task == 1 ? w1 : w2, x);
        double s = z;
        for (int i = 0; i < alpha.length; i++) {
            s += Math.sin(alpha[i] * z + beta[i]);
        }
        return s;
    }

    /** Column names x0..x{d-1}, y1, y2. */
    public List<String> columns() {
        List<String> c = new ArrayList<>();
        for (int i = 0; i < config.dimension(); i++) {
            c.add("x" + i);
        }
        c.add("y1");
        c.add("y2");
        return c;
    }

    /** Writes {@code rows} rows drawn with {@code rowSeed}, atomically; returns the row count. */
    public long writeCsv(Path file, long rows, long rowSeed) {
        if (rows < 0) {
            throw new IllegalArgumentException("rows must be >= 0, found " + rows);
        }
        Rng r = new Rng(rowSeed);
        int d = config.dimension();
        double[] x = new double[d];
        StringBuilder sb = new StringBuilder(d * 12);
        try (CsvWriter w = new CsvWriter(file)) {
            w.line(String.join(",", columns()));
            for (long n = 0; n < rows; n++) {
                sb.setLength(0);
                for (int i = 0; i < d; i++) {
                    x[i] = (float) r.gaussian(); // the file holds floats: the truth is computed on what is written
                    sb.append((float) x[i]).append(',');
                }
                double e1 = r.gaussian(config.noiseStd());
                double e2 = r.gaussian(config.noiseStd());
                sb.append((float) (truth(1, x) + e1)).append(',').append((float) (truth(2, x) + e2));
                w.line(sb);
            }
            w.commit();
        }
        return rows;
    }

    /**
     * The paper-size models over dense x0..x{d-1} with regression tasks y1, y2 and towers [8]:
     * {@code shared-bottom} (113 units), {@code mmoe} (8 experts of 16 units), {@code ple} (one
     * level, CGC: 4 shared experts and 2 per task, 16 units), {@code independent} (16 units); Adam
     * 1e-3, batch 256, 5 epochs.
     */
    public ModelSpec spec(String topology) {
        Topology t;
        switch (topology) {
            case "shared-bottom":
                t = new Topology.SharedBottom(List.of(113));
                break;
            case "mmoe":
                t = new Topology.Mmoe(8, List.of(16), List.of());
                break;
            case "ple":
                t = new Topology.Ple(1, 4, 2, List.of(16));
                break;
            case "independent":
                t = new Topology.Independent(List.of(16));
                break;
            default:
                throw new IllegalArgumentException("unknown topology \"" + topology
                        + "\" (known: shared-bottom, mmoe, ple, independent)");
        }
        List<String> xs = columns().subList(0, config.dimension());
        return new ModelSpec("mmoe-synthetic-" + topology, List.of(new DenseInput("x", xs, false)),
                List.of(TaskSpec.regression("y1", "y1"), TaskSpec.regression("y2", "y2")), t, null, null, null,
                OptimizerSpec.adam(1e-3), new TrainingSpec(5, 256, config.seed(), 0.0, null, 50, 100_000), "dl4j");
    }
}
