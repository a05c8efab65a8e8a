package org.mtl4j.spark.internal;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.mtl4j.api.backend.GradientVector;
import org.mtl4j.backend.dl4j.internal.model.SparseGradientVector;
import org.mtl4j.backend.dl4j.internal.nn.RowBlock;

/**
 * One task's gradient as it travels between executors and the driver: the dense part as numbers and
 * every embedding table as the rows a shard touched (sorted ids and their values), never as the
 * table. A vector of the DL4J backend ({@link SparseGradientVector}) is read block by block in its
 * own float precision; any other backend's vector travels densely in doubles ({@link GradientVector#toArray()}).
 * Sums of encoded gradients ({@link #add}) merge touched rows, so a reduce over shards costs the
 * touched rows, not the tables.
 */
public final class EncodedGradient {
    /** Dense values (dl4j: the dense block; otherwise the whole vector). */
    private double[] dense;
    private final boolean floats;
    private final int[] tableRows;
    private final int[] tableDims;
    private final int[][] ids;
    private final float[][] values;

    private EncodedGradient(double[] dense, boolean floats, int[] tableRows, int[] tableDims, int[][] ids, float[][] values) {
        this.dense = dense;
        this.floats = floats;
        this.tableRows = tableRows;
        this.tableDims = tableDims;
        this.ids = ids;
        this.values = values;
    }

    /** {@code alpha * g}, encoded. */
    public static EncodedGradient of(GradientVector g, double alpha) {
        if (g instanceof SparseGradientVector s) {
            double[] d = s.dense().length() == 0 ? new double[0] : s.dense().toArray();
            scale(d, alpha);
            int t = s.tableCount();
            int[] rows = new int[t];
            int[] dims = new int[t];
            int[][] ids = new int[t][];
            float[][] vals = new float[t][];
            for (int i = 0; i < t; i++) {
                RowBlock b = s.table(i);
                b.sort();
                rows[i] = b.rows();
                dims[i] = b.dim();
                ids[i] = Arrays.copyOf(b.ids(), b.count());
                vals[i] = Arrays.copyOf(b.values(), b.count() * b.dim());
                if (alpha != 1) {
                    for (int j = 0; j < vals[i].length; j++) {
                        vals[i][j] = (float) (vals[i][j] * alpha);
                    }
                }
            }
            return new EncodedGradient(d, true, rows, dims, ids, vals);
        }
        double[] d = g.toArray();
        scale(d, alpha);
        return new EncodedGradient(d, false, new int[0], new int[0], new int[0][], new float[0][]);
    }

    /** {@code alpha * values} as a dense vector (the averaging mode's parameters). */
    public static EncodedGradient dense(double[] values, double alpha) {
        double[] d = values.clone();
        scale(d, alpha);
        return new EncodedGradient(d, false, new int[0], new int[0], new int[0][], new float[0][]);
    }

    /** The dense values (the averaging mode's parameters); a view. */
    public double[] denseValues() {
        return dense;
    }

    private static void scale(double[] d, double alpha) {
        if (alpha != 1) {
            for (int i = 0; i < d.length; i++) {
                d[i] *= alpha;
            }
        }
    }

    /** this += other (same structure): dense element-wise, tables as a merge of sorted touched rows. */
    public void add(EncodedGradient o) {
        if (o.dense.length != dense.length || o.ids.length != ids.length) {
            throw new IllegalArgumentException("gradient structures differ: " + dense.length + "+" + ids.length + " tables vs "
                    + o.dense.length + "+" + o.ids.length);
        }
        for (int i = 0; i < dense.length; i++) {
            dense[i] += o.dense[i];
        }
        for (int t = 0; t < ids.length; t++) {
            merge(t, o.ids[t], o.values[t]);
        }
    }

