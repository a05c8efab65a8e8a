package org.mtl4j.backend.dl4j.internal.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** RowBlock's sparse algebra against the same operations on dense arrays, random supports, 200 rounds. */
class RowBlockTest {
    private static final int ROWS = 50;
    private static final int DIM = 3;

    private static double[] dense(RowBlock b) {
        double[] d = new double[ROWS * DIM];
        b.toDense(d, 0);
        return d;
    }

    /** Adds random rows (unsorted, with repeats) to an accumulator and to its dense twin. */
    private static void fill(RowBlock acc, double[] twin, Random rng, int adds) {
        float[] src = new float[DIM];
        for (int a = 0; a < adds; a++) {
            int row = rng.nextInt(ROWS);
            for (int j = 0; j < DIM; j++) {
                src[j] = (float) rng.nextGaussian();
            }
            float scale = rng.nextBoolean() ? 1f : 0.5f;
            acc.add(row, src, 0, scale);
            for (int j = 0; j < DIM; j++) {
                twin[row * DIM + j] += scale * src[j];
            }
        }
    }

    @Test
    void operationsMatchDenseArithmetic() {
        Random rng = new Random(5);
        RowBlock a = RowBlock.accumulator(ROWS, DIM);
        RowBlock b = RowBlock.accumulator(ROWS, DIM);
        for (int round = 0; round < 200; round++) {
            a.clear();
            b.clear();
            double[] da = new double[ROWS * DIM];
            double[] db = new double[ROWS * DIM];
            fill(a, da, rng, rng.nextInt(12));
            fill(b, db, rng, rng.nextInt(12));
            assertThat(dense(a)).containsExactly(da, within(1e-6));
            double dot = 0;
            for (int i = 0; i < da.length; i++) {
                dot += da[i] * db[i];
            }
            assertThat(a.dot(b)).isCloseTo(dot, within(1e-5));
            RowBlock c = a.copy();
            float alpha = (float) rng.nextGaussian();
            c.axpy(alpha, b);
            for (int i = 0; i < da.length; i++) {
                da[i] += alpha * db[i];
            }
            assertThat(dense(c)).containsExactly(da, within(1e-5));
            // the accumulator keeps accumulating correctly after its rows were replaced by a merge
            a.assign(c);
            a.axpy(1f, b);
            for (int i = 0; i < da.length; i++) {
                da[i] += db[i];
            }
            fill(a, da, rng, 5);
            assertThat(dense(a)).containsExactly(da, within(1e-5));
            assertThat(a.count()).isLessThanOrEqualTo(ROWS);
            for (int i = 1; i < c.count(); i++) {
                assertThat(c.ids()[i]).isGreaterThan(c.ids()[i - 1]);
            }
        }
    }

    @Test
    void copiesCannotAccumulateAndShapesMustAgree() {
        RowBlock copy = RowBlock.accumulator(ROWS, DIM).copy();
        assertThatThrownBy(() -> copy.add(1, new float[DIM], 0, 1f))
                .hasMessage("this row block is a copy; only the model's gradient accumulates rows");
        assertThatThrownBy(() -> copy.dot(RowBlock.empty(ROWS, 4)))
                .hasMessage("row blocks of tables [50, 3] and [50, 4] cannot be combined");
    }
}
