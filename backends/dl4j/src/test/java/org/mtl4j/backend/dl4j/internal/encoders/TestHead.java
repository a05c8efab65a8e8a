package org.mtl4j.backend.dl4j.internal.encoders;

import org.mtl4j.backend.dl4j.internal.nn.ParamStore;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The smallest trainer that exercises an encoder end to end: a logistic head p = sigmoid(h w + b)
 * on the encoder output, binary cross-entropy, and Adam (Kingma &amp; Ba 2015, algorithm 1) over the
 * encoder's flat parameter buffer and the head.
 */
final class TestHead {
    private final ParamStore store;
    private final INDArray w;
    private final double[] bias = new double[1];
    private final INDArray m;
    private final INDArray v;
    private final INDArray mw;
    private final INDArray vw;
    private double mb;
    private double vb;
    private final double lr;
    private int t;

    TestHead(ParamStore store, int width, double lr, long seed) {
        this.store = store;
        this.lr = lr;
        java.util.Random rnd = new java.util.Random(seed);
        float[] init = new float[width];
        for (int i = 0; i < width; i++) {
            init[i] = (float) (rnd.nextGaussian() * 0.1);
        }
        w = Nd4j.createFromArray(init).reshape(width, 1);
        m = store.values().ulike().assign(0);
        v = store.values().ulike().assign(0);
        mw = w.ulike().assign(0);
        vw = w.ulike().assign(0);
    }

    /** Probabilities for encoder outputs [rows, width]. */
    float[] predict(INDArray h) {
        return Transforms.sigmoid(h.mmul(w).addi(bias[0]), false).data().asFloat();
    }

    /** One Adam step on BCE; {@code backward} receives dL/dh. Returns the mean loss. */
    double step(INDArray h, float[] labels, java.util.function.Consumer<INDArray> backward) {
        int rows = labels.length;
        float[] p = predict(h);
        float[] dz = new float[rows];
        double loss = 0;
        for (int i = 0; i < rows; i++) {
            dz[i] = (p[i] - labels[i]) / rows;
            double pi = Math.min(Math.max(p[i], 1e-7), 1 - 1e-7);
            loss -= labels[i] * Math.log(pi) + (1 - labels[i]) * Math.log(1 - pi);
        }
        INDArray dzA = Nd4j.createFromArray(dz).reshape(rows, 1);
        INDArray gw = h.transpose().mmul(dzA);
        double gb = dzA.sumNumber().doubleValue();
        INDArray dh = dzA.mmul(w.transpose());
        store.zeroGrads();
        backward.accept(dh);
        t++;
        adam(store.values(), Nd4j.createFromArray(store.gradientArray()), m, v);
        adam(w, gw, mw, vw);
        mb = 0.9 * mb + 0.1 * gb;
        vb = 0.999 * vb + 0.001 * gb * gb;
        bias[0] -= lr * (mb / (1 - Math.pow(0.9, t))) / (Math.sqrt(vb / (1 - Math.pow(0.999, t))) + 1e-8);
        return loss / rows;
    }

    private void adam(INDArray param, INDArray grad, INDArray m1, INDArray m2) {
        m1.muli(0.9).addi(grad.mul(0.1));
        m2.muli(0.999).addi(grad.mul(grad).muli(0.001));
        INDArray mHat = m1.div(1 - Math.pow(0.9, t));
        INDArray vHat = m2.div(1 - Math.pow(0.999, t));
        param.subi(mHat.divi(Transforms.sqrt(vHat, false).addi(1e-8)).muli(lr));
    }

    static double accuracy(float[] p, float[] labels) {
        int ok = 0;
        for (int i = 0; i < p.length; i++) {
            if ((p[i] >= 0.5f) == (labels[i] >= 0.5f)) {
                ok++;
            }
        }
        return (double) ok / p.length;
    }
}
