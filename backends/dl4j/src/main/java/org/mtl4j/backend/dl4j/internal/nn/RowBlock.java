package org.mtl4j.backend.dl4j.internal.nn;

import java.util.Arrays;

/**
 * The gradient of one embedding table as the rows a batch touched: row ids (ascending once
 * {@link #sort sorted}) and their values, {@code dim} floats per row, on the Java heap. Everything here
 * costs time in the number of touched rows, never in the table's row count.
 *
 * <p>A block that the encoders accumulate into (the model's live gradient) owns a row-to-slot map of
 * the table's length (allocated once, reset row by row), so {@link #add} is O(dim); the copies that
 * per-task gradients and balancers make have no map. Two blocks taking part in one operation must
 * describe the same table shape.
 */
public final class RowBlock {
    private final int rows;
    private final int dim;
    private final int[] slot;
    private boolean slotValid = true;
    private boolean sorted = true;
    private int n;
    private int[] ids;
    private float[] vals;

    private RowBlock(int rows, int dim, boolean accumulator, int capacity) {
        if (rows <= 0 || dim <= 0) {
            throw new IllegalArgumentException("table shape must be positive, found [" + rows + ", " + dim + "]");
        }
        this.rows = rows;
        this.dim = dim;
        this.slot = accumulator ? new int[rows] : null;
        if (slot != null) {
            Arrays.fill(slot, -1);
        }
        this.ids = new int[Math.max(capacity, 4)];
        this.vals = new float[Math.max(capacity, 4) * dim];
    }

    /** A block the encoders add rows into (with a row-to-slot map of {@code rows} ints). */
    public static RowBlock accumulator(int rows, int dim) {
        return new RowBlock(rows, dim, true, 64);
    }

    /** An empty block without a slot map (copies, per-task gradients). */
    public static RowBlock empty(int rows, int dim) {
        return new RowBlock(rows, dim, false, 4);
    }

    public int rows() {
        return rows;
    }

    public int dim() {
        return dim;
    }

    /** Number of touched rows. */
    public int count() {
        return n;
    }

    /** Row ids of the touched rows (first {@link #count()} entries; ascending after {@link #sort}). */
    public int[] ids() {
        return ids;
    }

    /** Values of the touched rows, row after row (first {@code count() * dim} entries). */
    public float[] values() {
        return vals;
    }

    private void ensureCapacity(int rowsNeeded) {
        if (ids.length < rowsNeeded) {
            int cap = Math.max(rowsNeeded, ids.length * 2);
            ids = Arrays.copyOf(ids, cap);
            vals = Arrays.copyOf(vals, cap * dim);
        }
    }

    private void dropSlots() {
        if (slot != null && slotValid) {
            for (int i = 0; i < n; i++) {
                slot[ids[i]] = -1;
            }
            slotValid = false;
        }
    }

    /** grad[row] += scale * src[off .. off + dim). Accumulator blocks only. */
    public void add(int row, float[] src, int off, float scale) {
        if (slot == null) {
            throw new IllegalStateException("this row block is a copy; only the model's gradient accumulates rows");
        }
        if (!slotValid) {
            for (int i = 0; i < n; i++) {
                slot[ids[i]] = i;
            }
            slotValid = true;
        }
        int s = slot[row];
        if (s < 0) {
            ensureCapacity(n + 1);
            s = n++;
            ids[s] = row;
            slot[row] = s;
            Arrays.fill(vals, s * dim, s * dim + dim, 0f);
            if (s > 0 && ids[s - 1] > row) {
                sorted = false;
            }
        }
        int o = s * dim;
        if (scale == 1f) {
            for (int j = 0; j < dim; j++) {
                vals[o + j] += src[off + j];
            }
        } else {
            for (int j = 0; j < dim; j++) {
                vals[o + j] += scale * src[off + j];
            }
        }
    }

