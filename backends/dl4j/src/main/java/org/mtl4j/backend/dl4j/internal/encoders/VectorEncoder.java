package org.mtl4j.backend.dl4j.internal.encoders;

import java.util.List;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.Feature;
import org.mtl4j.api.spec.TextInput;
import org.mtl4j.api.spec.VectorInput;
import org.mtl4j.backend.dl4j.internal.nn.Dense;
import org.mtl4j.backend.dl4j.internal.nn.Mat;
import org.mtl4j.backend.dl4j.internal.nn.Param;
import org.mtl4j.backend.dl4j.internal.nn.ParamStore;

/**
 * Frozen vectors (precomputed, or a pretrained text embedder's) through a trainable adapter: z-scored
 * per dimension with training statistics when the adapter whitens (the non-parametric half of
 * UniSRec's whitening, Hou et al. KDD 2022: "Towards Universal Sequence Representation Learning for
 * Recommender Systems"), then {@code y = W z + b} ({@link Dense} with identity activation), or passed
 * through when the adapter's width is 0. The vectors themselves get no gradient.
 */
public final class VectorEncoder implements MatEncoder {
    private final String input;
    private final int dim;
    private final float[] mean;
    private final float[] invStd;
    private final Dense adapter;
    private Mat z;
    private float[] scratch = new float[0];

    /**
     * @param stats training statistics of the vectors (used when the adapter whitens; null leaves them raw)
     * @param paramName prefix of the adapter's parameters in the store
     */
    public VectorEncoder(String input, int dim, VectorInput.Adapter spec, Dataset.DenseStats stats, ParamStore store,
            String paramName, String owner) {
        this.input = input;
        this.dim = dim;
        float[][] z = spec.whiten() ? DenseEncoder.zScore(stats, dim, "vector input '" + input + "'") : null;
        mean = z == null ? null : z[0];
        invStd = z == null ? null : z[1];
        this.adapter = spec.width() == 0 ? null
                : new Dense(store, paramName, dim, spec.width(), Dense.Activation.IDENTITY, true, owner, false);
    }

    /** The encoder of a {@link VectorInput}. */
    public static VectorEncoder of(VectorInput v, Dataset.DenseStats stats, ParamStore store, String owner) {
        return new VectorEncoder(v.name(), v.dimension(), v.adapter(), stats, store, "vector:" + v.name() + suffix(owner),
                owner);
    }

    /** The encoder of a pretrained {@link TextInput} whose embedder makes vectors of {@code dim}. */
    public static VectorEncoder of(TextInput t, int dim, Dataset.DenseStats stats, ParamStore store, String owner) {
        return new VectorEncoder(t.name(), dim, t.adapter(), stats, store, "pretrained:" + t.name() + suffix(owner), owner);
    }

    private static String suffix(String owner) {
        return Param.SHARED.equals(owner) ? "" : "@" + owner;
    }

    @Override
    public String input() {
        return input;
    }

    @Override
    public int outputWidth() {
        return adapter == null ? dim : adapter.outputWidth();
    }

    @Override
    public void forwardInto(Batch batch, Mat target, boolean training) {
        Feature f = batch.feature(input);
        if (!(f instanceof Feature.Dense d) || d.dim() != dim) {
            throw new MtlException("input '" + input + "' expects vectors of length " + dim + ", found "
                    + DenseEncoder.describe(f));
        }
        float[] v = d.values();
        int n = batch.size() * dim;
        if (mean != null) {
            scratch = DenseEncoder.standardise(v, n, mean, invStd, scratch);
            v = scratch;
        }
        if (adapter == null) {
            target.put(v);
            return;
        }
        if (z == null || z.rows != batch.size()) {
            z = Mat.zeros(batch.size(), dim);
        }
        z.put(v);
        adapter.forward(z, target);
    }

    @Override
    public void backwardFrom(Mat grad) {
        if (adapter != null) {
            adapter.backward(grad, null, false); // identity activation: grad is left as it is
        }
    }

    @Override
    public List<Param> params() {
        return adapter == null ? List.of() : adapter.params();
    }
}
