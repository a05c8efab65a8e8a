package org.mtl4j.backend.tribuo.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.tribuo.math.la.Tensor;

/**
 * The arithmetic of a multi-task factorization machine: parameters, forward pass and gradients.
 *
 * <p>Model (Rendle, "Factorization Machines", ICDM 2010, eq. 1, generalised to several tasks and
 * heads): for task t and output column c,
 * <pre>
 *   z_tc(x) = b_tc + sum_i w_tci x_i + sum_{f in F_t} a_tcf * q_f(x),
 *   q_f(x)  = 1/2 [ (sum_i v_if x_i)^2 - sum_i v_if^2 x_i^2 ]            (Lemma 3.1, O(kn))
 * </pre>
 * where the factor columns F_t are the shared block V_0 (n x ks, the same matrix for every task:
 * hard sharing) followed by the task's own block V_t (n x kt). With a_tcf = 1 and one block this is
 * exactly eq. 1 (sum_f q_f = sum_{i&lt;j} &lt;v_i, v_j&gt; x_i x_j); the learned a_tcf let each head weigh
 * the shared interaction channels, and give the per-class heads of a multiclass task distinct
 * interactions (with a common interaction term a softmax would cancel it).
 *
 * <p>Gradients (Rendle 2010, eq. 4): dz/dv_if = a_f x_i (sum_j v_jf x_j - v_if x_i),
 * dz/dw_ci = x_i, dz/db_c = 1, dz/da_cf = q_f. They touch only the rows of active features.
 *
 * <p>Tensor layout (also the gradient buffer's block order): [V_0 if ks &gt; 0], then per task
 * [V_t if kt &gt; 0, W_t (n x C_t), b_t (C_t), A_t (C_t x (ks + kt))].
 */
public final class FmNetwork {
    /** A forward pass, kept for the backward pass. */
    public record Forward(Csr x, double[] z, double[][] s, double[][] q) {
    }

    private final int n;
    private final int tasks;
    private final int ks;
    private final int kt;
    private final int[] classes;
    private final int[] colOff;
    private final int cols;
    private final double initStd;

    private final FmMatrix v0;
    private final FmMatrix[] vt;
    private final FmMatrix[] w;
    private final FmVector[] b;
    private final FmMatrix[] a;

    private final FmMatrix gv0;
    private final FmMatrix[] gvt;
    private final FmMatrix[] gw;
    private final FmVector[] gb;
    private final FmMatrix[] ga;

    private final List<Tensor> tensors = new ArrayList<>();
    private final List<Tensor> gradTensors = new ArrayList<>();
    private final List<double[][]> paramRows = new ArrayList<>();
    private final List<double[][]> gradRows = new ArrayList<>();
    private final List<Boolean> featureRows = new ArrayList<>();
    private final List<Integer> owner = new ArrayList<>();
    private final List<String> blockNames = new ArrayList<>();

    /**
     * @param n number of features
     * @param classes output columns per task (1 for binary and regression)
     * @param ks width of the shared factor block (0: none)
     * @param kt width of each task's own factor block (0: none)
     * @param taskNames for block names
     */
    public FmNetwork(int n, int[] classes, int ks, int kt, double initStd, long seed, List<String> taskNames) {
        if (ks + kt < 1) {
            throw new IllegalArgumentException("factor width must be >= 1, found ks " + ks + " + kt " + kt);
        }
        this.n = n;
        this.tasks = classes.length;
        this.ks = ks;
        this.kt = kt;
        this.classes = classes.clone();
        this.colOff = new int[tasks];
        int c = 0;
        for (int t = 0; t < tasks; t++) {
            colOff[t] = c;
            c += classes[t];
        }
        this.cols = c;
        this.initStd = initStd;
        v0 = ks > 0 ? new FmMatrix(n, ks) : null;
        gv0 = ks > 0 ? new FmMatrix(n, ks) : null;
        vt = new FmMatrix[tasks];
        gvt = new FmMatrix[tasks];
        w = new FmMatrix[tasks];
        gw = new FmMatrix[tasks];
        b = new FmVector[tasks];
        gb = new FmVector[tasks];
        a = new FmMatrix[tasks];
        ga = new FmMatrix[tasks];
        if (v0 != null) {
            add(v0, gv0, v0.rows(), gv0.rows(), true, -1, "factors:shared");
        }
        for (int t = 0; t < tasks; t++) {
            String tn = taskNames.get(t);
            if (kt > 0) {
                vt[t] = new FmMatrix(n, kt);
                gvt[t] = new FmMatrix(n, kt);
                add(vt[t], gvt[t], vt[t].rows(), gvt[t].rows(), true, t, "factors:" + tn);
            }
            w[t] = new FmMatrix(n, classes[t]);
            gw[t] = new FmMatrix(n, classes[t]);
            add(w[t], gw[t], w[t].rows(), gw[t].rows(), true, t, "linear:" + tn);
            b[t] = new FmVector(classes[t]);
            gb[t] = new FmVector(classes[t]);
            add(b[t], gb[t], new double[][] {b[t].data()}, new double[][] {gb[t].data()}, false, t, "bias:" + tn);
            a[t] = new FmMatrix(classes[t], ks + kt);
            ga[t] = new FmMatrix(classes[t], ks + kt);
            add(a[t], ga[t], a[t].rows(), ga[t].rows(), false, t, "head:" + tn);
        }
        initialise(seed);
    }