    private void merge(int t, int[] bIds, float[] bVals) {
        int[] aIds = ids[t];
        float[] aVals = values[t];
        int dim = tableDims[t];
        int[] outIds = new int[aIds.length + bIds.length];
        float[] outVals = new float[outIds.length * dim];
        int i = 0;
        int j = 0;
        int n = 0;
        while (i < aIds.length || j < bIds.length) {
            int a = i < aIds.length ? aIds[i] : Integer.MAX_VALUE;
            int b = j < bIds.length ? bIds[j] : Integer.MAX_VALUE;
            if (a < b) {
                outIds[n] = a;
                System.arraycopy(aVals, i * dim, outVals, n * dim, dim);
                i++;
            } else if (b < a) {
                outIds[n] = b;
                System.arraycopy(bVals, j * dim, outVals, n * dim, dim);
                j++;
            } else {
                outIds[n] = a;
                for (int e = 0; e < dim; e++) {
                    outVals[n * dim + e] = aVals[i * dim + e] + bVals[j * dim + e];
                }
                i++;
                j++;
            }
            n++;
        }
        ids[t] = Arrays.copyOf(outIds, n);
        values[t] = Arrays.copyOf(outVals, n * dim);
    }

    /** this *= alpha. */
    public void scale(double alpha) {
        scale(dense, alpha);
        for (float[] v : values) {
            for (int j = 0; j < v.length; j++) {
                v[j] = (float) (v[j] * alpha);
            }
        }
    }

    /** Writes this gradient into {@code target} (a vector of the same model, e.g. from {@code newGradient()}). */
    public void decodeInto(GradientVector target) {
        if (target instanceof SparseGradientVector s && floats) {
            if (s.dense().length() > 0) {
                s.dense().set(dense);
            }
            for (int t = 0; t < ids.length; t++) {
                RowBlock b = s.table(t);
                b.clear();
                int dim = tableDims[t];
                float[] row = new float[dim];
                for (int r = 0; r < ids[t].length; r++) {
                    System.arraycopy(values[t], r * dim, row, 0, dim);
                    b.appendRow(ids[t][r], row);
                }
            }
            return;
        }
        if (ids.length > 0) {
            throw new IllegalArgumentException("a sparse gradient cannot be written into " + target.getClass().getSimpleName());
        }
        target.set(dense);
    }

    /** Touched rows over all tables (for the byte counts of the benchmark). */
    public long touchedRows() {
        long n = 0;
        for (int[] i : ids) {
            n += i.length;
        }
        return n;
    }

    /** This gradient as bytes (the driver's final gradient of a step, broadcast to the executors). */
    public byte[] toBytes() {
        java.io.ByteArrayOutputStream bo = new java.io.ByteArrayOutputStream();
        try (DataOutputStream d = new DataOutputStream(bo)) {
            write(d);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bo.toByteArray();
    }

    /** Reads what {@link #toBytes()} wrote. */
    public static EncodedGradient read(byte[] bytes) {
        try (DataInputStream d = new DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
            return read(d);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    void write(DataOutputStream out) throws IOException {
        out.writeBoolean(floats);
        out.writeInt(dense.length);
        for (double v : dense) {
            if (floats) {
                out.writeFloat((float) v);
            } else {
                out.writeDouble(v);
            }
        }
        out.writeInt(ids.length);
        for (int t = 0; t < ids.length; t++) {
            out.writeInt(tableRows[t]);
            out.writeInt(tableDims[t]);
            out.writeInt(ids[t].length);
            for (int id : ids[t]) {
                out.writeInt(id);
            }
            for (float v : values[t]) {
                out.writeFloat(v);
            }
        }
    }

    static EncodedGradient read(DataInputStream in) throws IOException {
        boolean floats = in.readBoolean();
        double[] dense = new double[in.readInt()];
        for (int i = 0; i < dense.length; i++) {
            dense[i] = floats ? in.readFloat() : in.readDouble();
        }
        int t = in.readInt();
        int[] rows = new int[t];
        int[] dims = new int[t];
        int[][] ids = new int[t][];
        float[][] vals = new float[t][];
        for (int i = 0; i < t; i++) {
            rows[i] = in.readInt();
            dims[i] = in.readInt();
            ids[i] = new int[in.readInt()];
            for (int r = 0; r < ids[i].length; r++) {
                ids[i][r] = in.readInt();
            }
            vals[i] = new float[ids[i].length * dims[i]];
            for (int r = 0; r < vals[i].length; r++) {
                vals[i][r] = in.readFloat();
            }
        }
        return new EncodedGradient(dense, floats, rows, dims, ids, vals);
    }
}
