package org.mtl4j.onnx.internal;

import ai.onnx.proto.OnnxMl;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.CategoricalInput;
import org.mtl4j.api.spec.DenseInput;
import org.mtl4j.api.spec.InputSpec;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.MultiHotInput;
import org.mtl4j.api.spec.Pooling;
import org.mtl4j.backend.tribuo.TribuoFmModel;
import org.mtl4j.backend.tribuo.internal.FeatureSpace;
import org.mtl4j.backend.tribuo.internal.FmNetwork;
import org.mtl4j.onnx.OnnxExportException;
import org.tribuo.util.onnx.ONNXRef;

/**
 * Maps the tribuo backend's multi-task factorization machine to ONNX. The feature vector is built
 * densely, x [batch, n]: an id input is a one-hot row over its table's columns (padding inactive), a
 * bag the mean- or sum-weighted one-hot rows of its members (inputs sharing a table add up in the same
 * columns, as the backend merges duplicate features), a dense input its standardised values. Then, for
 * every task t (Rendle, ICDM 2010, eq. 1 with Lemma 3.1, per factor block V of the task: the shared
 * block and the task's own):
 * <pre>
 *   s = x V,   q = 1/2 (s .* s - (x .* x)(V .* V)),   z_t = x W_t + [q_shared, q_t] A_t^T + b_t
 * </pre>
 * and the heads of {@link OnnxHeads}. The backend computes in double, the graph in float.
 */
public final class TribuoGraphMapper {
    private final TribuoFmModel model;
    private final ModelSpec spec;
    private final OnnxGraph g = new OnnxGraph();
    private final List<String> inputs = new ArrayList<>();

    public TribuoGraphMapper(TribuoFmModel model) {
        this.model = model;
        this.spec = model.spec();
    }

    public OnnxMl.GraphProto map() {
        FeatureSpace fs = model.featureSpace();
        FmNetwork net = model.network();
        ONNXRef<?> x = features(fs);
        ONNXRef<?> x2 = g.mul("x_sq", x, x);
        int t = spec.tasks().size();
        Map<String, double[][]> blocks = new LinkedHashMap<>();
        List<double[][]> rows = net.parameterRows();
        for (int i = 0; i < net.blockCount(); i++) {
            blocks.put(net.owner(i) + "/" + net.blockName(i).substring(0, net.blockName(i).indexOf(':')), rows.get(i));
        }
        ONNXRef<?> qShared = net.sharedWidth() > 0 ? interactions("shared", x, x2, block(blocks, -1, "factors")) : null;
        ONNXRef<?>[] logits = new ONNXRef<?>[t];
        for (int k = 0; k < t; k++) {
            String p = "task" + k;
            List<ONNXRef<?>> q = new ArrayList<>();
            if (qShared != null) {
                q.add(qShared);
            }
            if (net.taskWidth() > 0) {
                q.add(interactions(p, x, x2, block(blocks, k, "factors")));
            }
            ONNXRef<?> linear = g.matmul(p + "_linear", x, matrix(p + "_W", block(blocks, k, "linear")));
            double[][] bias = block(blocks, k, "bias");
            ONNXRef<?> pairwise = g.gemm(p + "_pairs", g.concat(p + "_q", 1, q), matrix(p + "_A", block(blocks, k, "head")),
                    g.tensor(p + "_b", floats(bias[0]), bias[0].length));
            logits[k] = g.add(p + "_z", linear, pairwise);
        }
        OnnxHeads.outputs(g, spec, logits);
        return g.build(spec.name());
    }

    public List<String> inputNames() {
        return List.copyOf(inputs);
    }

    public List<String> outputNames() {
        return g.outputs();
    }

    private double[][] block(Map<String, double[][]> blocks, int owner, String kind) {
        double[][] b = blocks.get(owner + "/" + kind);
        if (b == null) {
            throw new OnnxExportException("cannot export model '" + spec.name() + "': the tribuo FM has no '" + kind + "' block for "
                    + (owner < 0 ? "the shared factors" : "task '" + spec.tasks().get(owner).name() + "'") + " (blocks: " + blocks.keySet() + ")");
        }
        return b;
    }

    /** q = 1/2 (s .* s - (x .* x)(V .* V)) with s = x V. */
    private ONNXRef<?> interactions(String p, ONNXRef<?> x, ONNXRef<?> x2, double[][] v) {
        int n = v.length;
        int k = v[0].length;
        float[] vf = new float[n * k];
        float[] v2 = new float[n * k];
        for (int i = 0; i < n; i++) {
            for (int f = 0; f < k; f++) {
                vf[i * k + f] = (float) v[i][f];
                v2[i * k + f] = (float) (v[i][f] * v[i][f]);
            }
        }
        ONNXRef<?> s = g.matmul(p + "_s", x, g.tensor(p + "_V", vf, n, k));
        ONNXRef<?> sq = g.matmul(p + "_sq", x2, g.tensor(p + "_V2", v2, n, k));
        return g.mul(p + "_q", g.sub(p + "_diff", g.mul(p + "_ss", s, s), sq), g.scalar(p + "_half", 0.5f));
    }

