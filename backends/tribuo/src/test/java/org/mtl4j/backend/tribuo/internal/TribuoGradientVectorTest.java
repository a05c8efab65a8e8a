package org.mtl4j.backend.tribuo.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.backend.ArrayGradientVector;
import org.mtl4j.api.backend.GradientVector;

/** The Tribuo-tensor gradient vector against the api's reference {@link ArrayGradientVector}. */
class TribuoGradientVectorTest {
    private static final int[] SUPPORT_A = {1, 4, 6};
    private static final int[] SUPPORT_B = {0, 4, 7};

    /** Two blocks: an 8 x 3 "feature rows" block zero outside {@code support}, and a dense 2 x 2 block. */
    private static TribuoGradientVector vector(Random r, int[] support) {
        double[][] rows = new double[8][3];
        for (int i : support) {
            for (int j = 0; j < 3; j++) {
                rows[i][j] = r.nextGaussian();
            }
        }
        double[][] head = {{r.nextGaussian(), r.nextGaussian()}, {r.nextGaussian(), r.nextGaussian()}};
        List<double[][]> blocks = new ArrayList<>();
        blocks.add(rows);
        blocks.add(head);
        TribuoGradientVector v = new TribuoGradientVector(blocks);
        v.setSupport(0, support);
        return v;
    }

    private static void assertSame(GradientVector v, ArrayGradientVector ref) {
        double[] a = v.toArray();
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i]).isCloseTo(ref.values()[i], within(1e-12));
        }
    }

    @Test
    void everyOperationMatchesTheReferenceWithSharedAndDifferentSupports() {
        Random r = new Random(1);
        TribuoGradientVector a = vector(r, SUPPORT_A);
        TribuoGradientVector b = vector(r, SUPPORT_A);
        TribuoGradientVector c = vector(r, SUPPORT_B);
        ArrayGradientVector ra = new ArrayGradientVector(a.toArray());
        ArrayGradientVector rb = new ArrayGradientVector(b.toArray());
        ArrayGradientVector rc = new ArrayGradientVector(c.toArray());
        assertThat(a.length()).isEqualTo(28);
        assertThat(a.dot(b)).isCloseTo(ra.dot(rb), within(1e-12));
        assertThat(a.dot(c)).isCloseTo(ra.dot(rc), within(1e-12));
        assertThat(a.norm()).isCloseTo(ra.norm(), within(1e-12));
        a.axpy(-0.7, b);
        ra.axpy(-0.7, rb);
        assertSame(a, ra);
        assertThat(a.support(0)).isSameAs(SUPPORT_A);
        a.axpy(2.0, c); // different support: becomes the union
        ra.axpy(2.0, rc);
        assertSame(a, ra);
        assertThat(a.support(0)).containsExactly(0, 1, 4, 6, 7);
        assertThat(a.dot(c)).isCloseTo(ra.dot(rc), within(1e-12));
        a.scale(-3);
        ra.scale(-3);
        assertSame(a, ra);
        GradientVector copy = a.copy();
        assertSame(copy, ra);
        copy.zero();
        assertSame(a, ra); // the copy owns its storage
        assertThat(copy.norm()).isZero();
        b.assign(c);
        assertSame(b, rc);
        assertThat(b.support(0)).isSameAs(SUPPORT_B);
        long clamped = a.clampValues(0.5);
        long refClamped = ra.clampValues(0.5);
        assertThat(clamped).isEqualTo(refClamped).isPositive();
        assertSame(a, ra);
        // another backend's vector as operand
        ArrayGradientVector other = new ArrayGradientVector(c.toArray());
        assertThat(a.dot(other)).isCloseTo(ra.dot(rc), within(1e-12));
        a.axpy(1.5, other);
        ra.axpy(1.5, rc);
        assertSame(a, ra);
        assertThat(a.isFinite()).isTrue();
        a.block(1)[0][1] = Double.NaN;
        assertThat(a.isFinite()).isFalse();
    }

    @Test
    void setKeepsTheSupportOnlyWhileValuesStayInsideIt() {
        Random r = new Random(2);
        TribuoGradientVector a = vector(r, SUPPORT_A);
        double[] v = a.toArray();
        for (int i = 0; i < v.length; i++) {
            v[i] *= 2;
        }
        a.set(v);
        assertThat(a.support(0)).isSameAs(SUPPORT_A);
        v[0] = 1.0; // row 0 is outside the support
        a.set(v);
        assertThat(a.support(0)).isNull();
        assertThat(a.toArray()).containsExactly(v);
    }

    @Test
    void operationsOnASupportedVectorVisitOnlyItsRows() {
        TribuoGradientVector a = vector(new Random(3), SUPPORT_A);
        // a value planted outside the support is invisible to support-restricted operations: that is
        // the contract (the model keeps vectors zero outside their support) and where the speed comes from
        a.block(0)[2][0] = 100;
        assertThat(a.norm()).isLessThan(100);
        a.zero();
        assertThat(a.block(0)[2][0]).isEqualTo(100);
        assertThat(a.block(0)[4]).containsExactly(0, 0, 0);
    }
}
