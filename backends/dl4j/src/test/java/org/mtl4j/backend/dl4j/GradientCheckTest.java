package org.mtl4j.backend.dl4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mtl4j.api.backend.TrainingStep;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.LossKind;
import org.mtl4j.api.spec.TaskKind;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.backend.dl4j.internal.model.Dl4jModel;
import org.mtl4j.backend.dl4j.internal.nn.Mat;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Finite-difference checks of the hand-derived backward passes, for every topology with every head
 * (sigmoid/BCE, ESMM product, softmax/CE, Huber), every encoder kind (dense, categorical, multi-hot;
 * a Transformer over an id sequence, a conv branch over an image, bag-of-words and token-sequence text,
 * all inside full models) and masked labels. In float32
 * we compare directional derivatives along random unit directions (central differences, step 3e-3:
 * truncation error O(1e-5), rounding about 1e-7 x loss / step) and single coordinates of the
 * largest gradients; tolerance 2% relative + 2e-4 + 1e-3 x |gradient| absolute (a unit direction's
 * derivative is at most |gradient|; the last term covers float32 rounding on large losses).
 */
class GradientCheckTest {
    private static final double EPS = Double.parseDouble(System.getProperty("fd.eps", "3e-3"));

    static Stream<Arguments> topologies() {
        return Fixtures.topologies().stream().map(Arguments::of);
    }

    private static double loss(Dl4jModel m, Batch b, double[] w) {
        return Fixtures.weighted(m.losses(b).losses(), w);
    }

    @ParameterizedTest
    @MethodSource("topologies")
    void backwardMatchesFiniteDifferences(Topology topology) {
        check(Fixtures.spec(topology, Fixtures.mixedTasks(), OptimizerSpec.adam(1e-3)), new double[] {1.0, 0.7, 0.5, 1.3});
    }

    /**
     * The gate mixture sums up to four experts per pass over a row (then one by one): 1, 4, 6 and 9
     * experts cover every path, and a PLE level whose gates see 3 + 2 experts.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 4, 6, 9})
    void gateMixtureOfAnyNumberOfExperts(int experts) {
        check(Fixtures.spec(new Topology.Mmoe(experts, List.of(5), List.of()), Fixtures.mixedTasks(), OptimizerSpec.adam(1e-3)),
                new double[] {1.0, 0.7, 0.5, 1.3});
    }

    /**
     * Every other encoder kind inside a full model, next to dense, categorical and multi-hot inputs:
     * an id sequence through a Transformer (shared item table), a conv branch over an image, a
     * bag-of-words text and a token-sequence text (its own Transformer), fused below each topology.
     */
    @ParameterizedTest
    @MethodSource("topologies")
    void sequenceImageAndTextEncodersInsideFullModels(Topology topology) {
        ModelSpec rich = Fixtures.spec(Fixtures.richInputs(), topology, Fixtures.mixedTasks(), OptimizerSpec.adam(1e-3));
        List<String> names = List.copyOf(((Dl4jModel) Fixtures.compile(rich)).parameterTensors().keySet());
        for (String encoder : List.of("sequence:history", "image:img", "embedding:title", "text:body")) {
            assertThat(names).as("parameters of %s", encoder).anyMatch(n -> n.startsWith(encoder));
        }
        check(Fixtures.spec(Fixtures.richInputs(), topology, Fixtures.mixedTasks(), OptimizerSpec.adam(1e-3)),
                new double[] {0.8, 1.1, 0.6, 1.2}, true);
    }

    /** MSE regression and a chain of three binary tasks (ESMM applied twice). */
    @ParameterizedTest
    @MethodSource("topologies")
    void mseAndLongChains(Topology topology) {
        List<TaskSpec> tasks = List.of(Fixtures.task("ctr", TaskKind.BINARY, 1, null, null, List.of(3)),
                Fixtures.task("ctcvr", TaskKind.BINARY, 1, null, "ctr", List.of(3)),
                Fixtures.task("repeat", TaskKind.BINARY, 1, null, "ctcvr", List.of()),
                Fixtures.task("value", TaskKind.REGRESSION, 1, LossKind.MSE, null, List.of(4)));
        check(Fixtures.spec(topology, tasks, OptimizerSpec.adam(1e-3)), new double[] {0.6, 1.2, 0.8, 0.9});
    }

    private void check(ModelSpec spec, double[] w) {
        check(spec, w, false);
    }

    /**
     * @param spreadTransformers replace the Transformers' parameters and token tables by uniform(-1, 1)
     *     values (as {@code GradCheck.randomise} does for the encoder's own check): at the default
     *     initialisation the layer norms see variances of ~1e-3, where the loss curves too fast for a
     *     float32 central difference
     */
    static void check(ModelSpec spec, double[] w, boolean spreadTransformers) {
        check(spec, w, spreadTransformers, null);
    }

