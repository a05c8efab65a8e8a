package org.mtl4j.backend.dl4j.internal.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.backend.dl4j.internal.nn.Dense;
import org.mtl4j.backend.dl4j.internal.nn.Mat;
import org.mtl4j.backend.dl4j.internal.nn.Mlp;
import org.mtl4j.backend.dl4j.internal.nn.Param;
import org.mtl4j.backend.dl4j.internal.nn.ParamStore;

/**
 * Mixture-of-experts topologies with softmax gates.
 *
 * <p>MMoE (Ma et al., KDD 2018, eq. 5-6): y_k = h_k(f_k(x)), f_k(x) = sum_i g_k(x)_i f_i(x),
 * g_k(x) = softmax(W_gk x). All experts' first layers are ONE product [B, D] x [D, E*H] and all
 * gates reading the same input are ONE product [B, D] x [D, T*E] (no bias, as in the paper; with
 * gate layers each gate is an MLP before its linear softmax layer).
 *
 * <p>PLE (Tang et al., RecSys 2020, eq. 2-6): per level j, task k's gate mixes its own experts and
 * the shared experts, g^{k,j}(x) = w^{k,j}(g^{k,j-1}(x)) S^{k,j}(x) (eq. 4-5), and below the last
 * level a shared gate mixes every expert of the level to feed the next level's shared experts. Task
 * k's experts at level j read task k's gate output of level j-1; shared experts read the shared
 * gate's. One level is CGC (eq. 2-3).
 *
 * <p>Per group of tasks ({@code mmoe}/{@code ple} with {@code groups}) {@link GroupedTrunk} builds one MoeTrunk per
 * group over that group's own input block, with the group's parameter prefix ({@code mmoe@a+b}, {@code ple@a+b}),
 * owner and gate-name prefix ({@code a+b/}).
 *
 * <p>Gate softmax and the gate-weighted sum of expert outputs are small per-row kernels (B x m
 * weights times B x m x H outputs) done on copies in heap arrays; every product is OpenBLAS.
 */
final class MoeTrunk implements Trunk {

    /** A matrix flowing between blocks, with its gradient accumulator (null: no gradient needed). */
    static final class Node {
        final int width;
        final boolean needsGrad;
        Mat value;
        Mat grad;
        boolean touched;

        Node(int width, boolean needsGrad) {
            this.width = width;
            this.needsGrad = needsGrad;
        }

        void ensureGrad(int rows) {
            if (needsGrad && (grad == null || grad.rows != rows)) {
                grad = Mat.zeros(rows, width);
            }
        }
    }

    /** n experts with the same input and layer sizes; layer 1 of all experts is one fused Dense. */
    static final class Bank {
        final Node input;
        final int n;
        final List<Integer> sizes;
        final Dense first;
        final List<Dense[]> deeper = new ArrayList<>();
        final int h;
        int batch = -1;
        Mat[] ys;
        Mat[] dys;
        Mat[][] yCols;
        Mat[][] dyCols;
        float[] out = new float[0];
        float[] dOut = new float[0];
        boolean touched;

        Bank(ParamStore store, String name, Node input, int n, List<Integer> sizes, boolean lastShared, String owner) {
            this.input = input;
            this.n = n;
            this.sizes = sizes;
            this.first = new Dense(store, name + ".0", input.width, n * sizes.get(0), Dense.Activation.RELU, true, owner,
                    lastShared && sizes.size() == 1);
            for (int l = 1; l < sizes.size(); l++) {
                Dense[] layer = new Dense[n];
                for (int i = 0; i < n; i++) {
                    layer[i] = new Dense(store, name + "." + l + ".e" + i, sizes.get(l - 1), sizes.get(l), Dense.Activation.RELU, true,
                            owner, lastShared && l == sizes.size() - 1);
                }
                deeper.add(layer);
            }
            this.h = sizes.get(sizes.size() - 1);
        }