    private ONNXRef<?> matrix(String name, double[][] m) {
        int r = m.length;
        int c = m[0].length;
        float[] f = new float[r * c];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                f[i * c + j] = (float) m[i][j];
            }
        }
        return g.tensor(name, f, r, c);
    }

    private static float[] floats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    /** The dense feature vector [batch, n], regions in offset order. */
    private ONNXRef<?> features(FeatureSpace fs) {
        ONNXRef<?> zeroL = g.scalar("zero_i64", 0L);
        ONNXRef<?> oovL = g.scalar("oov_i64", (long) Vocabulary.OOV);
        Map<Integer, ONNXRef<?>> regions = new TreeMap<>();
        Map<Integer, Integer> widths = new TreeMap<>();
        for (FeatureSpace.Block b : fs.blocks()) {
            InputSpec in = b.input();
            String p = in.name().replaceAll("[^A-Za-z0-9_.@:-]", "_");
            ONNXRef<?> part;
            if (in instanceof DenseInput d) {
                ONNXRef<?> raw = g.input(d.name(), OnnxMl.TensorProto.DataType.FLOAT, -1, d.dimension());
                part = g.div(p + "_z", g.sub(p + "_c", raw, g.tensor(p + "_mean", floats(b.mean()), b.width())),
                        g.tensor(p + "_std", floats(b.std()), b.width()));
            } else if (in instanceof CategoricalInput c) {
                ONNXRef<?> raw = g.input(c.name(), OnnxMl.TensorProto.DataType.INT64, -1);
                ONNXRef<?> ids = clamp(p, raw, b.width(), zeroL, oovL);
                ONNXRef<?> active = g.toFloat(p + "_active", g.greater(p + "_real", ids, zeroL));
                part = g.mul(p + "_x", g.oneHot(p + "_onehot", ids, b.width()), g.unsqueeze(p + "_active2", active, 1));
            } else if (in instanceof MultiHotInput m) {
                ONNXRef<?> raw = g.input(m.name(), OnnxMl.TensorProto.DataType.INT64, -1, -1);
                ONNXRef<?> ids = clamp(p, raw, b.width(), zeroL, oovL);
                ONNXRef<?> mask = g.toFloat(p + "_mask", g.greater(p + "_real", ids, zeroL));
                ONNXRef<?> w = mask;
                if (m.pooling() == Pooling.MEAN) {
                    ONNXRef<?> count = g.reduceSum(p + "_count", mask, 1);
                    ONNXRef<?> denom = g.where(p + "_denom", g.greater(p + "_nonempty", count, g.scalar(p + "_zf", 0f)), count,
                            g.scalar(p + "_one", 1f));
                    w = g.div(p + "_w", mask, denom);
                }
                ONNXRef<?> prod = g.matmul(p + "_bag", g.unsqueeze(p + "_w3", w, 1), g.oneHot(p + "_onehot", ids, b.width()));
                part = g.reshape(p + "_x", prod, -1, b.width());
            } else {
                throw new OnnxExportException("cannot export model '" + spec.name() + "': input '" + in.name() + "' of kind '" + in.kind()
                        + "' has no ONNX mapping in the tribuo backend's export (exportable kinds: dense, categorical, multi-hot)");
            }
            inputs.add(in.name());
            ONNXRef<?> prev = regions.get(b.offset());
            regions.put(b.offset(), prev == null ? part : g.add(p + "_shared", prev, part));
            widths.put(b.offset(), b.width());
        }
        int next = 0;
        for (Map.Entry<Integer, Integer> e : widths.entrySet()) {
            if (e.getKey() != next) {
                throw new OnnxExportException("cannot export model '" + spec.name() + "': the tribuo feature space has a gap at column "
                        + next + " (next block starts at " + e.getKey() + ")");
            }
            next += e.getValue();
        }
        if (next != fs.size()) {
            throw new OnnxExportException("cannot export model '" + spec.name() + "': the tribuo feature space has " + fs.size()
                    + " columns, its blocks cover " + next);
        }
        return g.concat("x", 1, new ArrayList<>(regions.values()));
    }

    private ONNXRef<?> clamp(String p, ONNXRef<?> ids, int rows, ONNXRef<?> zeroL, ONNXRef<?> oovL) {
        ONNXRef<?> bad = g.or(p + "_bad", g.less(p + "_neg", ids, zeroL), g.greaterOrEqual(p + "_big", ids, g.scalar(p + "_rows", (long) rows)));
        return g.where(p + "_ids", bad, oovL, ids);
    }
}