    /**
     * @param onlyPrefix when not null, the directions and coordinates probed are those of the parameter
     *     blocks whose name starts with it (the rest of the model is checked by the other tests)
     */
    static void check(ModelSpec spec, double[] w, boolean spreadTransformers, String onlyPrefix) {
        Topology topology = spec.topology();
        Dl4jModel model = (Dl4jModel) Fixtures.compile(spec);
        Batch batch = Fixtures.batch(spec, 24, 11, 3);
        if (spreadTransformers) {
            Random spread = new Random(5);
            // through the parameter tensors (views of the values): a table's parameter block covers only touched rows
            for (java.util.Map.Entry<String, INDArray> tensor : model.parameterTensors().entrySet()) {
                String name = tensor.getKey();
                // (under independent and grouped topologies the names carry "@<owner>")
                String table = name.contains("@") ? name.substring(0, name.indexOf('@')) : name;
                if (name.startsWith("sequence:") || name.startsWith("text:body") || table.equals("embedding:items")
                        || table.equals("embedding:body")) {
                    INDArray values = tensor.getValue();
                    float[] v = new float[(int) values.length()];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = (float) (spread.nextDouble() * 2 - 1);
                    }
                    values.assign(org.nd4j.linalg.factory.Nd4j.createFromArray(v).reshape(values.shape()));
                }
            }
        }
        // Finite differences need pre-activations away from the ReLU kinks: the default fan-in
        // uniform init is small enough that float32 probes often straddle one, so the check runs on
        // weights scaled up to He-like magnitude (the gradient code does not depend on the values).
        for (org.mtl4j.api.backend.ParameterBlock block : model.step(batch).parameterBlocks()) {
            if (block.name().endsWith(".W")) {
                block.values().scale(2.5);
            }
        }
        // a few Adam steps first: zero-initialised biases put ReLU units of all-zero rows exactly
        // on their kink, where finite differences see half a slope
        for (int i = 0; i < 3; i++) {
            model.step(Fixtures.batch(spec, 24, 100 + i, 3)).backward(w);
            model.applyUpdate();
        }
        TrainingStep step = model.step(batch);
        step.backward(w);
        INDArray params = model.parameters();
        int n = (int) params.length();
        float[] g = Mat.of(model.gradients()).get(new float[n]);
        float[] p0 = Mat.of(params).get(new float[n]);
        boolean[] probe = new boolean[n];
        int from = 0;
        for (org.mtl4j.api.backend.ParameterBlock block : step.parameterBlocks()) {
            int len = (int) block.values().length();
            for (int i = from; i < from + len && i < n; i++) {
                probe[i] = onlyPrefix == null || block.name().startsWith(onlyPrefix);
            }
            from += len;
        }
        double gnorm = norm(g);
        assertThat(gnorm).isGreaterThan(1e-3);
        Random rng = new Random(3);
        for (int trial = 0; trial < 4; trial++) {
            float[] d = new float[n];
            double nn = 0;
            for (int i = 0; i < n; i++) {
                d[i] = probe[i] ? (float) rng.nextGaussian() : 0f;
                nn += d[i] * d[i];
            }
            double analytic = 0;
            for (int i = 0; i < n; i++) {
                d[i] /= (float) Math.sqrt(nn);
                analytic += g[i] * d[i];
            }
            double numeric = directional(model, batch, w, p0, d, EPS);
            assertThat(numeric).as("%s direction %d", topology.id(), trial).isCloseTo(analytic,
                    org.assertj.core.data.Offset.offset(0.02 * Math.abs(analytic) + 2e-4 + 1e-3 * gnorm));
        }
        // the 5 largest single coordinates
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        java.util.Arrays.sort(idx, (a, b) -> Float.compare(probe[b] ? Math.abs(g[b]) : -1f, probe[a] ? Math.abs(g[a]) : -1f));
        for (int j = 0; j < 5; j++) {
            float[] d = new float[n];
            d[idx[j]] = 1f;
            double numeric = directional(model, batch, w, p0, d, EPS);
            assertThat(numeric).as("%s coordinate %d (%s)", topology.id(), idx[j], nameOf(step, idx[j])).isCloseTo(g[idx[j]],
                    org.assertj.core.data.Offset.offset(0.02 * Math.abs(g[idx[j]]) + 2e-4 + 1e-3 * gnorm));
        }
    }

    private static double directional(Dl4jModel model, Batch batch, double[] w, float[] p0, float[] d, double eps) {
        int n = p0.length;
        float[] p = new float[n];
        Mat pm = Mat.of(model.parameters());
        for (int i = 0; i < n; i++) {
            p[i] = (float) (p0[i] + eps * d[i]);
        }
        pm.put(p);
        double plus = loss(model, batch, w);
        for (int i = 0; i < n; i++) {
            p[i] = (float) (p0[i] - eps * d[i]);
        }
        pm.put(p);
        double minus = loss(model, batch, w);
        pm.put(p0);
        return (plus - minus) / (2 * eps);
    }

    /** The parameter block holding flat coordinate {@code i} (blocks lie in buffer order). */
    private static String nameOf(TrainingStep step, int i) {
        int from = 0;
        for (org.mtl4j.api.backend.ParameterBlock b : step.parameterBlocks()) {
            if (i < from + b.values().length()) {
                return b.name() + "[" + (i - from) + "]";
            }
            from += b.values().length();
        }
        return "?";
    }

    private static double norm(float[] g) {
        double s = 0;
        for (float x : g) {
            s += x * x;
        }
        return Math.sqrt(s);
    }
}