    /** Appends a row whose id is above every id held (building a sorted block row by row). */
    public void appendRow(int row, float[] values) {
        sort();
        if (n > 0 && ids[n - 1] >= row) {
            throw new IllegalArgumentException("rows must be appended in ascending order: " + row + " after " + ids[n - 1]);
        }
        dropSlots();
        ensureCapacity(n + 1);
        ids[n] = row;
        System.arraycopy(values, 0, vals, n * dim, dim);
        n++;
    }

    /** Forgets every touched row: O(touched rows). */
    public void clear() {
        dropSlots();
        n = 0;
        sorted = true;
        slotValid = true;
    }

    /** Orders the touched rows by id (the order every operation below relies on). */
    public void sort() {
        if (sorted) {
            return;
        }
        dropSlots();
        if (sortKeys == null || sortKeys.length < n) {
            sortKeys = new long[ids.length];
        }
        long[] keys = sortKeys;
        for (int i = 0; i < n; i++) {
            keys[i] = ((long) ids[i] << 32) | i;
        }
        Arrays.sort(keys, 0, n);
        // the model's live gradient is sorted every step: the previous arrays are kept for the next sort
        boolean spare = spareIds != null && spareIds.length >= n;
        int[] newIds = spare ? spareIds : new int[ids.length];
        float[] newVals = spare ? spareVals : new float[vals.length];
        for (int i = 0; i < n; i++) {
            int from = (int) keys[i];
            newIds[i] = (int) (keys[i] >>> 32);
            System.arraycopy(vals, from * dim, newVals, i * dim, dim);
        }
        spareIds = ids;
        spareVals = vals;
        ids = newIds;
        vals = newVals;
        sorted = true;
    }

    /**
     * Scratch of {@link #sort} and {@link #axpy}: the sort keys, and the arrays the rows were in before the last
     * sort or merge (a pair: {@code spareVals.length == spareIds.length * dim}), reused by the next one (the model's
     * gradients are sorted and summed every step).
     */
    private long[] sortKeys;
    private int[] spareIds;
    private float[] spareVals;

    private void check(RowBlock o) {
        if (o.rows != rows || o.dim != dim) {
            throw new IllegalArgumentException("row blocks of tables [" + rows + ", " + dim + "] and [" + o.rows + ", " + o.dim
                    + "] cannot be combined");
        }
        sort();
        o.sort();
    }

    /** Dot product, accumulated in double, over the rows both blocks touched. */
    public double dot(RowBlock o) {
        check(o);
        double s = 0;
        if (o == this) {
            for (int i = 0; i < n * dim; i++) {
                s += (double) vals[i] * vals[i];
            }
            return s;
        }
        int i = 0;
        int j = 0;
        while (i < n && j < o.n) {
            int a = ids[i];
            int b = o.ids[j];
            if (a == b) {
                int x = i * dim;
                int y = j * dim;
                for (int k = 0; k < dim; k++) {
                    s += (double) vals[x + k] * o.vals[y + k];
                }
                i++;
                j++;
            } else if (a < b) {
                i++;
            } else {
                j++;
            }
        }
        return s;
    }

    public void scale(float alpha) {
        for (int i = 0; i < n * dim; i++) {
            vals[i] *= alpha;
        }
    }

