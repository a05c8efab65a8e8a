package org.mtl4j.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.Checks;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.BatchStream;
import org.mtl4j.api.metric.Evaluation;
import org.mtl4j.api.spec.CategoricalInput;
import org.mtl4j.api.spec.DenseInput;
import org.mtl4j.api.spec.InputSpec;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.api.spec.TrainingSpec;
import org.mtl4j.data.internal.OracleMetrics;
import org.mtl4j.data.internal.CsvWriter;
import org.mtl4j.data.internal.Rng;
import org.mtl4j.data.internal.ZipfSampler;

/**
 * Impressions from three recommendation scenarios of one platform, the source article's item,
 * ad and content recommendation, with known click probabilities. Each row belongs to one scenario
 * (column {@code scenario}: {@code item}, {@code ad} or {@code content}, drawn with
 * {@code scenarioShares} [0.5, 0.3, 0.2]) and carries a click label only in that scenario's column
 * ({@code click_item}, {@code click_ad}, {@code click_content}; the others are empty, so a
 * multi-task model sees masked labels), plus its true probability {@code p_click}.
 *
 * <p>Recipe (world from {@code seed}, rows from the row seed): users and items with Zipf-like
 * popularity (exponent 0.8), latent vectors ~ N(0, I/k) shared by every scenario (a_u, b_i) and
 * one pair per scenario (a^s_u, b^s_i), user and item biases ~ N(0, 0.5^2), per-scenario dense
 * weights w_s ~ N(0, 0.3^2) over {@code denseFeatures} features x ~ N(0, I):
 * <pre>
 *   z_s = b_s + ub[u] + ib[i] + 2 (share &lt;a_u, b_i&gt; + sqrt(1 - share^2) &lt;a^s_u, b^s_i&gt;) + w_s.x
 *   click ~ Bernoulli(sigmoid(z_s))
 * </pre>
 * with {@code share} [0.6] the part of the taste common to all scenarios, and intercepts b_s
 * solved by bisection (on impressions drawn from the world seed) so that scenario s has mean click
 * probability {@code targetCtr[s]} [0.10, 0.03, 0.06].
 */
public final class MultiScenarioGenerator {
    public static final List<String> SCENARIOS = List.of("item", "ad", "content");

    /** Parameters of the recipe. */
    public record Config(long seed, int users, int items, int denseFeatures, int latentDim, double share,
            List<Double> scenarioShares, List<Double> targetCtr, int calibrationRows) {
        public static final Config DEFAULT = new Config(7L, 3000, 1500, 4, 8, 0.6, List.of(0.5, 0.3, 0.2),
                List.of(0.10, 0.03, 0.06), 100_000);

        public Config {
            Checks.positive("multi-scenario users", users);
            Checks.positive("multi-scenario items", items);
            Checks.nonNegative("multi-scenario denseFeatures", denseFeatures);
            Checks.positive("multi-scenario latentDim", latentDim);
            Checks.inRange("multi-scenario share", share, 0, 1);
            scenarioShares = List.copyOf(scenarioShares);
            targetCtr = List.copyOf(targetCtr);
            if (scenarioShares.size() != 3 || targetCtr.size() != 3) {
                throw new IllegalArgumentException("multi-scenario needs 3 scenarioShares and 3 targetCtr, found "
                        + scenarioShares + " and " + targetCtr);
            }
            for (double c : targetCtr) {
                Checks.inRange("multi-scenario targetCtr", c, 1e-6, 1 - 1e-6);
            }
            for (double s : scenarioShares) {
                Checks.nonNegative("multi-scenario scenarioShares", s);
            }
            Checks.positive("multi-scenario calibrationRows", calibrationRows);
        }

        public Config withSeed(long s) {
            return new Config(s, users, items, denseFeatures, latentDim, share, scenarioShares, targetCtr, calibrationRows);
        }
    }

    private final Config config;
    private final ZipfSampler userSampler;
    private final ZipfSampler itemSampler;
    private final double[][] a;
    private final double[][] b;
    private final double[][][] as;
    private final double[][][] bs;
    private final double[] ub;
    private final double[] ib;
    private final double[][] w;
    private final double[] intercept = new double[3];
    private final double[] scenarioCdf = new double[3];

