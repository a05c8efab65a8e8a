package org.mtl4j.backend.dl4j.internal.model;

import java.nio.FloatBuffer;
import org.mtl4j.api.backend.ArrayGradientVector;
import org.mtl4j.api.backend.GradientVector;
import org.mtl4j.backend.dl4j.internal.nn.RowBlock;

/**
 * The touched rows of one embedding table's gradient as a compact vector of {@code count * dim}
 * elements (row after row, in the block's order), writing through to the {@link RowBlock}: the
 * gradient of a table's {@link org.mtl4j.api.backend.ParameterBlock}. Its support is fixed: it
 * never adds or drops rows.
 */
final class TouchedRowsVector implements GradientVector {
    private final RowBlock rows;
    private final int length;

    TouchedRowsVector(RowBlock rows) {
        this.rows = rows;
        this.length = rows.count() * rows.dim();
    }

    /**
     * The table's values at the same rows, in the same order, writing through to the table (AGC reads
     * them for its weight norms; a finite-difference check perturbs them).
     */
    GradientVector tableRows(FloatBuffer table) {
        return new TableRows(table, rows.ids().clone(), rows.count(), rows.dim());
    }

    /** Rows {@code ids[0..count)} of a [rows, dim] table as one vector, read and written in place. */
    private static final class TableRows implements GradientVector {
        private final FloatBuffer table;
        private final int[] ids;
        private final int count;
        private final int dim;

        TableRows(FloatBuffer table, int[] ids, int count, int dim) {
            this.table = table;
            this.ids = ids;
            this.count = count;
            this.dim = dim;
        }

        @Override
        public int length() {
            return count * dim;
        }

        @Override
        public double[] toArray() {
            double[] v = new double[count * dim];
            for (int i = 0; i < count; i++) {
                int base = ids[i] * dim;
                for (int j = 0; j < dim; j++) {
                    v[i * dim + j] = table.get(base + j);
                }
            }
            return v;
        }

        @Override
        public void set(double[] values) {
            if (values.length != count * dim) {
                throw new IllegalArgumentException("gradient lengths differ: " + count * dim + " vs " + values.length);
            }
            for (int i = 0; i < count; i++) {
                int base = ids[i] * dim;
                for (int j = 0; j < dim; j++) {
                    table.put(base + j, (float) values[i * dim + j]);
                }
            }
        }

        @Override
        public double dot(GradientVector other) {
            return new ArrayGradientVector(toArray()).dot(other);
        }

        @Override
        public void scale(double alpha) {
            GradientVector v = new ArrayGradientVector(toArray());
            v.scale(alpha);
            set(v.toArray());
        }

        @Override
        public void axpy(double alpha, GradientVector x) {
            GradientVector v = new ArrayGradientVector(toArray());
            v.axpy(alpha, x);
            set(v.toArray());
        }

        @Override
        public void assign(GradientVector other) {
            set(other.toArray());
        }

        @Override
        public void zero() {
            set(new double[count * dim]);
        }

        @Override
        public long clampValues(double limit) {
            GradientVector v = new ArrayGradientVector(toArray());
            long n = v.clampValues(limit);
            set(v.toArray());
            return n;
        }

        @Override
        public boolean isFinite() {
            return new ArrayGradientVector(toArray()).isFinite();
        }

        @Override
        public GradientVector copy() {
            return new ArrayGradientVector(toArray());
        }
    }

    private float[] vals() {
        if (rows.count() * rows.dim() != length) {
            throw new IllegalStateException("the touched rows of the table changed since this block was taken (" + length / rows.dim()
                    + " then, " + rows.count() + " now)");
        }
        return rows.values();
    }

    private void check(GradientVector o) {
        if (o.length() != length) {
            throw new IllegalArgumentException("gradient lengths differ: " + length + " vs " + o.length());
        }
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public double dot(GradientVector other) {
        check(other);
        float[] a = vals();
        double[] b = other.toArray();
        double s = 0;
        for (int i = 0; i < length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    @Override
    public void scale(double alpha) {
        float[] a = vals();
        for (int i = 0; i < length; i++) {
            a[i] *= (float) alpha;
        }
    }

    @Override
    public void axpy(double alpha, GradientVector x) {
        check(x);
        float[] a = vals();
        double[] b = x.toArray();
        for (int i = 0; i < length; i++) {
            a[i] += (float) (alpha * b[i]);
        }
    }

    @Override
    public void assign(GradientVector other) {
        check(other);
        set(other.toArray());
    }

    @Override
    public void zero() {
        java.util.Arrays.fill(vals(), 0, length, 0f);
    }

    @Override
    public long clampValues(double limit) {
        float[] a = vals();
        long n = 0;
        for (int i = 0; i < length; i++) {
            if (Math.abs(a[i]) > limit) {
                a[i] = (float) Math.max(-limit, Math.min(limit, a[i]));
                n++;
            }
        }
        return n;
    }

    @Override
    public boolean isFinite() {
        float[] a = vals();
        for (int i = 0; i < length; i++) {
            if (!Float.isFinite(a[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public GradientVector copy() {
        return new ArrayGradientVector(toArray());
    }

    @Override
    public double[] toArray() {
        float[] a = vals();
        double[] d = new double[length];
        for (int i = 0; i < length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    @Override
    public void set(double[] values) {
        check(new ArrayGradientVector(values));
        float[] a = vals();
        for (int i = 0; i < length; i++) {
            a[i] = (float) values[i];
        }
    }

    @Override
    public String toString() {
        return "TouchedRowsVector[" + rows.count() + " rows x " + rows.dim() + "]";
    }
}
