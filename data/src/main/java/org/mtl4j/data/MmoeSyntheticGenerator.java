package org.mtl4j.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;
import org.mtl4j.api.Checks;
import org.mtl4j.api.spec.DenseInput;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.api.spec.TrainingSpec;
import org.mtl4j.data.internal.CsvWriter;
import org.mtl4j.data.internal.Pcg64;
import org.mtl4j.data.internal.Rng;

/**
 * The synthetic two-task regression of Ma et al., "Modeling Task Relationships in Multi-task
 * Learning with Multi-gate Mixture-of-Experts", KDD 2018, section 3.2, whose label correlation is
 * set by rho:
 * <ol>
 * <li>u1, u2 in R^d orthonormal: the Q of the QR factorisation of a d x 2 Gaussian matrix;</li>
 * <li>w1 = c u1, w2 = c (rho u1 + sqrt(1 - rho^2) u2);</li>
 * <li>alpha_i, beta_i, i = 1..m, scalars shared by both tasks, ~ N(0, alphaStd^2), N(0, betaStd^2);</li>
 * <li>x ~ N(0, I_d); y_k = w_k.x + sum_i sin(alpha_i w_k.x + beta_i) + eps_k, eps_k ~ N(0, noiseStd^2).</li>
 * </ol>
 * Paper sizes d = 100, m = 10, c = 1. The paper writes alpha, beta ~ N(0, 0.01); {@link Config#paper}
 * reads that as a variance (std 0.1), which makes the sines nearly linear, so {@link Config#ple}
 * offers std 1 (the PLE paper's setting), where task relatedness really matters. rho changes only w2,
 * so every rho sees the same inputs and noise.
 *
 * <p>Two random streams draw the world (u, alpha, beta) and the rows (x, eps); see {@link Stream}.
 * With {@link Stream#NUMPY} a seed gives the same world and rows as a NumPy script that follows the
 * recipe with {@code numpy.random.default_rng(seed)}, such as the PyTorch reference's
 * {@code gen_synthetic.py}: results then compare on the very same data.
 */
public final class MmoeSyntheticGenerator {

    /** The pseudo-random stream that draws the world and the rows. */
    public enum Stream {
        /**
         * mtl4j's own stream: the world depends on the seed only, each file's rows on its own row
         * seed ({@link #writeCsv}); u1, u2 by Gram-Schmidt.
         */
        MTL4J,
        /**
         * NumPy's {@code default_rng(seed)} (PCG64, SeedSequence, ziggurat normals), drawn in one
         * sequence: the d x 2 matrix row by row, alpha, beta, then for the training split and then the
         * test split ({@link #writeSplits}) all of x row by row followed by all of eps; u1, u2 with
         * LAPACK's Householder signs ({@code numpy.linalg.qr}).
         */
        NUMPY
    }

    /** Parameters of the recipe. */
    public record Config(long seed, double rho, int dimension, int sines, double c, double alphaStd, double betaStd,
            double noiseStd, Stream stream) {
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
            Checks.notNull("mmoe synthetic stream", stream);
            if (stream == Stream.NUMPY && seed < 0) {
                throw new IllegalArgumentException("mmoe synthetic seed must be >= 0 with the NUMPY stream, found "
                        + seed);
            }
        }

        /** The paper's literal setting: alpha, beta ~ N(0, 0.01) read as variance (std 0.1), noise std 0.1. */
        public static Config paper(double rho, long seed) {
            return new Config(seed, rho, 100, 10, 1.0, 0.1, 0.1, 0.1, Stream.MTL4J);
        }

        /** The PLE paper's setting: alpha, beta ~ N(0, 1), noise std 0.1. */
        public static Config ple(double rho, long seed) {
            return new Config(seed, rho, 100, 10, 1.0, 1.0, 1.0, 0.1, Stream.MTL4J);
        }

