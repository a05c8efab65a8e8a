package org.mtl4j.backend.dl4j.internal.model;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.backend.dl4j.internal.nn.Blas;
import org.mtl4j.backend.dl4j.internal.nn.Mat;
import org.mtl4j.backend.dl4j.internal.nn.ParamStore;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdaGradUpdater;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The optimisers over the flat buffers, one pass per contiguous learning-rate range (the shared
 * prefix, then each task's parameters with its tower learning-rate multiplier):
 * <ul>
 * <li>adam (Kingma &amp; Ba 2015, Algorithm 1) and adamw (Loshchilov &amp; Hutter 2019, decoupled
 * weight decay p -= lr * wd * p before the Adam step) through ND4J's native {@code adam_updater}:
 * m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2, p -= lr sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps);</li>
 * <li>sgd with (heavy-ball) momentum: u = mu u + g, p -= lr u (BLAS scal/axpy);</li>
 * <li>adagrad (Duchi et al. 2011) through ND4J's {@code ada_grad_updater}: s += g^2, p -= lr g / (sqrt(s) + eps).</li>
 * </ul>
 * The gradient buffer is consumed (it holds the update afterwards).
 */
final class Optimizer {
    private final OptimizerSpec spec;
    private final List<Range> ranges = new ArrayList<>();
    private final INDArray m;
    private final INDArray v;
    private long t;

    private record Range(INDArray p, INDArray g, INDArray m, INDArray v, Mat pm, Mat gm, Mat mm, double lr) {
    }

    Optimizer(OptimizerSpec spec, ParamStore store, ModelSpec model) {
        this.spec = spec;
        long n = store.length();
        m = Nd4j.create(DataType.FLOAT, n);
        v = Nd4j.create(DataType.FLOAT, n);
        if (store.sharedLength() > 0) {
            add(store, 0, store.sharedLength(), spec.learningRate());
        }
        for (TaskSpec ts : model.tasks()) {
            long[] r = store.range(ts.name());
            if (r != null) {
                add(store, r[0], r[1], spec.learningRate() * ts.towerLearningRate());
            }
        }
    }

    private final List<long[]> spans = new ArrayList<>();
    private final List<Double> rates = new ArrayList<>();

    private void add(ParamStore store, long from, long to, double lr) {
        // neighbouring ranges with the same rate become one (one native updater call instead of T + 1)
        int last = spans.size() - 1;
        if (last >= 0 && spans.get(last)[1] == from && rates.get(last) == lr) {
            spans.get(last)[1] = to;
            ranges.remove(last);
            from = spans.get(last)[0];
        } else {
            spans.add(new long[] {from, to});
            rates.add(lr);
        }
        INDArray p = store.values().get(NDArrayIndex.interval(from, to));
        INDArray g = store.grads().get(NDArrayIndex.interval(from, to));
        INDArray mm = m.get(NDArrayIndex.interval(from, to));
        INDArray vv = v.get(NDArrayIndex.interval(from, to));
        ranges.add(new Range(p, g, mm, vv, Mat.of(p), Mat.of(g), Mat.of(mm), lr));
    }

    long steps() {
        return t;
    }

    void apply() {
        t++;
        for (Range r : ranges) {
            switch (spec.name()) {
                case "adam", "adamw" -> {
                    if ("adamw".equals(spec.name()) && spec.weightDecay() > 0) {
                        Blas.scal((float) (1 - r.lr * spec.weightDecay()), r.pm);
                    }
                    Nd4j.exec(new AdamUpdater(r.g, r.v, r.m, r.lr, spec.beta1(), spec.beta2(), spec.epsilon(), (int) (t - 1)));
                    r.p.subi(r.g);
                }
                case "sgd" -> {
                    if (spec.momentum() > 0) {
                        Blas.scal((float) spec.momentum(), r.mm);
                        Blas.axpy(1f, r.gm, r.mm);
                        Blas.axpy((float) -r.lr, r.mm, r.pm);
                    } else {
                        Blas.axpy((float) -r.lr, r.gm, r.pm);
                    }
                }
                case "adagrad" -> {
                    Nd4j.exec(new AdaGradUpdater(r.g, r.m, r.lr, spec.epsilon()));
                    r.p.subi(r.g);
                }
                default -> throw new IllegalStateException("unknown optimizer " + spec.name());
            }
        }
    }

    /** First and second moment buffers (same layout as the parameter store) and the step count, for continual training. */
    INDArray firstMoments() {
        return m;
    }

    INDArray secondMoments() {
        return v;
    }

    void steps(long steps) {
        this.t = steps;
    }

    void write(DataOutputStream out) throws IOException {
        out.writeLong(t);
        writeArray(out, m);
        writeArray(out, v);
    }

    void read(DataInputStream in) throws IOException {
        t = in.readLong();
        readArray(in, m);
        readArray(in, v);
    }

    static void writeArray(DataOutputStream out, INDArray a) throws IOException {
        float[] f = a.length() == 0 ? new float[0] : Mat.of(a).get(new float[(int) a.length()]);
        out.writeInt(f.length);
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocate(f.length * 4);
        bb.asFloatBuffer().put(f);
        out.write(bb.array());
    }

    static void readArray(DataInputStream in, INDArray a) throws IOException {
        int n = in.readInt();
        if (n != a.length()) {
            throw new IOException("state holds " + n + " values where the model has " + a.length());
        }
        byte[] b = new byte[n * 4];
        in.readFully(b);
        float[] f = new float[n];
        java.nio.ByteBuffer.wrap(b).asFloatBuffer().get(f);
        if (n > 0) {
            Mat.of(a).put(f);
        }
    }
}