    public MultiScenarioGenerator() {
        this(Config.DEFAULT);
    }

    public MultiScenarioGenerator(Config config) {
        this.config = Checks.notNull("multi-scenario config", config);
        Rng r = new Rng(config.seed());
        userSampler = new ZipfSampler(r.permutation(config.users()), 0.8);
        itemSampler = new ZipfSampler(r.permutation(config.items()), 0.8);
        double std = 1 / Math.sqrt(config.latentDim());
        a = gauss(r, config.users(), config.latentDim(), std);
        b = gauss(r, config.items(), config.latentDim(), std);
        as = new double[3][][];
        bs = new double[3][][];
        for (int s = 0; s < 3; s++) {
            as[s] = gauss(r, config.users(), config.latentDim(), std);
            bs[s] = gauss(r, config.items(), config.latentDim(), std);
        }
        ub = gauss(r, 1, config.users(), 0.5)[0];
        ib = gauss(r, 1, config.items(), 0.5)[0];
        w = gauss(r, 3, config.denseFeatures(), 0.3);
        double total = 0;
        for (double s : config.scenarioShares()) {
            total += s;
        }
        if (!(total > 0)) {
            throw new IllegalArgumentException("multi-scenario scenarioShares must not all be 0, found "
                    + config.scenarioShares());
        }
        double acc = 0;
        for (int s = 0; s < 3; s++) {
            acc += config.scenarioShares().get(s) / total;
            scenarioCdf[s] = acc;
        }
        scenarioCdf[2] = 1.0;
        Rng cal = new Rng(Rng.derive(config.seed(), 1));
        for (int s = 0; s < 3; s++) {
            double[] z = new double[config.calibrationRows()];
            float[] x = new float[config.denseFeatures()];
            for (int n = 0; n < z.length; n++) {
                int u = userSampler.sample(cal);
                int i = itemSampler.sample(cal);
                for (int j = 0; j < x.length; j++) {
                    x[j] = (float) cal.gaussian();
                }
                z[n] = logit(s, u, i, x);
            }
            intercept[s] = FunnelGenerator.bisect(z, null, config.targetCtr().get(s));
        }
    }

    private static double[][] gauss(Rng r, int rows, int cols, double std) {
        double[][] m = new double[rows][cols];
        for (double[] row : m) {
            for (int j = 0; j < cols; j++) {
                row[j] = r.gaussian(std);
            }
        }
        return m;
    }

    private double logit(int s, int u, int i, float[] x) {
        double common = 0;
        double own = 0;
        for (int k = 0; k < config.latentDim(); k++) {
            common += a[u][k] * b[i][k];
            own += as[s][u][k] * bs[s][i][k];
        }
        double share = config.share();
        double z = ub[u] + ib[i] + 2 * (share * common + Math.sqrt(1 - share * share) * own);
        for (int j = 0; j < x.length; j++) {
            z += w[s][j] * x[j];
        }
        return z;
    }

    public Config config() {
        return config;
    }

    /** The true click probability of user u on item i in scenario s (index into {@link #SCENARIOS}). */
    public double pClick(int scenario, int user, int item, float[] dense) {
        return FunnelGenerator.sigmoid(logit(scenario, user, item, dense) + intercept[scenario]);
    }

    public List<String> columns() {
        List<String> c = new ArrayList<>(List.of("user_id", "item_id", "scenario"));
        for (int j = 0; j < config.denseFeatures(); j++) {
            c.add("d" + j);
        }
        for (String s : SCENARIOS) {
            c.add("click_" + s);
        }
        c.add("p_click");
        return c;
    }

