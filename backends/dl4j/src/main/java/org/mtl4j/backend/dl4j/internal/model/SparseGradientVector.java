package org.mtl4j.backend.dl4j.internal.model;

import java.util.List;
import org.mtl4j.api.backend.GradientVector;
import org.mtl4j.backend.dl4j.internal.nn.RowBlock;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A gradient over dense parameters and embedding tables: one dense block (a contiguous range of ND4J
 * memory, {@link Nd4jGradientVector}) followed by one {@link RowBlock} per table, each the rows that a
 * batch touched. Its element order ({@link #toArray()}) is the dense block, then each table densely,
 * row after row. Every operation with another vector of the same structure (dot, norm, scale, axpy,
 * assign, clamp, finiteness, {@link #combine}) costs time in the dense length plus the touched rows,
 * never in a table's row count; only {@link #toArray()} and {@link #set} (tests, and element-wise
 * code that has no better way) are dense.
 *
 * <p>The model's gradient is such a vector over its live buffers (writes go through); per-task
 * gradients and the copies balancers make own their memory.
 */
public final class SparseGradientVector implements GradientVector {
    private final Nd4jGradientVector dense;
    private final RowBlock[] tables;
    private final int length;

    public SparseGradientVector(Nd4jGradientVector dense, RowBlock[] tables) {
        this.dense = dense;
        this.tables = tables.clone();
        long n = dense.length();
        for (RowBlock t : tables) {
            n += (long) t.rows() * t.dim();
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a gradient of " + n + " elements is longer than " + Integer.MAX_VALUE
                    + " (the GradientVector contract counts in int)");
        }
        this.length = (int) n;
    }

    /** The dense block. */
    public Nd4jGradientVector dense() {
        return dense;
    }

    /** The table blocks, in order. */
    public RowBlock table(int i) {
        return tables[i];
    }

    public int tableCount() {
        return tables.length;
    }

    @Override
    public int length() {
        return length;
    }

    /** The other vector as a sparse one of the same structure, or null when it is of another kind. */
    private SparseGradientVector same(GradientVector o) {
        if (o.length() != length) {
            throw new IllegalArgumentException("gradient lengths differ: " + length + " vs " + o.length());
        }
        if (o instanceof SparseGradientVector s && s.tables.length == tables.length && s.dense.length() == dense.length()) {
            return s;
        }
        return null;
    }

    @Override
    public double dot(GradientVector other) {
        SparseGradientVector s = same(other);
        if (s == null) {
            return denseDot(toArray(), other.toArray());
        }
        double d = dense.dot(s.dense);
        for (int i = 0; i < tables.length; i++) {
            d += tables[i].dot(s.tables[i]);
        }
        return d;
    }

    private static double denseDot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    @Override
    public void scale(double alpha) {
        dense.scale(alpha);
        for (RowBlock t : tables) {
            t.scale((float) alpha);
        }
    }

    @Override
    public void axpy(double alpha, GradientVector x) {
        SparseGradientVector s = same(x);
        if (s == null) {
            double[] a = toArray();
            double[] b = x.toArray();
            for (int i = 0; i < a.length; i++) {
                a[i] += alpha * b[i];
            }
            set(a);
            return;
        }
        dense.axpy(alpha, s.dense);
        for (int i = 0; i < tables.length; i++) {
            tables[i].axpy((float) alpha, s.tables[i]);
        }
    }

    @Override
    public void assign(GradientVector other) {
        SparseGradientVector s = same(other);
        if (s == null) {
            set(other.toArray());
            return;
        }
        dense.assign(s.dense);
        for (int i = 0; i < tables.length; i++) {
            tables[i].assign(s.tables[i]);
        }
    }

    @Override
    public void zero() {
        dense.zero();
        for (RowBlock t : tables) {
            t.clear();
        }
    }

    @Override
    public long clampValues(double limit) {
        long n = dense.clampValues(limit);
        for (RowBlock t : tables) {
            n += t.clampValues((float) limit);
        }
        return n;
    }

    @Override
    public boolean isFinite() {
        if (!dense.isFinite()) {
            return false;
        }
        for (RowBlock t : tables) {
            if (!t.isFinite()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public GradientVector copy() {
        RowBlock[] c = new RowBlock[tables.length];
        for (int i = 0; i < c.length; i++) {
            c[i] = tables[i].copy();
        }
        return new SparseGradientVector((Nd4jGradientVector) dense.copy(), c);
    }

    @Override
    public GradientVector zerosLike() {
        RowBlock[] c = new RowBlock[tables.length];
        for (int i = 0; i < c.length; i++) {
            c[i] = RowBlock.empty(tables[i].rows(), tables[i].dim());
        }
        Nd4jGradientVector d = dense.length() == 0 ? new Nd4jGradientVector(Nd4j.create(DataType.FLOAT, 0))
                : new Nd4jGradientVector(Nd4j.create(DataType.FLOAT, dense.length()));
        return new SparseGradientVector(d, c);
    }

    @Override
    public double[] toArray() {
        double[] out = new double[length];
        double[] d = dense.toArray();
        System.arraycopy(d, 0, out, 0, d.length);
        int off = d.length;
        for (RowBlock t : tables) {
            t.toDense(out, off);
            off += t.rows() * t.dim();
        }
        return out;
    }

    @Override
    public void set(double[] values) {
        if (values.length != length) {
            throw new IllegalArgumentException("gradient lengths differ: " + length + " vs " + values.length);
        }
        int dl = dense.length();
        dense.set(java.util.Arrays.copyOf(values, dl));
        int off = dl;
        for (RowBlock t : tables) {
            t.fromDense(values, off);
            off += t.rows() * t.dim();
        }
    }

    /**
     * Visits the dense block element by element and, per table, the union of the rows the inputs
     * touched (ascending), so the cost is the dense length plus the touched rows.
     */
    @Override
    public void combine(List<? extends GradientVector> inputs, ElementwiseCombiner f) {
        int t = inputs.size();
        SparseGradientVector[] in = new SparseGradientVector[t];
        for (int k = 0; k < t; k++) {
            in[k] = same(inputs.get(k));
            if (in[k] == null) {
                GradientVector.super.combine(inputs, f);
                return;
            }
        }
        double[] column = new double[t];
        // dense block
        double[][] d = new double[t][];
        for (int k = 0; k < t; k++) {
            d[k] = in[k].dense.toArray();
        }
        double[] out = new double[dense.length()];
        for (int e = 0; e < out.length; e++) {
            boolean any = false;
            for (int k = 0; k < t; k++) {
                column[k] = d[k][e];
                any |= column[k] != 0 || Double.isNaN(column[k]);
            }
            out[e] = any ? f.apply(column) : 0;
        }
        // tables: the union of touched rows, ascending
        RowBlock[] result = new RowBlock[tables.length];
        for (int b = 0; b < tables.length; b++) {
            RowBlock[] blocks = new RowBlock[t];
            int[] pos = new int[t];
            int dim = tables[b].dim();
            for (int k = 0; k < t; k++) {
                blocks[k] = in[k].tables[b];
                blocks[k].sort();
            }
            RowBlock acc = RowBlock.empty(tables[b].rows(), dim);
            float[] row = new float[dim];
            while (true) {
                int next = Integer.MAX_VALUE;
                for (int k = 0; k < t; k++) {
                    if (pos[k] < blocks[k].count()) {
                        next = Math.min(next, blocks[k].ids()[pos[k]]);
                    }
                }
                if (next == Integer.MAX_VALUE) {
                    break;
                }
                for (int j = 0; j < dim; j++) {
                    boolean any = false;
                    for (int k = 0; k < t; k++) {
                        boolean has = pos[k] < blocks[k].count() && blocks[k].ids()[pos[k]] == next;
                        column[k] = has ? blocks[k].values()[pos[k] * dim + j] : 0;
                        any |= column[k] != 0 || Double.isNaN(column[k]);
                    }
                    row[j] = any ? (float) f.apply(column) : 0f;
                }
                acc.appendRow(next, row);
                for (int k = 0; k < t; k++) {
                    if (pos[k] < blocks[k].count() && blocks[k].ids()[pos[k]] == next) {
                        pos[k]++;
                    }
                }
            }
            result[b] = acc;
        }
        dense.set(out);
        for (int b = 0; b < tables.length; b++) {
            tables[b].assign(result[b]);
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("SparseGradientVector[dense ").append(dense.length());
        for (RowBlock t : tables) {
            sb.append(", ").append(t);
        }
        return sb.append(']').toString();
    }
}