        private void ensure(int rows) {
            if (rows == batch) {
                return;
            }
            batch = rows;
            int layers = sizes.size();
            ys = new Mat[layers];
            dys = new Mat[layers];
            yCols = new Mat[layers][n];
            dyCols = new Mat[layers][n];
            for (int l = 0; l < layers; l++) {
                int w = sizes.get(l);
                ys[l] = Mat.zeros(rows, n * w);
                dys[l] = Mat.zeros(rows, n * w);
                for (int i = 0; i < n; i++) {
                    yCols[l][i] = ys[l].cols(i * w, (i + 1) * w);
                    dyCols[l][i] = dys[l].cols(i * w, (i + 1) * w);
                }
            }
            out = new float[rows * n * h];
            dOut = new float[rows * n * h];
        }

        void forward() {
            int rows = input.value.rows;
            ensure(rows);
            int top = sizes.size() - 1;
            // the top layer's ReLU runs on the heap copy the gates mix from (its native output keeps the
            // pre-activation: only the backward mask reads it, and y > 0 there either way)
            first.forward(input.value, ys[0], top > 0);
            for (int l = 1; l < sizes.size(); l++) {
                Dense[] layer = deeper.get(l - 1);
                for (int i = 0; i < n; i++) {
                    layer[i].forward(yCols[l - 1][i], yCols[l][i], l < top);
                }
            }
            ys[top].get(out);
            Dense.relu(out, 0, rows * n * h);
            touched = false;
        }

        void backward() {
            if (!touched) {
                return;
            }
            int top = sizes.size() - 1;
            dys[top].put(dOut);
            for (int l = top; l >= 1; l--) {
                Dense[] layer = deeper.get(l - 1);
                for (int i = 0; i < n; i++) {
                    layer[i].backward(dyCols[l][i], dyCols[l - 1][i], false);
                }
            }
            first.backward(dys[0], input.needsGrad ? input.grad : null, true);
            input.touched |= input.needsGrad;
        }
    }

    /** One softmax gate: mixes the listed experts; its logits are a segment of a {@link GateNet}. */
    static final class Gate {
        final String name;
        final Bank[] banks;
        final int[] experts;
        final Node output;
        GateNet net;
        int segment;
        float[] probs = new float[0];
        float[] mixed = new float[0];
        float[] dMixed = new float[0];
        float[] dProbs = new float[0];
        /** Scratch of {@code mix}: each expert's output array and its offset for the current row. */
        final float[][] outs;
        final int[] offset;

        Gate(String name, List<Bank> bankList, List<Integer> expertList, int width, boolean needsGrad) {
            this.name = name;
            this.banks = bankList.toArray(new Bank[0]);
            this.experts = expertList.stream().mapToInt(Integer::intValue).toArray();
            this.output = new Node(width, needsGrad);
            this.outs = new float[experts.length][];
            this.offset = new int[experts.length];
        }

        int size() {
            return experts.length;
        }
    }

    /** The layers that compute the logits of one or more gates reading the same input. */
    static final class GateNet {
        final Node input;
        final List<Gate> gates;
        final Mlp mlp;
        final int width;
        float[] logits = new float[0];
        float[] dLogits = new float[0];
        Mat dLogitsMat;
        boolean touched;

        GateNet(ParamStore store, String name, Node input, List<Gate> gates, List<Integer> hidden, String owner) {
            this.input = input;
            this.gates = gates;
            int w = 0;
            for (Gate g : gates) {
                g.net = this;
                g.segment = w;
                w += g.size();
            }
            this.width = w;
            this.mlp = new Mlp(store, name, input.width, hidden, w, !hidden.isEmpty(), owner, false);
        }
    }

    private final Node input;
    private final InputBlock inputBlock;
    private final List<List<Bank>> banks = new ArrayList<>();
    private final List<List<GateNet>> nets = new ArrayList<>();
    private final List<List<Gate>> gates = new ArrayList<>();
    private final Gate[] taskGates;
    private final int expertWidth;

