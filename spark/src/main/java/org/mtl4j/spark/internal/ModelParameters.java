package org.mtl4j.spark.internal;

import java.util.ArrayList;
import java.util.List;
import org.mtl4j.api.backend.ParameterBlock;
import org.mtl4j.api.backend.TrainableModel;
import org.mtl4j.api.backend.TrainingStep;
import org.mtl4j.backend.dl4j.internal.model.Dl4jModel;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Every parameter of a model as one flat vector, for the averaging mode. The DL4J model's flat
 * parameter store (embedding tables included, densely); for another backend the parameter blocks of
 * a step, which cover whole tensors there. (The DL4J blocks of a table cover only the rows the last
 * batch touched, so they cannot be used to average tables.)
 */
public final class ModelParameters {
    private ModelParameters() {
    }

    public static double[] read(TrainableModel m, TrainingStep ts) {
        if (m instanceof Dl4jModel d) {
            return d.parameters().toDoubleVector();
        }
        List<double[]> parts = new ArrayList<>();
        int n = 0;
        for (ParameterBlock b : ts.parameterBlocks()) {
            double[] v = b.values().toArray();
            parts.add(v);
            n += v.length;
        }
        double[] all = new double[n];
        int off = 0;
        for (double[] p : parts) {
            System.arraycopy(p, 0, all, off, p.length);
            off += p.length;
        }
        return all;
    }

    public static void write(TrainableModel m, TrainingStep ts, double[] values) {
        if (m instanceof Dl4jModel d) {
            float[] f = new float[values.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) values[i];
            }
            d.parameters().assign(Nd4j.createFromArray(f).reshape(d.parameters().shape()));
            return;
        }
        int off = 0;
        for (ParameterBlock b : ts.parameterBlocks()) {
            int len = b.values().length();
            b.values().set(java.util.Arrays.copyOfRange(values, off, off + len));
            off += len;
        }
    }
}
