package org.mtl4j.backend.tribuo.internal;

import java.util.Arrays;
import java.util.List;
import org.mtl4j.api.backend.GradientVector;

/**
 * A {@link GradientVector} over the row arrays of Tribuo tensors ({@link FmMatrix}, {@link FmVector}):
 * the vector is the concatenation of its blocks, each block row-major. No operation copies the
 * tensors.
 *
 * <p>Sparsity: a block may carry a <em>support</em>, the sorted rows outside which it is known to
 * be zero (the feature rows a minibatch touched). Operations then visit only those rows, so a
 * balancer's dot products and axpys cost O(rows touched), not O(vocabulary). Support arrays are
 * never mutated once set; vectors of the same step share them, and an operation between vectors
 * with different supports falls back to a correct wider visit (union, or every row).
 */
public final class TribuoGradientVector implements GradientVector {
    /**
     * The support of one tensor, shared by every view of that tensor (the whole gradient buffer,
     * its shared part, one parameter block), so that whichever view a balancer writes through,
     * the optimiser sees where the gradient may be non-zero.
     */
    public static final class Cell {
        int[] rows;

        /** Sorted rows that may be non-zero, or null for every row. */
        public int[] rows() {
            return rows;
        }

        public void set(int[] sortedRows) {
            rows = sortedRows;
        }
    }

    private final double[][][] blocks;
    private final Cell[] cells;
    private final int length;

    /** A vector over the given blocks (not copied) with fresh supports ("all rows"). */
    public TribuoGradientVector(List<double[][]> blocks) {
        this(blocks, freshCells(blocks.size()));
    }

    /** A vector over the given blocks (not copied) whose supports live in {@code cells}. */
    public TribuoGradientVector(List<double[][]> blocks, List<Cell> cells) {
        this.blocks = blocks.toArray(new double[0][][]);
        this.cells = cells.toArray(new Cell[0]);
        if (this.cells.length != this.blocks.length) {
            throw new IllegalArgumentException(this.blocks.length + " blocks but " + this.cells.length + " support cells");
        }
        int n = 0;
        for (double[][] b : this.blocks) {
            for (double[] row : b) {
                n += row.length;
            }
        }
        this.length = n;
    }

    private TribuoGradientVector(double[][][] blocks, Cell[] cells, int length) {
        this.blocks = blocks;
        this.cells = cells;
        this.length = length;
    }