    /** MMoE over every task. */
    MoeTrunk(ParamStore store, InputBlock inputBlock, Topology.Mmoe mmoe, List<String> tasks) {
        this(store, inputBlock, mmoe, tasks, "mmoe", Param.SHARED, "");
    }

    /**
     * MMoE over {@code tasks}: parameters named {@code prefix.experts}, {@code prefix.gates} (or
     * {@code prefix.gate@task}) and owned by {@code owner}; gates named {@code gatePrefix + task}.
     */
    MoeTrunk(ParamStore store, InputBlock inputBlock, Topology.Mmoe mmoe, List<String> tasks, String prefix, String owner,
            String gatePrefix) {
        this.inputBlock = inputBlock;
        this.input = new Node(inputBlock.width(), inputBlock.trainable());
        this.expertWidth = mmoe.expertLayers().get(mmoe.expertLayers().size() - 1);
        Bank bank = new Bank(store, prefix + ".experts", input, mmoe.experts(), mmoe.expertLayers(), true, owner);
        List<Integer> all = range(mmoe.experts());
        List<Gate> gs = new ArrayList<>();
        for (String t : tasks) {
            gs.add(new Gate(gatePrefix + t, java.util.Collections.nCopies(all.size(), bank), all, expertWidth, true));
        }
        List<GateNet> gn = new ArrayList<>();
        if (mmoe.gateLayers().isEmpty()) {
            gn.add(new GateNet(store, prefix + ".gates", input, gs, List.of(), owner));
        } else {
            for (int k = 0; k < gs.size(); k++) {
                gn.add(new GateNet(store, prefix + ".gate@" + tasks.get(k), input, List.of(gs.get(k)), mmoe.gateLayers(), owner));
            }
        }
        banks.add(List.of(bank));
        nets.add(gn);
        gates.add(gs);
        taskGates = gs.toArray(new Gate[0]);
    }

    /** PLE (CGC with one level) over every task. */
    MoeTrunk(ParamStore store, InputBlock inputBlock, Topology.Ple ple, List<String> tasks) {
        this(store, inputBlock, ple, tasks, "ple", Param.SHARED, "");
    }

