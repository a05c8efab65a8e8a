package org.mtl4j.balancers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.mtl4j.api.backend.ArrayGradientVector;
import org.mtl4j.api.backend.GradientVector;
import org.mtl4j.api.balance.AggregationContext;
import org.mtl4j.api.balance.BalancerContext;
import org.mtl4j.api.balance.GradientAggregator;
import org.mtl4j.api.spec.PluginRef;
import org.mtl4j.api.spec.TaskSpec;

/** Test helpers: vectors, contexts and a second GradientVector implementation. */
public final class TestVectors {
    private TestVectors() {
    }

    public static ArrayGradientVector v(double... x) {
        return new ArrayGradientVector(x.clone());
    }

    public static List<GradientVector> list(double[]... rows) {
        List<GradientVector> l = new ArrayList<>();
        for (double[] r : rows) {
            l.add(v(r));
        }
        return l;
    }

    public static List<GradientVector> random(long seed, int tasks, int length) {
        Random rng = new Random(seed);
        List<GradientVector> l = new ArrayList<>();
        for (int k = 0; k < tasks; k++) {
            double[] x = new double[length];
            for (int i = 0; i < length; i++) {
                x[i] = rng.nextGaussian() * (1 + k);
            }
            l.add(v(x));
        }
        return l;
    }

    public static AggregationContext aggCtx(int tasks) {
        double[] ones = new double[tasks];
        java.util.Arrays.fill(ones, 1.0);
        return new AggregationContext(0, 0, ones.clone(), ones);
    }

    public static double[] run(GradientAggregator agg, List<GradientVector> grads) {
        GradientVector out = grads.get(0).zerosLike();
        agg.aggregate(grads, out, aggCtx(grads.size()));
        return out.toArray();
    }

    public static List<TaskSpec> tasks(int n) {
        List<TaskSpec> t = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            t.add(TaskSpec.binary("t" + i, "y" + i));
        }
        return t;
    }

    public static BalancerContext ctx(String name, int tasks) {
        return new BalancerContext(PluginRef.of(name), tasks(tasks), 7L);
    }

    public static BalancerContext ctx(String name, Map<String, Double> params, List<TaskSpec> tasks) {
        return new BalancerContext(PluginRef.of(name, params), tasks, 7L);
    }

    public static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    public static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    /**
     * A GradientVector that is not an {@link ArrayGradientVector} and keeps the interface's default
     * {@code unitNorms}/{@code scaleUnits}/{@code zerosLike}: stands in for a backend's own buffers.
     */
    public static final class OtherVector implements GradientVector {
        private final double[] data;

        public OtherVector(double... data) {
            this.data = data.clone();
        }

        @Override
        public int length() {
            return data.length;
        }

        @Override
        public double dot(GradientVector other) {
            return TestVectors.dot(data, other.toArray());
        }

        @Override
        public void scale(double alpha) {
            for (int i = 0; i < data.length; i++) {
                data[i] *= alpha;
            }
        }

        @Override
        public void axpy(double alpha, GradientVector x) {
            double[] o = x.toArray();
            for (int i = 0; i < data.length; i++) {
                data[i] += alpha * o[i];
            }
        }

        @Override
        public void assign(GradientVector other) {
            System.arraycopy(other.toArray(), 0, data, 0, data.length);
        }

        @Override
        public void zero() {
            java.util.Arrays.fill(data, 0);
        }

        @Override
        public long clampValues(double limit) {
            long n = 0;
            for (int i = 0; i < data.length; i++) {
                double c = Math.max(-limit, Math.min(limit, data[i]));
                if (c != data[i]) {
                    data[i] = c;
                    n++;
                }
            }
            return n;
        }

        @Override
        public boolean isFinite() {
            for (double x : data) {
                if (!Double.isFinite(x)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public GradientVector copy() {
            return new OtherVector(data);
        }

        @Override
        public double[] toArray() {
            return data.clone();
        }

        @Override
        public void set(double[] values) {
            System.arraycopy(values, 0, data, 0, data.length);
        }
    }
}
