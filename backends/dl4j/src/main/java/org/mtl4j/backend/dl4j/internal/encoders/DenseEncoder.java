package org.mtl4j.backend.dl4j.internal.encoders;

import java.util.List;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.data.Feature;
import org.mtl4j.api.spec.DenseInput;
import org.mtl4j.backend.dl4j.internal.nn.Mat;
import org.mtl4j.backend.dl4j.internal.nn.Param;

/** Dense features copied into the fused input, z-scored with training statistics when the spec asks. */
public final class DenseEncoder implements MatEncoder {
    private final DenseInput spec;
    private final float[] mean;
    private final float[] invStd;
    private float[] scratch = new float[0];

    public DenseEncoder(DenseInput spec, Dataset.DenseStats stats) {
        this.spec = spec;
        int d = spec.dimension();
        float[][] z = spec.standardize() ? zScore(stats, d, "dense input '" + spec.name() + "'") : null;
        mean = z == null ? null : z[0];
        invStd = z == null ? null : z[1];
    }

    /**
     * {mean, 1 / std} per column from training statistics (a zero or non-finite std counts as 1), or
     * null without statistics; the dense and vector encoders z-score with them.
     */
    static float[][] zScore(Dataset.DenseStats stats, int d, String what) {
        if (stats == null) {
            return null;
        }
        if (stats.mean().length != d || stats.std().length != d) {
            throw new MtlException(what + ": statistics have " + stats.mean().length + " means and " + stats.std().length
                    + " deviations, expected " + d);
        }
        float[] mean = new float[d];
        float[] invStd = new float[d];
        for (int j = 0; j < d; j++) {
            mean[j] = (float) stats.mean()[j];
            double sd = stats.std()[j];
            invStd[j] = (float) (sd > 1e-12 && Double.isFinite(sd) ? 1.0 / sd : 1.0);
        }
        return new float[][] {mean, invStd};
    }

    /** (v - mean) * invStd over {@code n} row-major values into {@code out} (grown when short); returns it. */
    static float[] standardise(float[] v, int n, float[] mean, float[] invStd, float[] out) {
        float[] o = out.length < n ? new float[n] : out;
        int d = mean.length;
        for (int i = 0; i < n; i++) {
            int j = i % d;
            o[i] = (v[i] - mean[j]) * invStd[j];
        }
        return o;
    }

    /** The statistics used (null when not standardising), for saving. */
    public float[][] statistics() {
        return mean == null ? null : new float[][] {mean.clone(), invStd.clone()};
    }

    @Override
    public String input() {
        return spec.name();
    }

    @Override
    public int outputWidth() {
        return spec.dimension();
    }

    @Override
    public void forwardInto(Batch batch, Mat target, boolean training) {
        int n = batch.size() * spec.dimension();
        if (scratch.length < n) {
            scratch = new float[n];
        }
        forwardInto(batch, scratch, spec.dimension(), 0, training);
        target.put(scratch);
    }

    @Override
    public boolean forwardInto(Batch batch, float[] x, int ld, int col, boolean training) {
        Feature f = batch.feature(spec.name());
        if (!(f instanceof Feature.Dense dense) || dense.dim() != spec.dimension()) {
            throw new MtlException("input '" + spec.name() + "' expects dense features of width " + spec.dimension() + ", found " + describe(f));
        }
        float[] v = dense.values();
        int d = spec.dimension();
        int n = batch.size();
        for (int r = 0; r < n; r++) {
            int o = r * ld + col;
            int s = r * d;
            if (mean == null) {
                System.arraycopy(v, s, x, o, d);
            } else {
                for (int j = 0; j < d; j++) {
                    x[o + j] = (v[s + j] - mean[j]) * invStd[j];
                }
            }
        }
        return true;
    }

    static String describe(Feature f) {
        if (f instanceof Feature.Dense d) {
            return "dense of width " + d.dim();
        }
        return f.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public void backwardFrom(Mat grad) {
        // inputs are not differentiable and dense features have no parameters
    }

    @Override
    public List<Param> params() {
        return List.of();
    }
}
