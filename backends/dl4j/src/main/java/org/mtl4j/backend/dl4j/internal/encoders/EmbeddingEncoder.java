package org.mtl4j.backend.dl4j.internal.encoders;

import java.nio.FloatBuffer;
import java.util.List;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.Feature;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.Pooling;
import org.mtl4j.backend.dl4j.internal.nn.EmbeddingTables;
import org.mtl4j.backend.dl4j.internal.nn.Mat;
import org.mtl4j.backend.dl4j.internal.nn.Param;
import org.mtl4j.backend.dl4j.internal.nn.RowBlock;

/**
 * Categorical ids (one row each) or multi-hot bags (mean or sum of the rows of a bag) looked up in
 * an embedding table. An id outside the table maps to the out-of-vocabulary row, never to an error.
 * The lookup and the scatter-add of the gradient are index copies straight on the table's ND4J
 * memory, the gradient goes into the table's sparse {@link RowBlock}
 * (one row per id), so the step never touches the rest of the table.
 */
public final class EmbeddingEncoder implements MatEncoder {
    private final String input;
    private final Param table;
    private final int rows;
    private final int dim;
    private final boolean bag;
    private final Pooling pooling;
    private FloatBuffer values;
    private int[] ids = new int[0];
    private int[] offsets = new int[0];
    private float[] out = new float[0];
    private float[] grad = new float[0];
    private int batch;

    public EmbeddingEncoder(String input, String tableName, Vocabulary vocabulary, int dim, boolean bag, Pooling pooling,
            EmbeddingTables tables, String owner) {
        if (vocabulary == null) {
            throw new MtlException("input '" + input + "' has no vocabulary (the dataset must supply one for every id input)");
        }
        this.input = input;
        this.rows = vocabulary.size();
        this.dim = dim;
        this.bag = bag;
        this.pooling = pooling;
        this.table = tables.table(tableName, rows, dim, owner);
    }

    @Override
    public String input() {
        return input;
    }

    @Override
    public int outputWidth() {
        return dim;
    }

    private int clamp(int id) {
        return id < 0 || id >= rows ? Vocabulary.OOV : id;
    }

    @Override
    public void forwardInto(Batch batch, Mat target, boolean training) {
        int n = batch.size();
        ensure(n);
        forwardInto(batch, out, dim, 0, training);
        target.put(out);
    }

    private void ensure(int n) {
        if (out.length < n * dim) {
            out = new float[n * dim];
            grad = new float[n * dim];
        }
    }

    @Override
    public boolean forwardInto(Batch batch, float[] x, int ld, int col, boolean training) {
        if (values == null) {
            values = Mat.of(table.value()).buffer();
        }
        int n = batch.size();
        this.batch = n;
        Feature f = batch.feature(input);
        ensure(n);
        if (bag) {
            if (!(f instanceof Feature.Bag b) || b.offsets().length != n + 1) {
                throw new MtlException("input '" + input + "' expects a multi-hot bag per row (" + (n + 1) + " offsets), found "
                        + DenseEncoder.describe(f));
            }
            ids = b.ids();
            offsets = b.offsets();
            for (int r = 0; r < n; r++) {
                int from = offsets[r];
                int to = offsets[r + 1];
                float scale = pooling == Pooling.MEAN && to > from ? 1f / (to - from) : 1f;
                int o = r * ld + col;
                java.util.Arrays.fill(x, o, o + dim, 0f);
                for (int i = from; i < to; i++) {
                    int base = clamp(ids[i]) * dim;
                    for (int j = 0; j < dim; j++) {
                        x[o + j] += scale * values.get(base + j);
                    }
                }
            }
        } else {
            if (!(f instanceof Feature.Ids idf) || idf.ids().length != n) {
                throw new MtlException("input '" + input + "' expects one id per row (" + n + "), found " + DenseEncoder.describe(f));
            }
            ids = idf.ids();
            for (int r = 0; r < n; r++) {
                values.get(clamp(ids[r]) * dim, x, r * ld + col, dim);
            }
        }
        return true;
    }

    @Override
    public void backwardFrom(Mat g) {
        int n = batch;
        float[] d = g.get(grad);
        RowBlock rows = table.rowGradient();
        if (bag) {
            for (int r = 0; r < n; r++) {
                int from = offsets[r];
                int to = offsets[r + 1];
                float scale = pooling == Pooling.MEAN && to > from ? 1f / (to - from) : 1f;
                for (int i = from; i < to; i++) {
                    rows.add(clamp(ids[i]), d, r * dim, scale);
                }
            }
        } else {
            for (int r = 0; r < n; r++) {
                rows.add(clamp(ids[r]), d, r * dim, 1f);
            }
        }
    }

    @Override
    public List<Param> params() {
        return List.of(table);
    }
}
