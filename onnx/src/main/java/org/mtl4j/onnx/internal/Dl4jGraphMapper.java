package org.mtl4j.onnx.internal;

import ai.onnx.proto.OnnxMl;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.CategoricalInput;
import org.mtl4j.api.spec.DenseInput;
import org.mtl4j.api.spec.ImageInput;
import org.mtl4j.api.spec.InputSpec;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.MultiHotInput;
import org.mtl4j.api.spec.Pooling;
import org.mtl4j.api.spec.SequenceInput;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.TextInput;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.api.spec.TransformerSpec;
import org.mtl4j.api.spec.VectorInput;
import org.mtl4j.backend.dl4j.internal.model.Dl4jModel;
import org.mtl4j.onnx.OnnxExportException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tribuo.util.onnx.ONNXRef;

/**
 * Maps a {@link Dl4jModel} to an ONNX graph that computes exactly what its {@code predict} computes:
 * the same encoders, sharing topology, towers and heads, over the model's own parameter tensors
 * (read by name through {@link Dl4jModel#parameterTensors()}, the backend's per-layer seam).
 *
 * <p>The layer names and formulas mirror the backend's engine ({@code internal.model} and
 * {@code internal.encoders}): dense layers y = act(x W^T + b) with W [out, in]; MMoE (Ma et al.
 * 2018, eq. 5-6) and PLE (Tang et al. 2020, eq. 2-6) with one softmax gate per task over the
 * listed experts; cross-stitch mixing x_k = sum_j alpha_kj h_j (Misra et al. 2016, eq. 1); the
 * post-norm Transformer block (Vaswani et al. 2017) with a key padding mask; conv + ReLU + 2x2
 * max-pool stages; ESMM products p(ctcvr) = p(ctr) x p(cvr) (Ma et al. 2018). Every parameter of
 * the model must be consumed by the graph: one left over means the mapping is out of date, and the
 * export fails naming it instead of writing a graph that silently ignores a layer.
 */
public final class Dl4jGraphMapper {
    private static final float MASK_VALUE = -1e9f;
    private static final double LN_EPS = 1e-5;

    private final Dl4jModel model;
    private final ModelSpec spec;
    private final Map<String, INDArray> params;
    private final Map<String, ONNXRef<?>> initialisers = new HashMap<>();
    private final Set<String> used = new LinkedHashSet<>();
    private final OnnxGraph g = new OnnxGraph();
    private final Map<String, ONNXRef<?>> inputs = new LinkedHashMap<>();
    private ONNXRef<?> zeroL;
    private ONNXRef<?> oovL;
    private ONNXRef<?> zeroF;
    private ONNXRef<?> oneF;

    public Dl4jGraphMapper(Dl4jModel model) {
        this.model = model;
        this.spec = model.spec();
        this.params = model.parameterTensors();
    }

    /** Builds the graph; inputs are named as the spec's inputs, outputs as {@link #outputNames}. */
    public OnnxMl.GraphProto map() {
        for (InputSpec in : spec.inputs()) {
            inputs.put(in.name(), declareInput(in));
        }
        int t = spec.tasks().size();
        ONNXRef<?>[] trunk = trunk();
        ONNXRef<?>[] logits = new ONNXRef<?>[t];
        for (int k = 0; k < t; k++) {
            TaskSpec ts = spec.tasks().get(k);
            logits[k] = mlp("tower@" + ts.name(), trunk[k], ts.tower(), ts.outputWidth(), true);
        }
        OnnxHeads.outputs(g, spec, logits);
        Set<String> unused = new TreeSet<>(params.keySet());
        unused.removeAll(used);
        if (!unused.isEmpty()) {
            throw new OnnxExportException("cannot export model '" + spec.name() + "': parameters " + unused
                    + " of the dl4j model are not mapped to the ONNX graph (the exporter does not know these layers)");
        }
        return g.build(spec.name());
    }

    /** The graph's output names in order: each task, then {@code <task>.conditional} after a chained task. */
    public List<String> outputNames() {
        return g.outputs();
    }

