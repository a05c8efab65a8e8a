package org.mtl4j.backend.dl4j.internal.encoders;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.mtl4j.backend.dl4j.internal.nn.Encoder;
import org.mtl4j.backend.dl4j.internal.nn.Param;
import org.mtl4j.backend.dl4j.internal.nn.ParamStore;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Central finite differences against the analytic gradient of L = sum(out * R) for a fixed random
 * R. Parameters are float32, so the comparison allows the rounding of a float forward pass divided
 * by 2 * eps: per entry |analytic - numeric| <= atol + rtol * |numeric|, and per parameter the
 * relative L2 error must stay below {@code relL2}.
 */
final class GradCheck {
    /** Entries checked per parameter (a seeded sample when the parameter is larger). */
    static final int MAX_PER_PARAM = 16;

    private GradCheck() {
    }

    /**
     * Replaces every parameter value by uniform(-scale, scale) noise: the default initialisation
     * (embeddings of sd 0.05) puts layer norms at a variance of ~1e-3 where the function is too
     * curved for finite differences on a float32 forward pass.
     */
    static void randomise(ParamStore store, double scale, long seed) {
        Random rnd = new Random(seed);
        float[] v = new float[(int) store.length()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((rnd.nextDouble() * 2 - 1) * scale);
        }
        store.values().assign(Nd4j.createFromArray(v));
    }

    record Result(String param, int checked, int failed, double relL2, String firstFailure) {
    }

    static List<Result> run(ParamStore store, Encoder enc, Supplier<INDArray> forward, double eps, double atol,
            double rtol, long seed) {
        INDArray out0 = forward.get();
        Random rnd = new Random(seed);
        double[] r = new double[(int) out0.length()];
        for (int i = 0; i < r.length; i++) {
            r[i] = rnd.nextGaussian();
        }
        INDArray rArr = Nd4j.createFromArray(r).castTo(DataType.FLOAT).reshape(out0.shape());
        // pass the output gradient as a strided column block of a wider matrix, as the fused input does
        INDArray wide = Nd4j.zeros(DataType.FLOAT, out0.size(0), out0.size(1) + 3);
        INDArray block = wide.get(NDArrayIndex.all(), NDArrayIndex.interval(1, out0.size(1) + 1));
        block.assign(rArr);
        store.zeroGrads();
        forward.get();
        enc.backward(block);
        float[] analytic = store.gradientArray();
        INDArray values = store.values();
        List<Result> results = new ArrayList<>();
        List<Param> seen = new ArrayList<>();
        for (Param p : enc.params()) {
            if (seen.contains(p)) {
                continue;
            }
            seen.add(p);
            int failed = 0;
            String first = null;
            double num2 = 0;
            double diff2 = 0;
            List<Long> entries = new ArrayList<>();
            for (long i = p.offset(); i < p.offset() + p.length(); i++) {
                entries.add(i);
            }
            java.util.Collections.shuffle(entries, new Random(seed + p.offset()));
            for (long i : entries.subList(0, Math.min(entries.size(), MAX_PER_PARAM))) {
                float v = values.getFloat(i);
                values.putScalar(i, v + eps);
                double plus = loss(forward.get(), r);
                values.putScalar(i, v - eps);
                double minus = loss(forward.get(), r);
                values.putScalar(i, v);
                double numeric = (plus - minus) / (2 * eps);
                double a = analytic[(int) i];
                num2 += numeric * numeric;
                diff2 += (a - numeric) * (a - numeric);
                if (Math.abs(a - numeric) > atol + rtol * Math.abs(numeric)) {
                    failed++;
                    if (first == null) {
                        first = "index " + (i - p.offset()) + ": analytic " + a + " numeric " + numeric;
                    }
                }
            }
            results.add(new Result(p.name(), Math.min(entries.size(), MAX_PER_PARAM), failed, Math.sqrt(diff2) / Math.max(Math.sqrt(num2), 1e-3), first));
        }
        return results;
    }

    static double loss(INDArray out, double[] r) {
        double[] o = out.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double s = 0;
        for (int i = 0; i < o.length; i++) {
            s += o[i] * r[i];
        }
        return s;
    }

    static void assertPasses(List<Result> results, double relL2) {
        for (Result res : results) {
            assertThat(res.failed()).as(res.param() + " " + res).isZero();
            assertThat(res.relL2()).as(res.param() + " " + res).isLessThan(relL2);
        }
    }

    /** A table's sparse gradient written densely as [rows, dim] (tests only). */
    static INDArray tableGrad(Param table) {
        org.mtl4j.backend.dl4j.internal.nn.RowBlock rb = table.rowGradient();
        double[] d = new double[rb.rows() * rb.dim()];
        rb.toDense(d, 0);
        return Nd4j.createFromArray(d).castTo(DataType.FLOAT).reshape(rb.rows(), rb.dim());
    }
}