    public static List<Cell> freshCells(int n) {
        List<Cell> out = new java.util.ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new Cell());
        }
        return out;
    }

    private static Cell[] freshCellArray(int n) {
        return freshCells(n).toArray(new Cell[0]);
    }

    /** The rows of block {@code b} (not a copy). */
    public double[][] block(int b) {
        return blocks[b];
    }

    /** A view of blocks [from, to) of this vector: the same rows and supports, writes go through. */
    public TribuoGradientVector blocks(int from, int to) {
        double[][][] b = java.util.Arrays.copyOfRange(blocks, from, to);
        int n = 0;
        for (double[][] block : b) {
            for (double[] row : block) {
                n += row.length;
            }
        }
        return new TribuoGradientVector(b, java.util.Arrays.copyOfRange(cells, from, to), n);
    }

    public int blockCount() {
        return blocks.length;
    }

    /** The support of block {@code b}: sorted rows that may be non-zero, or null for every row. */
    public int[] support(int b) {
        return cells[b].rows;
    }

    /** Declares block {@code b} zero outside {@code rows} (sorted, not mutated afterwards), or null. */
    public void setSupport(int b, int[] rows) {
        cells[b].rows = rows;
    }

    @Override
    public int length() {
        return length;
    }

    private TribuoGradientVector other(GradientVector o) {
        if (o.length() != length) {
            throw new IllegalArgumentException("gradient lengths differ: " + length + " vs " + o.length());
        }
        if (o instanceof TribuoGradientVector t && t.blocks.length == blocks.length) {
            return t;
        }
        // A vector of another backend: view a copy of its values in our block shapes.
        TribuoGradientVector t = zerosLikeDense();
        t.set(o.toArray());
        return t;
    }

    private TribuoGradientVector zerosLikeDense() {
        double[][][] nb = new double[blocks.length][][];
        for (int b = 0; b < blocks.length; b++) {
            nb[b] = new double[blocks[b].length][];
            for (int r = 0; r < blocks[b].length; r++) {
                nb[b][r] = new double[blocks[b][r].length];
            }
        }
        return new TribuoGradientVector(nb, freshCellArray(blocks.length), length);
    }

    @Override
    public double dot(GradientVector o) {
        TribuoGradientVector x = other(o);
        double s = 0;
        for (int b = 0; b < blocks.length; b++) {
            double[][] a = blocks[b];
            double[][] c = x.blocks[b];
            // The product is zero outside either support: visit the one that is known.
            int[] sup = cells[b].rows != null ? cells[b].rows : x.cells[b].rows;
            if (sup == null) {
                for (int r = 0; r < a.length; r++) {
                    s += dotRow(a[r], c[r]);
                }
            } else {
                for (int r : sup) {
                    s += dotRow(a[r], c[r]);
                }
            }
        }
        return s;
    }

    private static double dotRow(double[] a, double[] c) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += a[j] * c[j];
        }
        return s;
    }

    @Override
    public void scale(double alpha) {
        for (int b = 0; b < blocks.length; b++) {
            double[][] a = blocks[b];
            int[] sup = cells[b].rows;
            int n = sup == null ? a.length : sup.length;
            for (int k = 0; k < n; k++) {
                double[] row = a[sup == null ? k : sup[k]];
                for (int j = 0; j < row.length; j++) {
                    row[j] *= alpha;
                }
            }
        }
    }

    @Override
    public void axpy(double alpha, GradientVector o) {
        TribuoGradientVector x = other(o);
        for (int b = 0; b < blocks.length; b++) {
            double[][] a = blocks[b];
            double[][] c = x.blocks[b];
            int[] xs = x.cells[b].rows;
            if (xs == null) {
                for (int r = 0; r < a.length; r++) {
                    axpyRow(alpha, c[r], a[r]);
                }
                cells[b].rows = null;
            } else {
                for (int r : xs) {
                    axpyRow(alpha, c[r], a[r]);
                }
                if (cells[b].rows != null && cells[b].rows != xs) {
                    cells[b].rows = union(cells[b].rows, xs);
                }
            }
        }
    }

    private static void axpyRow(double alpha, double[] x, double[] y) {
        for (int j = 0; j < y.length; j++) {
            y[j] += alpha * x[j];
        }
    }

    static int[] union(int[] a, int[] c) {
        int[] out = new int[a.length + c.length];
        int i = 0;
        int j = 0;
        int n = 0;
        while (i < a.length || j < c.length) {
            int v;
            if (j >= c.length || (i < a.length && a[i] < c[j])) {
                v = a[i++];
            } else if (i >= a.length || c[j] < a[i]) {
                v = c[j++];
            } else {
                v = a[i++];
                j++;
            }
            out[n++] = v;
        }
        return Arrays.copyOf(out, n);
    }

    @Override
    public void assign(GradientVector o) {
        TribuoGradientVector x = other(o);
        if (x == this) {
            return;
        }
        zero();
        for (int b = 0; b < blocks.length; b++) {
            double[][] a = blocks[b];
            double[][] c = x.blocks[b];
            int[] xs = x.cells[b].rows;
            if (xs == null) {
                for (int r = 0; r < a.length; r++) {
                    System.arraycopy(c[r], 0, a[r], 0, a[r].length);
                }
            } else {
                for (int r : xs) {
                    System.arraycopy(c[r], 0, a[r], 0, a[r].length);
                }
            }
            cells[b].rows = xs;
        }
    }

    @Override
    public void zero() {
        for (int b = 0; b < blocks.length; b++) {
            double[][] a = blocks[b];
            int[] sup = cells[b].rows;
            if (sup == null) {
                for (double[] row : a) {
                    Arrays.fill(row, 0);
                }
            } else {
                for (int r : sup) {
                    Arrays.fill(a[r], 0);
                }
            }
        }
    }

    @Override
    public long clampValues(double limit) {
        long n = 0;
        for (int b = 0; b < blocks.length; b++) {
            double[][] a = blocks[b];
            int[] sup = cells[b].rows;
            int m = sup == null ? a.length : sup.length;
            for (int k = 0; k < m; k++) {
                double[] row = a[sup == null ? k : sup[k]];
                for (int j = 0; j < row.length; j++) {
                    if (row[j] > limit) {
                        row[j] = limit;
                        n++;
                    } else if (row[j] < -limit) {
                        row[j] = -limit;
                        n++;
                    }
                }
            }
        }
        return n;
    }

    @Override
    public boolean isFinite() {
        for (int b = 0; b < blocks.length; b++) {
            double[][] a = blocks[b];
            int[] sup = cells[b].rows;
            int m = sup == null ? a.length : sup.length;
            for (int k = 0; k < m; k++) {
                for (double v : a[sup == null ? k : sup[k]]) {
                    if (!Double.isFinite(v)) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    @Override
    public GradientVector copy() {
        TribuoGradientVector c = zerosLikeDense();
        c.assign(this);
        return c;
    }

    @Override
    public GradientVector zerosLike() {
        TribuoGradientVector z = zerosLikeDense();
        for (int b = 0; b < cells.length; b++) {
            z.cells[b].rows = cells[b].rows;
        }
        return z;
    }

    @Override
    public double[] toArray() {
        double[] out = new double[length];
        int p = 0;
        for (double[][] a : blocks) {
            for (double[] row : a) {
                System.arraycopy(row, 0, out, p, row.length);
                p += row.length;
            }
        }
        return out;
    }

    @Override
    public void set(double[] values) {
        if (values.length != length) {
            throw new IllegalArgumentException("gradient lengths differ: " + length + " vs " + values.length);
        }
        int p = 0;
        for (int b = 0; b < blocks.length; b++) {
            double[][] a = blocks[b];
            int[] sup = cells[b].rows;
            int next = 0;
            boolean outside = false;
            for (int r = 0; r < a.length; r++) {
                double[] row = a[r];
                boolean in = sup == null;
                if (!in && next < sup.length && sup[next] == r) {
                    in = true;
                    next++;
                }
                for (int j = 0; j < row.length; j++) {
                    double v = values[p++];
                    row[j] = v;
                    if (!in && v != 0) {
                        outside = true;
                    }
                }
            }
            if (outside) {
                cells[b].rows = null;
            }
        }
    }

    @Override
    public String toString() {
        return "TribuoGradientVector[length=" + length + ", blocks=" + blocks.length + "]";
    }
}