    /**
     * PLE over {@code tasks}: parameters named {@code prefix.l<level>...} and owned by {@code owner}; gates named
     * {@code gatePrefix + task@level} and {@code gatePrefix + shared@level}.
     */
    MoeTrunk(ParamStore store, InputBlock inputBlock, Topology.Ple ple, List<String> tasks, String prefix, String owner,
            String gatePrefix) {
        this.inputBlock = inputBlock;
        this.input = new Node(inputBlock.width(), inputBlock.trainable());
        List<Integer> sizes = ple.expertLayers();
        this.expertWidth = sizes.get(sizes.size() - 1);
        int t = tasks.size();
        int te = ple.taskExperts();
        int se = ple.sharedExperts();
        Node[] taskIn = new Node[t];
        java.util.Arrays.fill(taskIn, input);
        Node sharedIn = input;
        Gate[] last = null;
        for (int level = 1; level <= ple.levels(); level++) {
            boolean lastLevel = level == ple.levels();
            String p = prefix + ".l" + level;
            List<Bank> lb = new ArrayList<>();
            List<Gate> lg = new ArrayList<>();
            List<GateNet> ln = new ArrayList<>();
            Gate[] tg = new Gate[t];
            Gate shared = null;
            if (level == 1) {
                // every expert of level 1 reads the fused input: one bank, one product
                Bank b = new Bank(store, p + ".experts", input, t * te + se, sizes, lastLevel, owner);
                lb.add(b);
                for (int k = 0; k < t; k++) {
                    List<Integer> idx = new ArrayList<>(range(k * te, (k + 1) * te));
                    idx.addAll(range(t * te, t * te + se));
                    tg[k] = new Gate(gatePrefix + tasks.get(k) + "@" + level, java.util.Collections.nCopies(idx.size(), b), idx,
                            expertWidth, true);
                }
                if (!lastLevel) {
                    List<Integer> idx = range(t * te + se);
                    shared = new Gate(gatePrefix + "shared@" + level, java.util.Collections.nCopies(idx.size(), b), idx, expertWidth,
                            true);
                }
                List<Gate> fused = new ArrayList<>(List.of(tg));
                if (shared != null) {
                    fused.add(shared);
                }
                ln.add(new GateNet(store, p + ".gates", input, fused, List.of(), owner));
            } else {
                Bank[] taskBanks = new Bank[t];
                for (int k = 0; k < t; k++) {
                    if (te > 0) {
                        taskBanks[k] = new Bank(store, p + ".experts@" + tasks.get(k), taskIn[k], te, sizes, lastLevel, owner);
                        lb.add(taskBanks[k]);
                    }
                }
                Bank sharedBank = se > 0 ? new Bank(store, p + ".experts.shared", sharedIn, se, sizes, lastLevel, owner) : null;
                if (sharedBank != null) {
                    lb.add(sharedBank);
                }
                for (int k = 0; k < t; k++) {
                    List<Bank> bl = new ArrayList<>();
                    List<Integer> il = new ArrayList<>();
                    addAll(bl, il, taskBanks[k]);
                    addAll(bl, il, sharedBank);
                    tg[k] = new Gate(gatePrefix + tasks.get(k) + "@" + level, bl, il, expertWidth, true);
                    ln.add(new GateNet(store, p + ".gate@" + tasks.get(k), taskIn[k], List.of(tg[k]), List.of(), owner));
                }
                if (!lastLevel) {
                    List<Bank> bl = new ArrayList<>();
                    List<Integer> il = new ArrayList<>();
                    for (Bank b : lb) {
                        addAll(bl, il, b);
                    }
                    shared = new Gate(gatePrefix + "shared@" + level, bl, il, expertWidth, true);
                    ln.add(new GateNet(store, p + ".gate.shared", sharedIn, List.of(shared), List.of(), owner));
                }
            }
            lg.addAll(List.of(tg));
            if (shared != null) {
                lg.add(shared);
            }
            banks.add(lb);
            nets.add(ln);
            gates.add(lg);
            for (int k = 0; k < t; k++) {
                taskIn[k] = tg[k].output;
            }
            sharedIn = shared == null ? null : shared.output;
            last = tg;
        }
        taskGates = last;
    }

    private static void addAll(List<Bank> bl, List<Integer> il, Bank b) {
        if (b == null) {
            return;
        }
        for (int i = 0; i < b.n; i++) {
            bl.add(b);
            il.add(i);
        }
    }

    private static List<Integer> range(int n) {
        return range(0, n);
    }

    private static List<Integer> range(int from, int to) {
        List<Integer> l = new ArrayList<>();
        for (int i = from; i < to; i++) {
            l.add(i);
        }
        return l;
    }

    @Override
    public int width(int task) {
        return expertWidth;
    }

    @Override
    public Mat[] forward(Batch batch, boolean training) {
        input.value = inputBlock.forward(batch, training);
        input.grad = inputBlock.grad();
        int rows = batch.size();
        for (int level = 0; level < banks.size(); level++) {
            for (Bank b : banks.get(level)) {
                b.forward();
            }
            for (GateNet net : nets.get(level)) {
                Mat z = net.mlp.forward(net.input.value);
                if (net.logits.length != rows * net.width) {
                    net.logits = new float[rows * net.width];
                    net.dLogits = new float[rows * net.width];
                }
                z.get(net.logits);
                for (Gate g : net.gates) {
                    softmax(g, net, rows);
                }
            }
            for (Gate g : gates.get(level)) {
                mix(g, rows);
            }
        }
        Mat[] out = new Mat[taskGates.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = taskGates[k].output.value;
        }
        return out;
    }