    /** this += alpha * x over the union of the touched rows. */
    public void axpy(float alpha, RowBlock x) {
        check(x);
        if (x == this) {
            scale(1 + alpha);
            return;
        }
        // count the union; in place when x's rows are a subset of ours
        int union = n;
        int i = 0;
        int j = 0;
        while (j < x.n) {
            if (i < n && ids[i] < x.ids[j]) {
                i++;
            } else if (i < n && ids[i] == x.ids[j]) {
                i++;
                j++;
            } else {
                union++;
                j++;
            }
        }
        if (union == n) {
            i = 0;
            for (j = 0; j < x.n; j++) {
                while (ids[i] != x.ids[j]) {
                    i++;
                }
                int a = i * dim;
                int b = j * dim;
                for (int k = 0; k < dim; k++) {
                    vals[a + k] += alpha * x.vals[b + k];
                }
            }
            return;
        }
        dropSlots();
        boolean spare = spareIds != null && spareIds.length >= union;
        int cap = Math.max(Math.max(union, 4), ids.length);
        int[] newIds = spare ? spareIds : new int[cap];
        float[] newVals = spare ? spareVals : new float[cap * dim];
        i = 0;
        j = 0;
        int o = 0;
        while (i < n || j < x.n) {
            if (j >= x.n || (i < n && ids[i] < x.ids[j])) {
                newIds[o] = ids[i];
                System.arraycopy(vals, i * dim, newVals, o * dim, dim);
                i++;
            } else if (i >= n || x.ids[j] < ids[i]) {
                newIds[o] = x.ids[j];
                int a = o * dim;
                int b = j * dim;
                for (int k = 0; k < dim; k++) {
                    newVals[a + k] = alpha * x.vals[b + k];
                }
                j++;
            } else {
                newIds[o] = ids[i];
                int a = o * dim;
                int b = j * dim;
                int c = i * dim;
                for (int k = 0; k < dim; k++) {
                    newVals[a + k] = vals[c + k] + alpha * x.vals[b + k];
                }
                i++;
                j++;
            }
            o++;
        }
        spareIds = ids;
        spareVals = vals;
        ids = newIds;
        vals = newVals;
        n = union;
    }

    /** this = x (same rows, same values). */
    public void assign(RowBlock x) {
        check(x);
        if (x == this) {
            return;
        }
        dropSlots();
        ensureCapacity(x.n);
        System.arraycopy(x.ids, 0, ids, 0, x.n);
        System.arraycopy(x.vals, 0, vals, 0, x.n * dim);
        n = x.n;
    }

    /** A copy without a slot map. */
    public RowBlock copy() {
        sort();
        RowBlock c = new RowBlock(rows, dim, false, n);
        System.arraycopy(ids, 0, c.ids, 0, n);
        System.arraycopy(vals, 0, c.vals, 0, n * dim);
        c.n = n;
        return c;
    }

    public long clampValues(float limit) {
        long changed = 0;
        for (int i = 0; i < n * dim; i++) {
            float v = vals[i];
            if (v > limit) {
                vals[i] = limit;
                changed++;
            } else if (v < -limit) {
                vals[i] = -limit;
                changed++;
            }
        }
        return changed;
    }

    public boolean isFinite() {
        for (int i = 0; i < n * dim; i++) {
            if (!Float.isFinite(vals[i])) {
                return false;
            }
        }
        return true;
    }

    /** Writes the block densely into {@code out[offset .. offset + rows * dim)} (tests, toArray). */
    public void toDense(double[] out, int offset) {
        Arrays.fill(out, offset, offset + rows * dim, 0);
        for (int i = 0; i < n; i++) {
            int base = offset + ids[i] * dim;
            for (int k = 0; k < dim; k++) {
                out[base + k] += vals[i * dim + k];
            }
        }
    }

    /** Reads the block from a dense array: every row with a non-zero element becomes touched. */
    public void fromDense(double[] in, int offset) {
        dropSlots();
        n = 0;
        sorted = true;
        for (int r = 0; r < rows; r++) {
            int base = offset + r * dim;
            boolean any = false;
            for (int k = 0; k < dim; k++) {
                if (in[base + k] != 0) {
                    any = true;
                    break;
                }
            }
            if (any) {
                ensureCapacity(n + 1);
                ids[n] = r;
                for (int k = 0; k < dim; k++) {
                    vals[n * dim + k] = (float) in[base + k];
                }
                n++;
            }
        }
    }

    @Override
    public String toString() {
        return "RowBlock[" + n + " of " + rows + " x " + dim + "]";
    }
}
