package org.mtl4j.training;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.mtl4j.api.backend.GradientVector;
import org.mtl4j.api.balance.AggregationContext;
import org.mtl4j.api.balance.ClipReport;
import org.mtl4j.api.balance.Clipper;
import org.mtl4j.api.balance.ClippingContext;
import org.mtl4j.api.balance.GradientAggregator;
import org.mtl4j.api.balance.LossWeighting;
import org.mtl4j.api.balance.PlainState;
import org.mtl4j.api.balance.WeightingContext;
import org.mtl4j.api.spec.DenseInput;
import org.mtl4j.api.spec.EarlyStopping;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.api.spec.TrainingSpec;
import org.mtl4j.tasks.TaskKinds;
import org.mtl4j.training.testmodel.ArrayDataset;

/** Specs, data with known truth, and small balancers for the trainer tests. */
final class Fixtures {
    private Fixtures() {
    }

    static ModelSpec spec(int dim, int hidden, List<TaskSpec> tasks, OptimizerSpec opt, TrainingSpec training) {
        List<String> cols = new java.util.ArrayList<>();
        for (int j = 0; j < dim; j++) {
            cols.add("x" + j);
        }
        return new ModelSpec("test", List.of(new DenseInput("x", cols, false)), tasks,
                new Topology.SharedBottom(List.of(hidden)), null, null, null, opt, training, "linear-test");
    }

    static TrainingSpec training(int epochs, int batch, long seed, EarlyStopping es, int diagnosticsEvery) {
        return new TrainingSpec(epochs, batch, seed, 0.0, es, diagnosticsEvery, 1000);
    }

    /**
     * n rows of dim N(0,1) features; "click" ~ Bernoulli(sigmoid(a.x)) with its true probability in the
     * extra "p_true"; "value" = b.x + N(0, noise^2); "user" = row % users.
     */
    static ArrayDataset twoTasks(int n, int dim, double noise, long seed) {
        return twoTasks(n, dim, noise, seed, 1.0);
    }

    /** As {@link #twoTasks(int, int, double, long)} with "value" multiplied by {@code valueScale}. */
    static ArrayDataset twoTasks(int n, int dim, double noise, long seed, double valueScale) {
        Random rnd = new Random(seed);
        Random truth = new Random(1234);
        double[] a = new double[dim];
        double[] b = new double[dim];
        for (int j = 0; j < dim; j++) {
            a[j] = truth.nextGaussian();
            b[j] = truth.nextGaussian();
        }
        float[] x = new float[n * dim];
        float[] click = new float[n];
        float[] value = new float[n];
        float[] p = new float[n];
        float[] user = new float[n];
        for (int r = 0; r < n; r++) {
            double za = 0;
            double zb = 0;
            for (int j = 0; j < dim; j++) {
                float v = (float) rnd.nextGaussian();
                x[r * dim + j] = v;
                za += a[j] * v;
                zb += b[j] * v;
            }
            p[r] = (float) TaskKinds.sigmoid(za);
            click[r] = rnd.nextDouble() < p[r] ? 1 : 0;
            value[r] = (float) (valueScale * (zb + noise * rnd.nextGaussian()));
            user[r] = r % 50;
        }
        return new ArrayDataset("x", dim, x, Map.of("click", click, "value", value), Map.of(),
                Map.of("p_true", p, "user", user));
    }

    static List<TaskSpec> clickAndValue() {
        return List.of(TaskSpec.binary("click", "click"), TaskSpec.regression("value", "value"));
    }

    /** Static weights. */
    static final class FixedWeights implements LossWeighting {
        private final double[] w;

        FixedWeights(double... w) {
            this.w = w;
        }

        @Override
        public double[] weights(WeightingContext ctx) {
            return w.clone();
        }
    }

    /** A stateful weighting whose weights depend on every call so far: w_k = 1 / (1 + 0.1 * sum of past losses_k). */
    static class HistoryWeights implements LossWeighting {
        private double[] sum;
        private int epochsSeen;

        @Override
        public double[] weights(WeightingContext ctx) {
            if (sum == null) {
                sum = new double[ctx.losses().length];
            }
            double[] w = new double[sum.length];
            for (int k = 0; k < w.length; k++) {
                w[k] = (1 + 0.05 * epochsSeen) / (1 + 0.1 * sum[k]);
                sum[k] += ctx.losses()[k];
            }
            return w;
        }

        @Override
        public void onEpochEnd(int epoch, double[] meanLosses) {
            epochsSeen++;
        }

        @Override
        public PlainState saveState() {
            PlainState.Builder b = PlainState.builder().put("epochsSeen", epochsSeen);
            if (sum != null) {
                b.put("sum", sum);
            }
            return b.build();
        }

        @Override
        public void restoreState(PlainState s) {
            epochsSeen = (int) s.getLong("epochsSeen");
            sum = s.has("sum") ? s.getDoubles("sum") : null;
        }
    }

    /** The plain sum of the (already weighted) task gradients. */
    static final class SumAggregator implements GradientAggregator {
        int calls;

        @Override
        public void aggregate(List<GradientVector> taskGradients, GradientVector out, AggregationContext ctx) {
            calls++;
            out.zero();
            for (GradientVector g : taskGradients) {
                out.axpy(1, g);
            }
        }
    }

    /** Scales each task's shared gradient down to at most maxNorm (a TASK_GRADIENTS clipper). */
    static final class PerTaskNormClipper implements Clipper {
        private final double maxNorm;

        PerTaskNormClipper(double maxNorm) {
            this.maxNorm = maxNorm;
        }

        @Override
        public Stage stage() {
            return Stage.TASK_GRADIENTS;
        }

        @Override
        public ClipReport clip(ClippingContext ctx) {
            boolean clipped = false;
            double before = 0;
            for (GradientVector g : ctx.taskGradients()) {
                double n = g.norm();
                before = Math.max(before, n);
                if (n > maxNorm) {
                    g.scale(maxNorm / n);
                    clipped = true;
                }
            }
            return new ClipReport("per-task-norm", clipped, before, Math.min(before, maxNorm), 0);
        }
    }

    /** Scales the whole gradient down to at most maxNorm (a FINAL clipper). */
    static final class GlobalNormClipper implements Clipper {
        private final double maxNorm;

        GlobalNormClipper(double maxNorm) {
            this.maxNorm = maxNorm;
        }

        @Override
        public ClipReport clip(ClippingContext ctx) {
            double n = ctx.gradient().norm();
            if (n <= maxNorm) {
                return ClipReport.none("global-norm", n);
            }
            ctx.gradient().scale(maxNorm / n);
            return new ClipReport("global-norm", true, n, maxNorm, 0);
        }
    }

    static double maxAbsDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    /** The whole dataset as one unshuffled batch. */
    static org.mtl4j.api.data.Batch all(org.mtl4j.api.data.Dataset ds) {
        try (org.mtl4j.api.data.BatchStream s = ds.batches(Integer.MAX_VALUE / 2, false, 0)) {
            return s.next();
        }
    }

    static Map<String, float[]> copy(Map<String, float[]> m) {
        Map<String, float[]> out = new HashMap<>();
        m.forEach((k, v) -> out.put(k, Arrays.copyOf(v, v.length)));
        return out;
    }
}