    private static void softmax(Gate g, GateNet net, int rows) {
        int m = g.size();
        if (g.probs.length != rows * m) {
            g.probs = new float[rows * m];
            g.dProbs = new float[rows * m];
        }
        float[] z = net.logits;
        for (int r = 0; r < rows; r++) {
            int zo = r * net.width + g.segment;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < m; j++) {
                max = Math.max(max, z[zo + j]);
            }
            double s = 0;
            for (int j = 0; j < m; j++) {
                float e = (float) Math.exp(z[zo + j] - max);
                g.probs[r * m + j] = e;
                s += e;
            }
            float inv = (float) (1.0 / s);
            for (int j = 0; j < m; j++) {
                g.probs[r * m + j] *= inv;
            }
        }
    }

    private void mix(Gate g, int rows) {
        int h = expertWidth;
        int m = g.size();
        if (g.mixed.length != rows * h) {
            g.mixed = new float[rows * h];
            g.dMixed = new float[rows * h];
        }
        float[] f = g.mixed;
        float[] probs = g.probs;
        Bank[] banks = g.banks;
        int[] experts = g.experts;
        // row by row: the row's mixture stays in cache while its experts' outputs stream past. The sum runs in
        // expert order from 0 (0 + p0 e0 + p1 e1 + ...), up to four experts per pass over the row so that
        // the row is stored once per four experts; the grouping leaves the order of the float additions,
        // and so the result, unchanged. Each inner loop reads and writes with one index so the JIT can
        // vectorise it. The first pass writes (0 + ...) instead of adding to a zeroed row: zeroing the row
        // first measured 4 % slower per 500-candidate request
        int[] offset = g.offset;
        float[][] outs = g.outs;
        for (int j = 0; j < m; j++) {
            outs[j] = banks[j].out;
        }
        for (int r = 0; r < rows; r++) {
            int fo = r * h;
            int po = r * m;
            for (int j = 0; j < m; j++) {
                offset[j] = r * banks[j].n * h + experts[j] * h - fo;
            }
            int j = 0;
            if (m >= 4) {
                float[] a = outs[0];
                float[] b = outs[1];
                float[] c2 = outs[2];
                float[] d = outs[3];
                int oa = offset[0];
                int ob = offset[1];
                int oc = offset[2];
                int od = offset[3];
                float pa = probs[po];
                float pb = probs[po + 1];
                float pc = probs[po + 2];
                float pd = probs[po + 3];
                for (int c = fo; c < fo + h; c++) {
                    f[c] = 0f + pa * a[oa + c] + pb * b[ob + c] + pc * c2[oc + c] + pd * d[od + c];
                }
                j = 4;
            } else {
                float[] a = outs[0];
                int oa = offset[0];
                float pa = probs[po];
                for (int c = fo; c < fo + h; c++) {
                    f[c] = 0f + pa * a[oa + c];
                }
                j = 1;
            }
            for (; j + 3 < m; j += 4) {
                float[] a = outs[j];
                float[] b = outs[j + 1];
                float[] c2 = outs[j + 2];
                float[] d = outs[j + 3];
                int oa = offset[j];
                int ob = offset[j + 1];
                int oc = offset[j + 2];
                int od = offset[j + 3];
                float pa = probs[po + j];
                float pb = probs[po + j + 1];
                float pc = probs[po + j + 2];
                float pd = probs[po + j + 3];
                for (int c = fo; c < fo + h; c++) {
                    f[c] = f[c] + pa * a[oa + c] + pb * b[ob + c] + pc * c2[oc + c] + pd * d[od + c];
                }
            }
            for (; j < m; j++) {
                float[] a = outs[j];
                int oa = offset[j];
                float pa = probs[po + j];
                for (int c = fo; c < fo + h; c++) {
                    f[c] += pa * a[oa + c];
                }
            }
        }
        Node o = g.output;
        if (o.value == null || o.value.rows != rows) {
            o.value = Mat.zeros(rows, h);
        }
        o.value.put(f);
        o.touched = false;
    }

    @Override
    public void backward(Mat[] dH) {
        int rows = input.value.rows;
        if (input.grad != null) {
            input.grad.zero();
        }
        input.touched = false;
        for (List<Gate> lg : gates) {
            for (Gate g : lg) {
                g.output.ensureGrad(rows);
                if (g.output.grad != null) {
                    g.output.grad.zero();
                }
                g.output.touched = false;
            }
        }
        for (int k = 0; k < taskGates.length; k++) {
            if (dH[k] != null) {
                Node o = taskGates[k].output;
                dH[k].get(taskGates[k].dMixed);
                o.touched = true;
            }
        }
        for (int level = banks.size() - 1; level >= 0; level--) {
            for (Bank b : banks.get(level)) {
                java.util.Arrays.fill(b.dOut, 0f);
                b.touched = false;
            }
            for (GateNet net : nets.get(level)) {
                java.util.Arrays.fill(net.dLogits, 0f);
                net.touched = false;
            }
            for (Gate g : gates.get(level)) {
                if (!g.output.touched) {
                    continue;
                }
                if (level < banks.size() - 1) {
                    g.output.grad.get(g.dMixed);
                }
                unmix(g, rows);
            }
            for (Bank b : banks.get(level)) {
                b.backward();
            }
            for (GateNet net : nets.get(level)) {
                if (!net.touched) {
                    continue;
                }
                if (net.dLogitsMat == null || net.dLogitsMat.rows != rows) {
                    net.dLogitsMat = Mat.zeros(rows, net.width);
                }
                net.dLogitsMat.put(net.dLogits);
                net.mlp.backward(net.dLogitsMat, net.input.needsGrad ? net.input.grad : null, true);
                net.input.touched |= net.input.needsGrad;
            }
        }
        if (input.touched) {
            inputBlock.backward();
        }
    }

    /** Backward of the gate-weighted sum and of the softmax. */
    private void unmix(Gate g, int rows) {
        int h = expertWidth;
        int m = g.size();
        float[] df = g.dMixed;
        float[] dp = g.dProbs;
        float[] probs = g.probs;
        for (Bank b : g.banks) {
            b.touched = true;
        }
        // row by row, as in mix: the row's upstream gradient is read once for all experts
        for (int r = 0; r < rows; r++) {
            int fo = r * h;
            for (int j = 0; j < m; j++) {
                Bank b = g.banks[j];
                float[] e = b.out;
                float[] de = b.dOut;
                float p = probs[r * m + j];
                int eo = r * b.n * h + g.experts[j] * h;
                float s = 0f;
                for (int c = 0; c < h; c++) {
                    float d = df[fo + c];
                    s += d * e[eo + c];
                    de[eo + c] += p * d;
                }
                dp[r * m + j] = s;
            }
        }
        GateNet net = g.net;
        net.touched = true;
        for (int r = 0; r < rows; r++) {
            float dot = 0f;
            for (int j = 0; j < m; j++) {
                dot += g.probs[r * m + j] * dp[r * m + j];
            }
            int zo = r * net.width + g.segment;
            for (int j = 0; j < m; j++) {
                net.dLogits[zo + j] += g.probs[r * m + j] * (dp[r * m + j] - dot);
            }
        }
    }

    @Override
    public Map<String, double[]> gateUtilisation() {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (List<Gate> lg : gates) {
            for (Gate g : lg) {
                int m = g.size();
                int rows = g.probs.length / Math.max(m, 1);
                double[] mean = new double[m];
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < m; j++) {
                        mean[j] += g.probs[r * m + j];
                    }
                }
                for (int j = 0; j < m; j++) {
                    mean[j] /= Math.max(rows, 1);
                }
                out.put(g.name, mean);
            }
        }
        return out;
    }
}
