package org.mtl4j.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
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
 * Regression tasks with a planted group structure, for task-grouping evidence: tasks in one group are
 * related, the first two groups conflict, later groups are unrelated to everything. The functional form
 * is the MMoE paper's synthetic data (Ma et al., KDD 2018, sec. 3.2), extended from two tasks to groups:
 * <ol>
 * <li>orthonormal q_0 .. q_{G-1} (one per group) and v_t (one per task) in R^d, by Gram-Schmidt on Gaussian
 * vectors (so d must be at least G + T);</li>
 * <li>group directions: base_0 = q_0, base_1 = c q_0 + sqrt(1 - c^2) q_1 with c = {@code crossCorrelation}
 * (negative: conflicting), base_g = q_g for g &gt;= 2 (unrelated);</li>
 * <li>task t of group g: w_t = sqrt(r) base_g + sqrt(1 - r) v_t with r = {@code withinCorrelation}, so two
 * tasks of a group have cos(w_s, w_t) = r and tasks of groups 0 and 1 have r c;</li>
 * <li>alpha_i ~ N(0, alphaStd^2), beta_i ~ N(0, 1), i = 1..{@code sines}, shared by every task; x ~ N(0, I_d);
 * y_t = w_t.x + sum_i [sin(alpha_i w_t.x + beta_i) - sin(beta_i) exp(-alpha_i^2 / 2)] + eps_t,
 * eps_t ~ N(0, noiseStd^2): the MMoE paper's labels centred (the subtracted term is the sine's mean over x), so
 * that no task's loss falls merely because a shared layer shifts every output.</li>
 * </ol>
 * The default world ({@link Config#planted}): groups [[a1, a2, a3], [b1, b2], [f]], d = 16, r = 0.97, c = -0.5,
 * 10 sines with alphaStd 0.5, noise 1.
 */
public final class TaskGroupsGenerator {

    /** Parameters of the recipe. */
    public record Config(long seed, List<List<String>> groups, int dimension, double withinCorrelation,
            double crossCorrelation, int sines, double alphaStd, double noiseStd) {
        public static final List<List<String>> PLANTED = List.of(List.of("a1", "a2", "a3"), List.of("b1", "b2"), List.of("f"));

        public Config {
            groups = new Topology.Grouped(groups, List.of(1)).groups(); // every task once, no empty group
            int tasks = groups.stream().mapToInt(List::size).sum();
            if (dimension < groups.size() + tasks) {
                throw new IllegalArgumentException("task-groups dimension must be >= groups + tasks = "
                        + (groups.size() + tasks) + ", found " + dimension);
            }
            Checks.inRange("task-groups withinCorrelation", withinCorrelation, 0, 1);
            Checks.inRange("task-groups crossCorrelation", crossCorrelation, -1, 1);
            Checks.nonNegative("task-groups sines", sines);
            Checks.nonNegative("task-groups alphaStd", alphaStd);
            Checks.nonNegative("task-groups noiseStd", noiseStd);
        }

        /** The default world with {@code seed}. */
        public static Config planted(long seed) {
            return new Config(seed, PLANTED, 16, 1.0, -0.5, 10, 0.5, 1.0);
        }
    }

    private final Config config;
    private final List<String> tasks = new ArrayList<>();
    private final double[][] w;
    private final double[] alpha;
    private final double[] beta;

    public TaskGroupsGenerator(Config config) {
        this.config = Checks.notNull("task-groups config", config);
        int d = config.dimension();
        int g = config.groups().size();
        for (List<String> group : config.groups()) {
            tasks.addAll(group);
        }
        Rng r = new Rng(config.seed());
        double[][] q = orthonormal(r, g + tasks.size(), d);
        double c = config.crossCorrelation();
        double[][] base = new double[g][];
        for (int i = 0; i < g; i++) {
            base[i] = q[i].clone();
        }
        if (g > 1) {
            for (int j = 0; j < d; j++) {
                base[1][j] = c * q[0][j] + Math.sqrt(1 - c * c) * q[1][j];
            }
        }
        double within = Math.sqrt(config.withinCorrelation());
        double own = Math.sqrt(1 - config.withinCorrelation());
        w = new double[tasks.size()][d];
        int t = 0;
        for (int i = 0; i < g; i++) {
            for (int k = 0; k < config.groups().get(i).size(); k++, t++) {
                for (int j = 0; j < d; j++) {
                    w[t][j] = within * base[i][j] + own * q[g + t][j];
                }
            }
        }
        alpha = new double[config.sines()];
        beta = new double[config.sines()];
        for (int i = 0; i < alpha.length; i++) {
            alpha[i] = config.alphaStd() * r.gaussian();
            beta[i] = r.gaussian();
        }
    }

    private static double[][] orthonormal(Rng r, int n, int d) {
        double[][] q = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                q[i][j] = r.gaussian();
            }
            for (int k = 0; k < i; k++) {
                double p = 0;
                for (int j = 0; j < d; j++) {
                    p += q[i][j] * q[k][j];
                }
                for (int j = 0; j < d; j++) {
                    q[i][j] -= p * q[k][j];
                }
            }
            double norm = 0;
            for (int j = 0; j < d; j++) {
                norm += q[i][j] * q[i][j];
            }
            norm = Math.sqrt(norm);
            for (int j = 0; j < d; j++) {
                q[i][j] /= norm;
            }
        }
        return q;
    }

    public Config config() {
        return config;
    }

    /** Task names in group order. */
    public List<String> tasks() {
        return List.copyOf(tasks);
    }

    /** The weight vector of task t (index into {@link #tasks()}). */
    public double[] weights(int task) {
        return w[task].clone();
    }

    /** The noise-free label of task t at x. */
    public double truth(int task, double[] x) {
        double z = 0;
        for (int j = 0; j < x.length; j++) {
            z += w[task][j] * x[j];
        }
        double y = z;
        for (int i = 0; i < alpha.length; i++) {
            // centred: E[sin(a z + b)] = sin(b) exp(-a^2 |w|^2 / 2) for z = w.x ~ N(0, |w|^2), |w| = 1
            y += Math.sin(alpha[i] * z + beta[i]) - Math.sin(beta[i]) * Math.exp(-alpha[i] * alpha[i] / 2);
        }
        return y;
    }

    public List<String> columns() {
        List<String> c = new ArrayList<>();
        for (int j = 0; j < config.dimension(); j++) {
            c.add("x" + j);
        }
        c.addAll(tasks);
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
        try (CsvWriter out = new CsvWriter(file)) {
            out.line(String.join(",", columns()));
            for (long n = 0; n < rows; n++) {
                sb.setLength(0);
                for (int j = 0; j < d; j++) {
                    x[j] = (float) r.gaussian(); // the truth is computed on what the file holds
                    sb.append((float) x[j]).append(',');
                }
                for (int t = 0; t < tasks.size(); t++) {
                    if (t > 0) {
                        sb.append(',');
                    }
                    sb.append((float) (truth(t, x) + config.noiseStd() * r.gaussian()));
                }
                out.line(sb);
            }
            out.commit();
        }
        return rows;
    }

    /** Writes {@code train.csv} (row seed {@code seed + 1000}) and {@code test.csv} ({@code seed + 2000}) into {@code dir}. */
    public void writeSplits(Path dir, long trainRows, long testRows) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        writeCsv(dir.resolve("train.csv"), trainRows, config.seed() + 1000);
        writeCsv(dir.resolve("test.csv"), testRows, config.seed() + 2000);
    }

    /**
     * A model over x0..x{d-1} with one regression task per planted task (towers [8]) and {@code topology};
     * Adam 3e-3, batch 128, 3 epochs.
     */
    public ModelSpec spec(Topology topology) {
        List<TaskSpec> ts = new ArrayList<>();
        for (String t : tasks) {
            ts.add(new TaskSpec(t, org.mtl4j.api.spec.TaskKind.REGRESSION, t, 1, null, List.of(), 1.0, false, null, List.of(8),
                    1.0));
        }
        return new ModelSpec("task-groups", List.of(new DenseInput("x", columns().subList(0, config.dimension()), false)), ts,
                topology, null, null, null, OptimizerSpec.adam(3e-3), new TrainingSpec(3, 128, config.seed(), 0.0, null, 0,
                        100_000), "dl4j");
    }
}