    private void add(Tensor p, Tensor g, double[][] pr, double[][] gr, boolean rowsAreFeatures, int task, String name) {
        tensors.add(p);
        gradTensors.add(g);
        paramRows.add(pr);
        gradRows.add(gr);
        featureRows.add(rowsAreFeatures);
        owner.add(task);
        blockNames.add(name);
    }

    /** Factors ~ N(0, initStd^2) (Rendle 2010, section III-C), linear weights and biases 0, heads 1. */
    public void initialise(long seed) {
        Random rng = new Random(seed);
        if (v0 != null) {
            fillGaussian(v0.rows(), rng);
        }
        for (int t = 0; t < tasks; t++) {
            if (vt[t] != null) {
                fillGaussian(vt[t].rows(), rng);
            }
            for (double[] row : w[t].rows()) {
                Arrays.fill(row, 0);
            }
            Arrays.fill(b[t].data(), 0);
            for (double[] row : a[t].rows()) {
                Arrays.fill(row, 1);
            }
        }
    }

    private void fillGaussian(double[][] m, Random rng) {
        for (double[] row : m) {
            for (int j = 0; j < row.length; j++) {
                row[j] = rng.nextGaussian() * initStd;
            }
        }
    }

    /** The bias b_t of a task's output columns (live: writes go into the model). */
    public double[] bias(int task) {
        return b[task].data();
    }

    public int features() {
        return n;
    }

    public int columns() {
        return cols;
    }

    public int columnOffset(int task) {
        return colOff[task];
    }

    public int classes(int task) {
        return classes[task];
    }

    public int sharedWidth() {
        return ks;
    }

    public int taskWidth() {
        return kt;
    }

    /** The parameter tensors (Tribuo tensors, live), in block order. */
    public List<Tensor> tensors() {
        return tensors;
    }

    /** The gradient tensors (live), in block order. */
    public List<Tensor> gradientTensors() {
        return gradTensors;
    }

    public List<double[][]> parameterRows() {
        return paramRows;
    }

    public List<double[][]> gradientRows() {
        return gradRows;
    }

    /** Whether block i is indexed by feature (rows touched sparsely). */
    public boolean rowsAreFeatures(int block) {
        return featureRows.get(block);
    }

    /** The task owning block i, or -1 for the shared block. */
    public int owner(int block) {
        return owner.get(block);
    }

    public String blockName(int block) {
        return blockNames.get(block);
    }

    public int blockCount() {
        return tensors.size();
    }

    /** The shared factor block's gradient rows, or null when ks = 0. */
    public double[][] sharedGradientRows() {
        return gv0 == null ? null : gv0.rows();
    }

    /** Forward pass: z is rows x columns() logits (pre-activations). */
    public Forward forward(Csr x) {
        int rows = x.rows();
        int[] ptr = x.ptr();
        int[] idx = x.idx();
        double[] val = x.val();
        double[] z = new double[rows * cols];
        double[][] s = new double[tasks + 1][];
        double[][] q = new double[tasks + 1][];
        for (int fb = 0; fb <= tasks; fb++) {
            int k = fb == 0 ? ks : kt;
            if (k > 0) {
                s[fb] = new double[rows * k];
                q[fb] = new double[rows * k];
            }
        }
        for (int r = 0; r < rows; r++) {
            int p0 = ptr[r];
            int p1 = ptr[r + 1];
            for (int fb = 0; fb <= tasks; fb++) {
                FmMatrix vm = fb == 0 ? v0 : vt[fb - 1];
                if (vm == null) {
                    continue;
                }
                int k = fb == 0 ? ks : kt;
                double[][] v = vm.rows();
                double[] sr = s[fb];
                double[] qr = q[fb];
                int off = r * k;
                for (int p = p0; p < p1; p++) {
                    double[] vi = v[idx[p]];
                    double xv = val[p];
                    for (int f = 0; f < k; f++) {
                        double t = vi[f] * xv;
                        sr[off + f] += t;
                        qr[off + f] += t * t;
                    }
                }
                for (int f = 0; f < k; f++) {
                    double sf = sr[off + f];
                    qr[off + f] = 0.5 * (sf * sf - qr[off + f]);
                }
            }
            for (int t = 0; t < tasks; t++) {
                int co = r * cols + colOff[t];
                int nc = classes[t];
                double[][] wm = w[t].rows();
                double[] bias = b[t].data();
                double[][] am = a[t].rows();
                for (int p = p0; p < p1; p++) {
                    double[] wi = wm[idx[p]];
                    double xv = val[p];
                    for (int c = 0; c < nc; c++) {
                        z[co + c] += wi[c] * xv;
                    }
                }
                for (int c = 0; c < nc; c++) {
                    double zc = bias[c];
                    double[] ac = am[c];
                    if (ks > 0) {
                        double[] q0 = q[0];
                        int o0 = r * ks;
                        for (int f = 0; f < ks; f++) {
                            zc += ac[f] * q0[o0 + f];
                        }
                    }
                    if (kt > 0) {
                        double[] qt = q[t + 1];
                        int ot = r * kt;
                        for (int f = 0; f < kt; f++) {
                            zc += ac[ks + f] * qt[ot + f];
                        }
                    }
                    z[co + c] += zc;
                }
            }
        }
        return new Forward(x, z, s, q);
    }

