package org.mtl4j.backend.dl4j.internal.model;

import java.util.List;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.backend.dl4j.internal.nn.Blas;
import org.mtl4j.backend.dl4j.internal.nn.Dense;
import org.mtl4j.backend.dl4j.internal.nn.Mat;
import org.mtl4j.backend.dl4j.internal.nn.Param;
import org.mtl4j.backend.dl4j.internal.nn.ParamStore;

/**
 * Cross-stitch networks (Misra et al., CVPR 2016, eq. 1): one column of layers per task; after
 * layer l the columns are mixed by a learned T x T matrix, x_k^l = sum_j alpha^l_kj h_j^l, with
 * dalpha^l_kj = &lt;dx_k^l, h_j^l&gt; and dh_j^l = sum_k alpha^l_kj dx_k^l. The mixing is level-1
 * BLAS (axpy, dot) on whole activation matrices.
 */
final class CrossStitchTrunk implements Trunk {
    private final InputBlock input;
    private final int tasks;
    private final int layers;
    private final Dense[][] columns;
    private final Param[] alphas;
    private final double selfWeight;
    private Mat[] alphaMats;
    private Mat[] alphaGradMats;
    private int batch = -1;
    private Mat[][] mixed;
    private Mat[][] dh;
    private Mat[][] dx;
    private final float[] alpha;
    private final float[] dAlpha;

    CrossStitchTrunk(ParamStore store, InputBlock input, Topology.CrossStitch cs, int tasks) {
        this.input = input;
        this.tasks = tasks;
        this.layers = cs.layers().size();
        this.selfWeight = cs.selfWeight();
        columns = new Dense[layers][tasks];
        alphas = new Param[layers];
        int width = input.width();
        for (int l = 0; l < layers; l++) {
            int out = cs.layers().get(l);
            boolean last = l == layers - 1;
            for (int k = 0; k < tasks; k++) {
                columns[l][k] = new Dense(store, "cross-stitch." + l + ".c" + k, width, out, Dense.Activation.RELU, true, Param.SHARED,
                        last);
            }
            alphas[l] = store.declare("cross-stitch." + l + ".alpha", new long[] {tasks, tasks}, Param.SHARED, Param.Init.ZERO, tasks,
                    last);
            width = out;
        }
        alpha = new float[tasks * tasks];
        dAlpha = new float[tasks * tasks];
    }

    @Override
    public void initialise() {
        float off = tasks > 1 ? (float) ((1 - selfWeight) / (tasks - 1)) : 0f;
        for (Param a : alphas) {
            for (int k = 0; k < tasks; k++) {
                for (int j = 0; j < tasks; j++) {
                    alpha[k * tasks + j] = k == j ? (float) selfWeight : off;
                }
            }
            Mat.of(a.value()).put(alpha);
        }
    }

    private void ensure(int rows) {
        if (alphaMats == null) {
            alphaMats = new Mat[layers];
            for (int l = 0; l < layers; l++) {
                alphaMats[l] = Mat.of(alphas[l].value());
            }
        }
        if (rows == batch) {
            return;
        }
        batch = rows;
        mixed = new Mat[layers][tasks];
        dh = new Mat[layers][tasks];
        dx = new Mat[layers][tasks];
        for (int l = 0; l < layers; l++) {
            for (int k = 0; k < tasks; k++) {
                int w = columns[l][k].outputWidth();
                mixed[l][k] = Mat.zeros(rows, w);
                dh[l][k] = Mat.zeros(rows, w);
                dx[l][k] = Mat.zeros(rows, columns[l][k].inputWidth());
            }
        }
    }

    @Override
    public Mat[] forward(Batch batch, boolean training) {
        Mat x = input.forward(batch, training);
        ensure(batch.size());
        Mat[] prev = new Mat[tasks];
        java.util.Arrays.fill(prev, x);
        for (int l = 0; l < layers; l++) {
            Mat[] h = new Mat[tasks];
            for (int k = 0; k < tasks; k++) {
                h[k] = columns[l][k].forward(prev[k]);
            }
            alphaMats[l].get(alpha);
            for (int k = 0; k < tasks; k++) {
                Mat m = mixed[l][k];
                Blas.copy(h[0], m);
                Blas.scal(alpha[k * tasks], m);
                for (int j = 1; j < tasks; j++) {
                    Blas.axpy(alpha[k * tasks + j], h[j], m);
                }
            }
            prev = mixed[l];
        }
        return prev.clone();
    }

    @Override
    public int width(int task) {
        return columns[layers - 1][task].outputWidth();
    }

    @Override
    public void backward(Mat[] dH) {
        if (alphaGradMats == null) {
            // bound on first use: a prediction replica has no gradient buffer
            alphaGradMats = new Mat[layers];
            for (int l = 0; l < layers; l++) {
                alphaGradMats[l] = Mat.of(alphas[l].grad());
            }
        }
        Mat[] g = dH.clone();
        boolean any = false;
        for (Mat m : g) {
            any |= m != null;
        }
        if (!any) {
            return;
        }
        Mat inGrad = input.grad();
        if (inGrad != null) {
            inGrad.zero();
        }
        for (int l = layers - 1; l >= 0; l--) {
            alphaMats[l].get(alpha);
            alphaGradMats[l].get(dAlpha);
            for (int k = 0; k < tasks; k++) {
                if (g[k] == null) {
                    continue;
                }
                for (int j = 0; j < tasks; j++) {
                    dAlpha[k * tasks + j] += (float) Blas.dot(g[k], columns[l][j].output());
                }
            }
            alphaGradMats[l].put(dAlpha);
            for (int j = 0; j < tasks; j++) {
                Mat d = dh[l][j];
                d.zero();
                for (int k = 0; k < tasks; k++) {
                    if (g[k] != null) {
                        Blas.axpy(alpha[k * tasks + j], g[k], d);
                    }
                }
            }
            Mat[] next = new Mat[tasks];
            for (int j = 0; j < tasks; j++) {
                if (l > 0) {
                    columns[l][j].backward(dh[l][j], dx[l][j], false);
                    next[j] = dx[l][j];
                } else {
                    columns[l][j].backward(dh[l][j], inGrad, true);
                }
            }
            g = next;
        }
        input.backward();
    }
}