    // ------------------------------------------------------------------ parameters

    private ONNXRef<?> param(String name) {
        ONNXRef<?> r = initialisers.get(name);
        if (r != null) {
            return r;
        }
        INDArray a = params.get(name);
        if (a == null) {
            throw new OnnxExportException("cannot export model '" + spec.name() + "': the dl4j model has no parameter '" + name
                    + "' that its spec implies (has: " + new TreeSet<>(params.keySet()) + ")");
        }
        used.add(name);
        r = g.tensor(safe(name), floats(a), a.shape());
        initialisers.put(name, r);
        return r;
    }

    private float[] value(String name) {
        INDArray a = params.get(name);
        if (a == null) {
            throw new OnnxExportException("cannot export model '" + spec.name() + "': the dl4j model has no parameter '" + name + "'");
        }
        used.add(name);
        return floats(a);
    }

    private static float[] floats(INDArray a) {
        return a.dup('c').data().asFloat();
    }

    private static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9_.@:-]", "_");
    }

    // ------------------------------------------------------------------ shared constants (created on first use: no unused initialisers)

    private ONNXRef<?> zeroL() {
        if (zeroL == null) {
            zeroL = g.scalar("zero_i64", 0L);
        }
        return zeroL;
    }

    private ONNXRef<?> oovL() {
        if (oovL == null) {
            oovL = g.scalar("oov_i64", (long) Vocabulary.OOV);
        }
        return oovL;
    }

    private ONNXRef<?> zeroF() {
        if (zeroF == null) {
            zeroF = g.scalar("zero_f", 0f);
        }
        return zeroF;
    }

    private ONNXRef<?> oneF() {
        if (oneF == null) {
            oneF = g.scalar("one_f", 1f);
        }
        return oneF;
    }

    // ------------------------------------------------------------------ inputs

    private ONNXRef<?> declareInput(InputSpec in) {
        OnnxMl.TensorProto.DataType f = OnnxMl.TensorProto.DataType.FLOAT;
        OnnxMl.TensorProto.DataType l = OnnxMl.TensorProto.DataType.INT64;
        if (in instanceof DenseInput d) {
            return g.input(d.name(), f, -1, d.dimension());
        } else if (in instanceof CategoricalInput c) {
            return g.input(c.name(), l, -1);
        } else if (in instanceof MultiHotInput m) {
            return g.input(m.name(), l, -1, -1);
        } else if (in instanceof SequenceInput s) {
            return g.input(s.name(), l, -1, s.maxLength());
        } else if (in instanceof ImageInput img && img.hasNetwork()) {
            throw new OnnxExportException("cannot export model '" + spec.name() + "': input '" + in.name() + "' is encoded by a "
                    + "DL4J network (" + img.network() + "), which the exporter does not map to ONNX layers; export the "
                    + "network's features as a vector input instead (exportable kinds: dense, categorical, multi-hot, sequence, "
                    + "image without 'network', text without 'pretrained', vector)");
        } else if (in instanceof ImageInput img) {
            return g.input(img.name(), f, -1, img.channels(), img.height(), img.width());
        } else if (in instanceof VectorInput v) {
            return g.input(v.name(), f, -1, v.dimension());
        } else if (in instanceof TextInput t && !t.isPretrained()) {
            return t.encoding() == TextInput.Encoding.SEQUENCE ? g.input(t.name(), l, -1, t.maxTokens()) : g.input(t.name(), l, -1, -1);
        }
        if (in instanceof TextInput t) {
            throw new OnnxExportException("cannot export model '" + spec.name() + "': input '" + in.name() + "' is pretrained "
                    + "text (" + t.pretrained() + "), whose sentence encoder is not part of the model; it has no ONNX mapping "
                    + "(feed its sentence vectors through a vector input instead; exportable kinds: dense, categorical, "
                    + "multi-hot, sequence, image without 'network', text without 'pretrained', vector)");
        }
        throw new OnnxExportException("cannot export model '" + spec.name() + "': input '" + in.name() + "' of kind '" + in.kind()
                + "' has no ONNX mapping (exportable kinds: dense, categorical, multi-hot, sequence, image without "
                + "'network', text without 'pretrained', vector)");
    }

    /** Maps ids outside [0, rows) to the OOV row, as the backend's lookups do. */
    private ONNXRef<?> clampIds(String p, ONNXRef<?> ids, int rows) {
        ONNXRef<?> bad = g.or(p + "_bad", g.less(p + "_neg", ids, zeroL()), g.greaterOrEqual(p + "_big", ids, g.scalar(p + "_rows", (long) rows)));
        return g.where(p + "_ids", bad, oovL(), ids);
    }

    /** A [n, l] mask (1 where the clamped id is not padding) as floats. */
    private ONNXRef<?> notPadding(String p, ONNXRef<?> ids) {
        return g.toFloat(p + "_mask", g.greater(p + "_real", ids, zeroL()));
    }

    /**
     * sum_p w[r, p] x[r, p, :] for weights [n, l] and x [n, l, d] as one batched product, reshaped to [n, d].
     */
    private ONNXRef<?> weightedSum(String p, ONNXRef<?> w, ONNXRef<?> x, int d) {
        ONNXRef<?> prod = g.matmul(p + "_pool", g.unsqueeze(p + "_w3", w, 1), x);
        return g.reshape(p + "_pooled", prod, -1, d);
    }

    /** w / max(rowsum(w), 1): mean weights over the real positions (all-zero rows stay zero). */
    private ONNXRef<?> meanWeights(String p, ONNXRef<?> mask) {
        ONNXRef<?> count = g.reduceSum(p + "_count", mask, 1);
        ONNXRef<?> denom = g.where(p + "_denom", g.greater(p + "_nonempty", count, zeroF()), count, oneF());
        return g.div(p + "_meanw", mask, denom);
    }

    private ONNXRef<?> encoder(InputSpec in, String owner) {
        String suffix = owner == null ? "" : "@" + owner;
        String p = safe(in.name() + suffix);
        ONNXRef<?> x = inputs.get(in.name());
        if (in instanceof DenseInput d) {
            return dense(d, x, p);
        } else if (in instanceof CategoricalInput c) {
            INDArray table = table(c.table(), suffix, in);
            ONNXRef<?> ids = clampIds(p, x, (int) table.size(0));
            return g.gather(p + "_emb", param(tableName(c.table(), suffix)), ids, 0);
        } else if (in instanceof MultiHotInput m) {
            INDArray table = table(m.table(), suffix, in);
            ONNXRef<?> ids = clampIds(p, x, (int) table.size(0));
            ONNXRef<?> rows = g.gather(p + "_rows", param(tableName(m.table(), suffix)), ids, 0);
            ONNXRef<?> mask = notPadding(p, ids);
            ONNXRef<?> w = m.pooling() == Pooling.MEAN ? meanWeights(p, mask) : mask;
            return weightedSum(p, w, rows, m.embeddingDim());
        } else if (in instanceof SequenceInput s) {
            INDArray table = table(s.table(), suffix, in);
            return transformer(p, "sequence:" + s.name() + suffix, x, tableName(s.table(), suffix), (int) table.size(0), s.maxLength(),
                    s.encoder());
        } else if (in instanceof ImageInput img) {
            return conv(p, "image:" + img.name() + suffix, x, img);
        } else if (in instanceof VectorInput v) {
            // as the backend's VectorEncoder: z-scored with the training statistics when whitened, then W z + b
            ONNXRef<?> z = v.adapter().whiten() ? zScore(v.name(), v.dimension(), x, p) : x;
            if (v.adapter().width() == 0) {
                return z;
            }
            String a = "vector:" + v.name() + suffix;
            return g.gemm(p + "_adapter", z, param(a + ".W"), param(a + ".b"));
        } else if (in instanceof TextInput t) {
            INDArray table = table(t.name(), suffix, in);
            if (t.encoding() == TextInput.Encoding.SEQUENCE) {
                return transformer(p, "text:" + t.name() + suffix, x, tableName(t.name(), suffix), (int) table.size(0), t.maxTokens(),
                        t.encoder());
            }
            ONNXRef<?> ids = clampIds(p, x, (int) table.size(0));
            ONNXRef<?> rows = g.gather(p + "_rows", param(tableName(t.name(), suffix)), ids, 0);
            return weightedSum(p, meanWeights(p, notPadding(p, ids)), rows, t.embeddingDim());
        }
        throw new OnnxExportException("cannot export model '" + spec.name() + "': input '" + in.name() + "' of kind '" + in.kind()
                + "' has no ONNX mapping");
    }

    private static String tableName(String table, String suffix) {
        return "embedding:" + table + suffix;
    }

    private INDArray table(String table, String suffix, InputSpec in) {
        INDArray a = params.get(tableName(table, suffix));
        if (a == null) {
            throw new OnnxExportException("cannot export model '" + spec.name() + "': input '" + in.name() + "' has no embedding table '"
                    + tableName(table, suffix) + "' in the dl4j model");
        }
        return a;
    }

    /** (x - mean) * (1 / std) with the backend's float statistics, or x when not standardised. */
    private ONNXRef<?> dense(DenseInput d, ONNXRef<?> x, String p) {
        return d.standardize() ? zScore(d.name(), d.dimension(), x, p) : x;
    }

    /**
     * (x - mean) * (1 / std) in float with the statistics of {@code input} (a standard deviation of zero or
     * less than 1e-12 divides by 1), as the backend's {@code DenseEncoder.zScore}; x when it has none.
     */
    private ONNXRef<?> zScore(String input, int n, ONNXRef<?> x, String p) {
        Dataset.DenseStats stats = model.denseStats().get(input);
        if (stats == null) {
            return x;
        }
        if (stats.mean().length != n || stats.std().length != n) {
            throw new OnnxExportException("cannot export model '" + spec.name() + "': input '" + input + "' has statistics for "
                    + stats.mean().length + " features, expected " + n);
        }
        float[] mean = new float[n];
        float[] inv = new float[n];
        for (int j = 0; j < n; j++) {
            mean[j] = (float) stats.mean()[j];
            double sd = stats.std()[j];
            inv[j] = (float) (sd > 1e-12 && Double.isFinite(sd) ? 1.0 / sd : 1.0);
        }
        ONNXRef<?> centred = g.sub(p + "_centred", x, g.tensor(p + "_mean", mean, n));
        return g.mul(p + "_z", centred, g.tensor(p + "_invstd", inv, n));
    }

    /** Embedding + positions, {@code layers} post-norm blocks with a key padding mask, MEAN or LAST pooling. */
    private ONNXRef<?> transformer(String p, String prefix, ONNXRef<?> raw, String table, int rows, int length, TransformerSpec ts) {
        int w = ts.width();
        int heads = ts.heads();
        int dh = w / heads;
        ONNXRef<?> ids = clampIds(p, raw, rows);
        ONNXRef<?> mask = notPadding(p, ids);
        ONNXRef<?> x0 = g.add(p + "_x0", g.gather(p + "_tok", param(table), ids, 0), param(prefix + ".positions"));
        ONNXRef<?> h = g.reshape(p + "_h0", x0, -1, w);
        // [n, 1, 1, l] mask and additive bias for the [n, heads, l, l] scores
        ONNXRef<?> mask4 = g.reshape(p + "_mask4", mask, -1, 1, 1, length);
        ONNXRef<?> bias4 = g.mul(p + "_bias4", g.sub(p + "_pad4", oneF(), mask4), g.scalar(p + "_maskv", MASK_VALUE));
        ONNXRef<?> scale = g.scalar(p + "_scale", (float) (1.0 / Math.sqrt(dh)));
        for (int i = 0; i < ts.layers(); i++) {
            String b = prefix + ".block" + i;
            String q = p + "_b" + i;
            ONNXRef<?> qkv = g.gemm(q + "_qkv", h, param(b + ".attention.wQkv"), param(b + ".attention.bQkv"));
            ONNXRef<?> qkv5 = g.transpose(q + "_qkvT", g.reshape(q + "_qkv5", qkv, -1, length, 3, heads, dh), 2, 0, 3, 1, 4);
            ONNXRef<?> qh = g.gather(q + "_q", qkv5, g.scalar(q + "_i0", 0L), 0);
            ONNXRef<?> kh = g.gather(q + "_k", qkv5, g.scalar(q + "_i1", 1L), 0);
            ONNXRef<?> vh = g.gather(q + "_v", qkv5, g.scalar(q + "_i2", 2L), 0);
            ONNXRef<?> scores = g.mul(q + "_scaled", g.matmul(q + "_scores", qh, g.transpose(q + "_kT", kh, 0, 1, 3, 2)), scale);
            ONNXRef<?> probs = g.mul(q + "_probs", g.softmax(q + "_softmax", g.add(q + "_masked", scores, bias4)), mask4);
            ONNXRef<?> ctx = g.reshape(q + "_ctx", g.transpose(q + "_ctxT", g.matmul(q + "_heads", probs, vh), 0, 2, 1, 3), -1, w);
            ONNXRef<?> attn = g.gemm(q + "_attn", ctx, param(b + ".attention.wO"), param(b + ".attention.bO"));
            ONNXRef<?> h1 = layerNorm(q + "_ln1", g.add(q + "_z1", attn, h), b + ".norm1");
            ONNXRef<?> f1 = g.relu(q + "_f1", g.gemm(q + "_ff1", h1, param(b + ".ff.w1"), param(b + ".ff.b1")));
            ONNXRef<?> f2 = g.gemm(q + "_ff2", f1, param(b + ".ff.w2"), param(b + ".ff.b2"));
            h = layerNorm(q + "_ln2", g.add(q + "_z2", f2, h1), b + ".norm2");
        }
        ONNXRef<?> weights;
        if (ts.pooling() == TransformerSpec.SequencePooling.MEAN) {
            weights = meanWeights(p, mask);
        } else {
            float[] last = new float[length];
            last[length - 1] = 1f;
            weights = g.mul(p + "_lastw", mask, g.tensor(p + "_last", last, length));
        }
        return weightedSum(p, weights, g.reshape(p + "_h3", h, -1, length, w), w);
    }

    /** gamma (z - mean) / sqrt(var + eps) + beta over the last axis (Ba et al. 2016). */
    private ONNXRef<?> layerNorm(String p, ONNXRef<?> z, String prefix) {
        ONNXRef<?> c = g.sub(p + "_c", z, g.reduceMean(p + "_mean", z, 1));
        ONNXRef<?> var = g.reduceMean(p + "_var", g.mul(p + "_sq", c, c), 1);
        ONNXRef<?> rstd = g.pow(p + "_rstd", g.add(p + "_veps", var, g.scalar(p + "_eps", (float) LN_EPS)), g.scalar(p + "_mhalf", -0.5f));
        ONNXRef<?> xhat = g.mul(p + "_xhat", c, rstd);
        return g.add(p + "_out", g.mul(p + "_scaled", xhat, param(prefix + ".gamma")), param(prefix + ".beta"));
    }

    private ONNXRef<?> conv(String p, String prefix, ONNXRef<?> x, ImageInput img) {
        ONNXRef<?> h = x;
        for (int i = 0; i < img.convChannels().size(); i++) {
            String q = p + "_conv" + i;
            h = g.maxPool2(q + "_pool", g.relu(q + "_relu", g.conv(q, h, param(prefix + ".conv" + i + ".w"), param(prefix + ".conv" + i + ".b"),
                    img.kernel())));
        }
        return g.flatten(p + "_flat", h);
    }

    /** All encoders of the spec concatenated in spec order: the fused input. */
    private ONNXRef<?> fused(String owner) {
        List<ONNXRef<?>> parts = new ArrayList<>();
        for (InputSpec in : spec.inputs()) {
            parts.add(encoder(in, owner));
        }
        return g.concat("fused" + (owner == null ? "" : "@" + safe(owner)), 1, parts);
    }

    // ------------------------------------------------------------------ layers

    /** ReLU layers {@code name.i}, then a linear {@code name.out} of width {@code linearOut} (0: none). */
    private ONNXRef<?> mlp(String name, ONNXRef<?> x, List<Integer> sizes, int linearOut, boolean outBias) {
        ONNXRef<?> h = x;
        for (int i = 0; i < sizes.size(); i++) {
            h = dense(name + "." + i, h, true, true);
        }
        if (linearOut > 0) {
            h = dense(name + ".out", h, false, outBias);
        }
        return h;
    }

    private ONNXRef<?> dense(String name, ONNXRef<?> x, boolean relu, boolean bias) {
        String p = safe(name);
        ONNXRef<?> y = g.gemm(p + "_y", x, param(name + ".W"), bias ? param(name + ".b") : null);
        return relu ? g.relu(p + "_relu", y) : y;
    }

    // ------------------------------------------------------------------ topologies

    private ONNXRef<?>[] trunk() {
        int t = spec.tasks().size();
        ONNXRef<?>[] out = new ONNXRef<?>[t];
        Topology topo = spec.topology();
        if (topo instanceof Topology.Independent ind) {
            for (int k = 0; k < t; k++) {
                String owner = spec.tasks().get(k).name();
                out[k] = mlp("bottom@" + owner, fused(owner), ind.layers(), 0, true);
            }
            return out;
        }
        if (topo instanceof Topology.TaskGroups grouped && grouped.grouped()) {
            // one trunk per group over its own encoders (the dl4j GroupedTrunk): owner <shared:a+b>, or the task alone
            for (List<String> group : grouped.groups()) {
                String owner = group.size() > 1 ? org.mtl4j.backend.dl4j.internal.nn.Param.groupOwner(group) : group.get(0);
                String joined = String.join("+", group);
                ONNXRef<?> gx = fused(owner);
                ONNXRef<?>[] h = new ONNXRef<?>[group.size()];
                if (topo instanceof Topology.Grouped sb) {
                    Arrays.fill(h, mlp("bottom@" + joined, gx, sb.layers(), 0, true));
                } else if (topo instanceof Topology.Mmoe mmoe) {
                    mmoe(gx, mmoe, group, "mmoe@" + joined, h);
                } else {
                    ple(gx, (Topology.Ple) topo, group, "ple@" + joined, h);
                }
                for (int j = 0; j < group.size(); j++) {
                    out[spec.taskNames().indexOf(group.get(j))] = h[j];
                }
            }
            return out;
        }
        ONNXRef<?> x = fused(null);
        if (topo instanceof Topology.SharedBottom sb) {
            Arrays.fill(out, mlp("bottom", x, sb.layers(), 0, true));
        } else if (topo instanceof Topology.Mmoe mmoe) {
            mmoe(x, mmoe, spec.taskNames(), "mmoe", out);
        } else if (topo instanceof Topology.Ple ple) {
            ple(x, ple, spec.taskNames(), "ple", out);
        } else if (topo instanceof Topology.CrossStitch cs) {
            crossStitch(x, cs, out);
        } else {
            throw new OnnxExportException("cannot export model '" + spec.name() + "': topology " + topo + " has no ONNX mapping");
        }
        return out;
    }

    /** A bank of n experts: [n, batch, h] outputs as one [batch, n, h] tensor. */
    private ONNXRef<?> bank(String name, ONNXRef<?> x, int n, List<Integer> sizes) {
        int h0 = sizes.get(0);
        ONNXRef<?> first = dense(name + ".0", x, true, true);
        int h = sizes.get(sizes.size() - 1);
        ONNXRef<?> all = first;
        if (sizes.size() > 1) {
            List<ONNXRef<?>> experts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ONNXRef<?> e = g.columns(safe(name) + "_e" + i, first, (long) i * h0, (long) (i + 1) * h0);
                for (int l = 1; l < sizes.size(); l++) {
                    e = dense(name + "." + l + ".e" + i, e, true, true);
                }
                experts.add(e);
            }
            all = g.concat(safe(name) + "_all", 1, experts);
        }
        return g.reshape(safe(name) + "_3d", all, -1, n, h);
    }

    /** One gate: softmax over its logits segment, then sum_j p_j e_j over the listed experts. */
    private ONNXRef<?> gate(String name, ONNXRef<?> logits, int from, int m, List<ONNXRef<?>> sources, List<long[]> picks, int h) {
        String p = safe(name);
        ONNXRef<?> probs = g.softmax(p + "_p", g.columns(p + "_z", logits, from, from + m));
        List<ONNXRef<?>> parts = new ArrayList<>();
        for (int s = 0; s < sources.size(); s++) {
            parts.add(g.gather(p + "_src" + s, sources.get(s), g.longs(p + "_idx" + s, picks.get(s)), 1));
        }
        ONNXRef<?> experts = g.concat(p + "_experts", 1, parts);
        return weightedSum(p, probs, experts, h);
    }

    private static long[] range(int from, int to) {
        long[] r = new long[to - from];
        for (int i = 0; i < r.length; i++) {
            r[i] = from + i;
        }
        return r;
    }

    /** MMoE over {@code tasks} (every task, or one group's), parameters named {@code prefix.*}; out[k] for tasks[k]. */
    private void mmoe(ONNXRef<?> x, Topology.Mmoe mmoe, List<String> tasks, String prefix, ONNXRef<?>[] out) {
        int e = mmoe.experts();
        int h = mmoe.expertLayers().get(mmoe.expertLayers().size() - 1);
        ONNXRef<?> bank = bank(prefix + ".experts", x, e, mmoe.expertLayers());
        if (mmoe.gateLayers().isEmpty()) {
            ONNXRef<?> logits = mlp(prefix + ".gates", x, List.of(), tasks.size() * e, false);
            for (int k = 0; k < tasks.size(); k++) {
                out[k] = gate(prefix + ".gate." + tasks.get(k), logits, k * e, e, List.of(bank), List.of(range(0, e)), h);
            }
        } else {
            for (int k = 0; k < tasks.size(); k++) {
                ONNXRef<?> logits = mlp(prefix + ".gate@" + tasks.get(k), x, mmoe.gateLayers(), e, true);
                out[k] = gate(prefix + ".gate." + tasks.get(k), logits, 0, e, List.of(bank), List.of(range(0, e)), h);
            }
        }
    }

    /** PLE over {@code tasks} (every task, or one group's), parameters named {@code prefix.l<level>.*}; out[k] for tasks[k]. */
    private void ple(ONNXRef<?> x, Topology.Ple ple, List<String> tasks, String prefix, ONNXRef<?>[] out) {
        int t = tasks.size();
        int te = ple.taskExperts();
        int se = ple.sharedExperts();
        List<Integer> sizes = ple.expertLayers();
        int h = sizes.get(sizes.size() - 1);
        ONNXRef<?>[] taskIn = new ONNXRef<?>[t];
        Arrays.fill(taskIn, x);
        ONNXRef<?> sharedIn = x;
        for (int level = 1; level <= ple.levels(); level++) {
            boolean last = level == ple.levels();
            String p = prefix + ".l" + level;
            ONNXRef<?>[] taskOut = new ONNXRef<?>[t];
            ONNXRef<?> sharedOut = null;
            if (level == 1) {
                int n = t * te + se;
                ONNXRef<?> bank = bank(p + ".experts", x, n, sizes);
                int gates = last ? t : t + 1;
                int width = t * (te + se) + (last ? 0 : n);
                ONNXRef<?> logits = mlp(p + ".gates", x, List.of(), width, false);
                for (int k = 0; k < t; k++) {
                    long[] idx = new long[te + se];
                    System.arraycopy(range(k * te, (k + 1) * te), 0, idx, 0, te);
                    System.arraycopy(range(t * te, t * te + se), 0, idx, te, se);
                    taskOut[k] = gate(p + ".gate." + tasks.get(k), logits, k * (te + se), te + se, List.of(bank), List.of(idx), h);
                }
                if (gates > t) {
                    sharedOut = gate(p + ".gate.shared", logits, t * (te + se), n, List.of(bank), List.of(range(0, n)), h);
                }
            } else {
                ONNXRef<?>[] taskBanks = new ONNXRef<?>[t];
                List<ONNXRef<?>> levelBanks = new ArrayList<>();
                List<long[]> levelPicks = new ArrayList<>();
                for (int k = 0; k < t; k++) {
                    if (te > 0) {
                        taskBanks[k] = bank(p + ".experts@" + tasks.get(k), taskIn[k], te, sizes);
                        levelBanks.add(taskBanks[k]);
                        levelPicks.add(range(0, te));
                    }
                }
                ONNXRef<?> sharedBank = se > 0 ? bank(p + ".experts.shared", sharedIn, se, sizes) : null;
                if (sharedBank != null) {
                    levelBanks.add(sharedBank);
                    levelPicks.add(range(0, se));
                }
                for (int k = 0; k < t; k++) {
                    List<ONNXRef<?>> src = new ArrayList<>();
                    List<long[]> picks = new ArrayList<>();
                    if (taskBanks[k] != null) {
                        src.add(taskBanks[k]);
                        picks.add(range(0, te));
                    }
                    if (sharedBank != null) {
                        src.add(sharedBank);
                        picks.add(range(0, se));
                    }
                    ONNXRef<?> logits = mlp(p + ".gate@" + tasks.get(k), taskIn[k], List.of(), te + se, false);
                    taskOut[k] = gate(p + ".gate." + tasks.get(k), logits, 0, te + se, src, picks, h);
                }
                if (!last) {
                    int n = t * te + se;
                    ONNXRef<?> logits = mlp(p + ".gate.shared", sharedIn, List.of(), n, false);
                    sharedOut = gate(p + ".gate.shared", logits, 0, n, levelBanks, levelPicks, h);
                }
            }
            taskIn = taskOut;
            sharedIn = sharedOut;
        }
        System.arraycopy(taskIn, 0, out, 0, t);
    }

    private void crossStitch(ONNXRef<?> x, Topology.CrossStitch cs, ONNXRef<?>[] out) {
        int t = spec.tasks().size();
        ONNXRef<?>[] prev = new ONNXRef<?>[t];
        Arrays.fill(prev, x);
        for (int l = 0; l < cs.layers().size(); l++) {
            ONNXRef<?>[] h = new ONNXRef<?>[t];
            for (int k = 0; k < t; k++) {
                h[k] = dense("cross-stitch." + l + ".c" + k, prev[k], true, true);
            }
            float[] alpha = value("cross-stitch." + l + ".alpha");
            ONNXRef<?>[] mixed = new ONNXRef<?>[t];
            for (int k = 0; k < t; k++) {
                String p = "cross_stitch_" + l + "_m" + k;
                ONNXRef<?> m = g.mul(p + "_0", h[0], g.scalar(p + "_a0", alpha[k * t]));
                for (int j = 1; j < t; j++) {
                    m = g.add(p + "_s" + j, m, g.mul(p + "_" + j, h[j], g.scalar(p + "_a" + j, alpha[k * t + j])));
                }
                mixed[k] = m;
            }
            prev = mixed;
        }
        System.arraycopy(prev, 0, out, 0, t);
    }

    /** The inputs of the graph in spec order (names). */
    public List<String> inputNames() {
        return Collections.unmodifiableList(new ArrayList<>(inputs.keySet()));
    }
}