    /** Writes {@code rows} impressions drawn with {@code rowSeed}, atomically; returns the row count. */
    public long writeCsv(Path file, long rows, long rowSeed) {
        Rng r = new Rng(rowSeed);
        float[] x = new float[config.denseFeatures()];
        StringBuilder sb = new StringBuilder(160);
        try (CsvWriter out = new CsvWriter(file)) {
            out.line(String.join(",", columns()));
            for (long n = 0; n < rows; n++) {
                double v = r.uniform();
                int s = v < scenarioCdf[0] ? 0 : v < scenarioCdf[1] ? 1 : 2;
                int u = userSampler.sample(r);
                int i = itemSampler.sample(r);
                for (int j = 0; j < x.length; j++) {
                    x[j] = (float) r.gaussian();
                }
                double p = pClick(s, u, i, x);
                boolean click = r.uniform() < p;
                sb.setLength(0);
                sb.append(u).append(',').append(i).append(',').append(SCENARIOS.get(s));
                for (float f : x) {
                    sb.append(',').append(f);
                }
                for (int t = 0; t < 3; t++) {
                    sb.append(',');
                    if (t == s) {
                        sb.append(click ? '1' : '0');
                    }
                }
                sb.append(',').append((float) p);
                out.line(sb);
            }
            out.commit();
        }
        return rows;
    }

    /**
     * One binary task per scenario ({@code item}, {@code ad}, {@code content} with labels
     * {@code click_<scenario>}, towers [8]) over user, item and scenario embeddings (8) and the dense
     * features, MMoE with 4 experts of 32 units; Adam 1e-3, batch 256, 2 epochs.
     */
    public ModelSpec spec() {
        List<String> dense = new ArrayList<>();
        for (int j = 0; j < config.denseFeatures(); j++) {
            dense.add("d" + j);
        }
        List<InputSpec> inputs = new ArrayList<>(List.of(new CategoricalInput("user", "user_id", 8, null, null),
                new CategoricalInput("item", "item_id", 8, null, null),
                new CategoricalInput("scenario", "scenario", 8, null, null)));
        if (!dense.isEmpty()) {
            inputs.add(new DenseInput("dense", dense, true));
        }
        List<TaskSpec> tasks = new ArrayList<>();
        for (String s : SCENARIOS) {
            tasks.add(TaskSpec.binary(s, "click_" + s));
        }
        return new ModelSpec("multi-scenario", inputs, tasks, new Topology.Mmoe(4, List.of(32), List.of()), null, null,
                null, OptimizerSpec.adam(1e-3), new TrainingSpec(2, 256, 42L, 0.0, null, 50, 100_000), "dl4j");
    }

    /** AUC and log loss of the true p_click per scenario task, each on its own scenario's rows. */
    public static Evaluation oracle(Path csv) {
        List<TaskSpec> tasks = new ArrayList<>();
        for (String s : SCENARIOS) {
            tasks.add(TaskSpec.binary(s, "click_" + s));
        }
        ModelSpec spec = new ModelSpec("multi-scenario-oracle", List.of(), tasks, new Topology.SharedBottom(List.of(1)),
                null, null, null, null, null, null);
        CsvDataset ds = CsvDataset.builder(csv, spec).extras("p_click").build();
        Map<String, float[]> y = new LinkedHashMap<>();
        Map<String, float[]> p = new LinkedHashMap<>();
        Map<String, Integer> n = new LinkedHashMap<>();
        for (String s : SCENARIOS) {
            y.put(s, new float[(int) ds.size()]);
            p.put(s, new float[(int) ds.size()]);
            n.put(s, 0);
        }
        try (BatchStream st = ds.batches(8192, false, 0)) {
            while (st.hasNext()) {
                Batch bt = st.next();
                float[] pc = bt.extras().get("p_click");
                for (String s : SCENARIOS) {
                    float[] m = bt.mask(s);
                    float[] l = bt.labels(s);
                    int at = n.get(s);
                    for (int r = 0; r < bt.size(); r++) {
                        if (m[r] > 0) {
                            y.get(s)[at] = l[r];
                            p.get(s)[at] = pc[r];
                            at++;
                        }
                    }
                    n.put(s, at);
                }
            }
        }
        Map<String, Map<String, Double>> metrics = new LinkedHashMap<>();
        Map<String, Double> losses = new LinkedHashMap<>();
        Map<String, Long> rows = new LinkedHashMap<>();
        for (String s : SCENARIOS) {
            Map<String, Double> m = OracleMetrics.binary(y.get(s), p.get(s), n.get(s));
            metrics.put(s, m);
            losses.put(s, m.get("logloss"));
            rows.put(s, (long) n.get(s));
        }
        return new Evaluation(metrics, losses, rows);
    }
}
