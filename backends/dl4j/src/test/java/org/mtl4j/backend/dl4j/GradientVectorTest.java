package org.mtl4j.backend.dl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.backend.ArrayGradientVector;
import org.mtl4j.api.backend.GradientVector;
import org.mtl4j.backend.dl4j.internal.model.Nd4jGradientVector;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Nd4jGradientVector against the reference ArrayGradientVector, on views of a larger buffer. */
class GradientVectorTest {

    @BeforeAll
    static void init() {
        Dl4jBackend.initNd4j();
    }

    private static Nd4jGradientVector view(double... v) {
        // a view in the middle of a bigger buffer, as the backend's vectors are
        float[] f = new float[v.length + 4];
        for (int i = 0; i < v.length; i++) {
            f[i + 2] = (float) v[i];
        }
        f[0] = 99;
        f[f.length - 1] = -99;
        return new Nd4jGradientVector(Nd4j.createFromArray(f).get(NDArrayIndex.interval(2, 2 + v.length)));
    }

    @Test
    void operationsMatchTheReference() {
        double[] a = {1, -2, 3.5, 0.25, -7};
        double[] b = {0.5, 4, -1, 2, 3};
        Nd4jGradientVector x = view(a);
        Nd4jGradientVector y = view(b);
        ArrayGradientVector rx = new ArrayGradientVector(a.clone());
        ArrayGradientVector ry = new ArrayGradientVector(b.clone());
        assertThat(x.dot(y)).isCloseTo(rx.dot(ry), within(1e-6));
        assertThat(x.norm()).isCloseTo(rx.norm(), within(1e-6));
        x.axpy(-0.5, y);
        rx.axpy(-0.5, ry);
        assertThat(x.toArray()).containsExactly(rx.toArray(), within(1e-6));
        x.scale(3);
        rx.scale(3);
        assertThat(x.toArray()).containsExactly(rx.toArray(), within(1e-5));
        assertThat(x.clampValues(4)).isEqualTo(rx.clampValues(4));
        assertThat(x.toArray()).containsExactly(rx.toArray(), within(1e-5));
        GradientVector c = x.copy();
        c.zero();
        assertThat(x.norm()).isPositive();
        assertThat(c.norm()).isZero();
        c.assign(y);
        assertThat(c.toArray()).containsExactly(b, within(1e-6));
        x.axpy(1, new ArrayGradientVector(1, 1, 1, 1, 1));
        rx.axpy(1, new ArrayGradientVector(1, 1, 1, 1, 1));
        assertThat(x.toArray()).containsExactly(rx.toArray(), within(1e-5));
        assertThat(x.isFinite()).isTrue();
        x.set(new double[] {1, Double.NaN, 0, 0, 0});
        assertThat(x.isFinite()).isFalse();
        x.set(new double[] {1, Double.POSITIVE_INFINITY, 0, 0, 0});
        assertThat(x.isFinite()).isFalse();
        assertThatThrownBy(() -> y.axpy(1, new ArrayGradientVector(1, 2))).hasMessage("gradient lengths differ: 5 vs 2");
    }

    @Test
    void viewsWriteThroughAndLeaveNeighboursAlone() {
        float[] f = {9, 1, 2, 3, 9};
        var buf = Nd4j.createFromArray(f);
        Nd4jGradientVector v = new Nd4jGradientVector(buf.get(NDArrayIndex.interval(1, 4)));
        v.scale(2);
        v.clampValues(5);
        assertThat(buf.toFloatVector()).containsExactly(9, 2, 4, 5, 9);
        assertThat(buf.dataType()).isEqualTo(DataType.FLOAT);
        // finiteness looks at the view's own elements only (a plain loop over its memory): NaN neighbours do not count
        var nan = Nd4j.createFromArray(Float.NaN, 1f, 2f, 3f, Float.NaN);
        Nd4jGradientVector inner = new Nd4jGradientVector(nan.get(NDArrayIndex.interval(1, 4)));
        assertThat(inner.isFinite()).isTrue();
        nan.putScalar(3, Float.NEGATIVE_INFINITY);
        assertThat(inner.isFinite()).as("-Inf in the view's last element").isFalse();
    }
}