        /** This configuration drawn from another stream. */
        public Config withStream(Stream other) {
            return new Config(seed, rho, dimension, sines, c, alphaStd, betaStd, noiseStd, other);
        }
    }

    private final Config config;
    private final double[] u1;
    private final double[] u2;
    private final double[] w1;
    private final double[] w2;
    private final double[] alpha;
    private final double[] beta;
    /** NUMPY stream: the position right after the world, where the training rows start. */
    private final Pcg64 rowStream;

    public MmoeSyntheticGenerator(Config config) {
        this.config = Checks.notNull("mmoe synthetic config", config);
        int d = config.dimension();
        boolean numpy = config.stream() == Stream.NUMPY;
        Rng r = numpy ? null : new Rng(config.seed());
        Pcg64 p = numpy ? Pcg64.seeded(config.seed()) : null;
        DoubleSupplier normal = numpy ? p::standardNormal : r::gaussian;
        double[] g1 = new double[d];
        double[] g2 = new double[d];
        for (int i = 0; i < d; i++) {
            // the d x 2 matrix in row-major order
            g1[i] = normal.getAsDouble();
            g2[i] = normal.getAsDouble();
        }
        // QR of [g1 g2] by Gram-Schmidt: q1 = g1/|g1|, q2 = (g2 - <g2,q1> q1)/|...|
        double[] q1 = scale(g1, 1 / norm(g1));
        double proj = dot(g2, q1);
        double[] rest = new double[d];
        for (int i = 0; i < d; i++) {
            rest[i] = g2[i] - proj * q1[i];
        }
        double[] q2 = scale(rest, 1 / norm(rest));
        if (numpy) {
            double[] signs = householderSigns(g1, g2);
            q1 = scale(q1, signs[0]);
            q2 = scale(q2, signs[1]);
        }
        u1 = q1;
        u2 = q2;
        alpha = new double[config.sines()];
        beta = new double[config.sines()];
        for (int i = 0; i < alpha.length; i++) {
            alpha[i] = config.alphaStd() * normal.getAsDouble();
        }
        for (int i = 0; i < beta.length; i++) {
            beta[i] = config.betaStd() * normal.getAsDouble();
        }
        rowStream = p;
        double rho = config.rho();
        double other = Math.sqrt(Math.max(0, 1 - rho * rho));
        w1 = scale(u1, config.c());
        w2 = new double[d];
        for (int i = 0; i < d; i++) {
            w2[i] = config.c() * (rho * u1[i] + other * u2[i]);
        }
    }

    /**
     * The signs of the diagonal of R in LAPACK's Householder QR (dgeqrf, whose reflector dlarfg makes
     * R's diagonal entry the opposite sign of the column's leading entry): Q's columns are the
     * Gram-Schmidt vectors times these signs.
     */
    private static double[] householderSigns(double[] g1, double[] g2) {
        double a = g1[0];
        double beta = -Math.copySign(norm(g1), a);
        double tau = (beta - a) / beta;
        double denom = a - beta;
        // v = [1, g1[1:] / (a - beta)]; (H1 g2)[1] = g2[1] - tau v[1] (v . g2)
        double vDotG2 = g2[0];
        for (int i = 1; i < g1.length; i++) {
            vDotG2 += g1[i] / denom * g2[i];
        }
        double h1 = g2[1] - tau * (g1[1] / denom) * vDotG2;
        return new double[] {beta < 0 ? -1 : 1, h1 >= 0 ? -1 : 1};
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

    /**
     * Writes {@code rows} rows drawn with {@code rowSeed}, atomically; returns the row count. Only for
     * the {@link Stream#MTL4J} stream: the NUMPY stream draws its rows after the world in one
     * sequence, see {@link #writeSplits}.
     */
    public long writeCsv(Path file, long rows, long rowSeed) {
        if (config.stream() != Stream.MTL4J) {
            throw new IllegalStateException("writeCsv needs the MTL4J stream; the " + config.stream()
                    + " stream draws its rows right after the world, in one sequence: use writeSplits");
        }
        checkRows("rows", rows);
        Rng r = new Rng(rowSeed);
        // per row: d inputs, then the two noises
        return writeRows(file, rows, r::gaussian, r::gaussian);
    }

    /**
     * Writes {@code train.csv} and {@code test.csv} into {@code dir} (created if missing), each
     * atomically. {@link Stream#MTL4J}: the rows of row seeds {@code seed + 1000} and
     * {@code seed + 2000}. {@link Stream#NUMPY}: the stream continues after the world through the
     * training rows (all x, then all eps), then the test rows, as NumPy draws
     * {@code standard_normal((n, d))} and {@code normal(0, noiseStd, (n, 2))} per split.
     */
    public void writeSplits(Path dir, long trainRows, long testRows) {
        checkRows("trainRows", trainRows);
        checkRows("testRows", testRows);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        Path train = dir.resolve("train.csv");
        Path test = dir.resolve("test.csv");
        if (config.stream() == Stream.MTL4J) {
            writeCsv(train, trainRows, config.seed() + 1000);
            writeCsv(test, testRows, config.seed() + 2000);
            return;
        }
        Pcg64 afterTrain = writeNumpySplit(train, trainRows, rowStream.copy());
        writeNumpySplit(test, testRows, afterTrain);
    }

    /** Writes one split from {@code stream}; returns the stream positioned after the split's draws. */
    private Pcg64 writeNumpySplit(Path file, long rows, Pcg64 stream) {
        int d = config.dimension();
        Pcg64 xs = stream.copy();
        Pcg64 eps = stream;
        // NumPy draws all of x before any eps: read the two regions of the one stream side by side
        for (long k = 0, n = Math.multiplyExact(rows, d); k < n; k++) {
            eps.standardNormal();
        }
        writeRows(file, rows, xs::standardNormal, eps::standardNormal);
        return eps;
    }

    private static void checkRows(String what, long rows) {
        if (rows < 0) {
            throw new IllegalArgumentException(what + " must be >= 0, found " + rows);
        }
    }

    private long writeRows(Path file, long rows, DoubleSupplier inputs, DoubleSupplier noise) {
        int d = config.dimension();
        double[] x = new double[d];
        StringBuilder sb = new StringBuilder(d * 12);
        try (CsvWriter w = new CsvWriter(file)) {
            w.line(String.join(",", columns()));
            for (long n = 0; n < rows; n++) {
                sb.setLength(0);
                for (int i = 0; i < d; i++) {
                    x[i] = (float) inputs.getAsDouble(); // the file holds floats: the truth is computed on what is written
                    sb.append((float) x[i]).append(',');
                }
                double e1 = config.noiseStd() * noise.getAsDouble();
                double e2 = config.noiseStd() * noise.getAsDouble();
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