    /**
     * Accumulates gradients of sum_{r,col} g[r, col] * z[r, col]: the shared factor block's
     * gradient (unscaled) into {@code sharedTarget} (skipped when null), every task-owned tensor's
     * gradient times {@code towerScale} into the gradient buffer (skipped when 0).
     */
    public void backprop(Forward fw, double[] g, double towerScale, double[][] sharedTarget) {
        Csr x = fw.x();
        int rows = x.rows();
        int[] ptr = x.ptr();
        int[] idx = x.idx();
        double[] val = x.val();
        double[] coef0 = new double[ks];
        double[][] coefT = new double[tasks][kt];
        boolean[] anyT = new boolean[tasks];
        double[] gs = new double[cols];
        boolean towers = towerScale != 0;
        boolean shared = sharedTarget != null && ks > 0;
        for (int r = 0; r < rows; r++) {
            boolean any0 = false;
            boolean anyRow = false;
            Arrays.fill(coef0, 0);
            int base = r * cols;
            for (int t = 0; t < tasks; t++) {
                anyT[t] = false;
                if (kt > 0) {
                    Arrays.fill(coefT[t], 0);
                }
                double[][] am = a[t].rows();
                double[][] gam = ga[t].rows();
                double[] gbias = gb[t].data();
                for (int c = 0; c < classes[t]; c++) {
                    int col = colOff[t] + c;
                    double gc = g[base + col];
                    double gsc = gc * towerScale;
                    gs[col] = gsc;
                    if (gc == 0) {
                        continue;
                    }
                    anyRow = true;
                    double[] ac = am[c];
                    if (shared) {
                        for (int f = 0; f < ks; f++) {
                            coef0[f] += gc * ac[f];
                        }
                        any0 = true;
                    }
                    if (towers) {
                        gbias[c] += gsc;
                        double[] gac = gam[c];
                        if (ks > 0) {
                            double[] q0 = fw.q()[0];
                            int o0 = r * ks;
                            for (int f = 0; f < ks; f++) {
                                gac[f] += gsc * q0[o0 + f];
                            }
                        }
                        if (kt > 0) {
                            double[] qt = fw.q()[t + 1];
                            int ot = r * kt;
                            double[] ct = coefT[t];
                            for (int f = 0; f < kt; f++) {
                                gac[ks + f] += gsc * qt[ot + f];
                                ct[f] += gsc * ac[ks + f];
                            }
                            anyT[t] = true;
                        }
                    }
                }
            }
            if (!anyRow) {
                continue;
            }
            int p0 = ptr[r];
            int p1 = ptr[r + 1];
            if (towers) {
                for (int t = 0; t < tasks; t++) {
                    double[][] gwm = gw[t].rows();
                    int nc = classes[t];
                    int co = colOff[t];
                    for (int p = p0; p < p1; p++) {
                        double[] gwi = gwm[idx[p]];
                        double xv = val[p];
                        for (int c = 0; c < nc; c++) {
                            gwi[c] += gs[co + c] * xv;
                        }
                    }
                    if (anyT[t]) {
                        factorGrad(vt[t].rows(), gvt[t].rows(), fw.s()[t + 1], r * kt, kt, coefT[t], idx, val, p0, p1);
                    }
                }
            }
            if (any0) {
                factorGrad(v0.rows(), sharedTarget, fw.s()[0], r * ks, ks, coef0, idx, val, p0, p1);
            }
        }
    }

    /** d/dv_if of sum_f coef_f q_f = coef_f x_i (s_f - v_if x_i) (Rendle 2010, eq. 4). */
    private static void factorGrad(double[][] v, double[][] target, double[] s, int off, int k, double[] coef, int[] idx,
            double[] val, int p0, int p1) {
        for (int p = p0; p < p1; p++) {
            int i = idx[p];
            double xv = val[p];
            double[] vi = v[i];
            double[] ti = target[i];
            for (int f = 0; f < k; f++) {
                ti[f] += coef[f] * xv * (s[off + f] - vi[f] * xv);
            }
        }
    }
}
