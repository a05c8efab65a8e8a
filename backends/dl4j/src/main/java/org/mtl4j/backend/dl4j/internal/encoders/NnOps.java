package org.mtl4j.backend.dl4j.internal.encoders;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Forward and hand-derived backward passes of the small blocks the encoders are made of (affine
 * maps, layer normalisation, inverted dropout), written as ND4J ops on [rows, features] arrays.
 */
final class NnOps {
    /** Layer-norm epsilon (Ba et al. 2016), as PyTorch's default. */
    static final double LN_EPS = 1e-5;

    private NnOps() {
    }

    /** out = x W^T + b for W stored [out, in] (so rows are output units). */
    static INDArray affine(INDArray x, INDArray w, INDArray b, INDArray out) {
        Nd4j.matmul(x, w, out, false, true, false);
        out.addiRowVector(b);
        return out;
    }

    /**
     * Backward of {@link #affine}: dW += dOut^T x, db += column sums of dOut; returns dx = dOut W
     * written into {@code dxOut} (or null when the input needs no gradient).
     */
    static INDArray affineBackward(INDArray x, INDArray w, INDArray dOut, INDArray dw, INDArray db, INDArray dwTmp,
            INDArray dxOut) {
        Nd4j.matmul(dOut, x, dwTmp, true, false, false);
        dw.addi(dwTmp);
        addColumnSums(dOut, db);
        if (dxOut == null) {
            return null;
        }
        Nd4j.matmul(dOut, w, dxOut, false, false, false);
        return dxOut;
    }

    /**
     * Layer normalisation over the last axis (Ba, Kiros &amp; Hinton 2016, section 3):
     * y = gamma * (z - mean) / sqrt(var + eps) + beta. Writes the normalised input into {@code xhat}
     * and 1/sqrt(var + eps) into {@code rstd} ([rows, 1]) for the backward pass.
     */
    static INDArray layerNorm(INDArray z, INDArray gamma, INDArray beta, INDArray xhat, INDArray rstd, INDArray out) {
        INDArray mean = rowMean(z, rstd);
        xhat.assign(z).subiColumnVector(mean);
        out.assign(xhat).muli(xhat);
        rowMean(out, rstd).addi(LN_EPS);
        Transforms.pow(rstd, -0.5, false);
        xhat.muliColumnVector(rstd);
        out.assign(xhat).muliRowVector(gamma).addiRowVector(beta);
        return out;
    }

    /**
     * Row means of a [rows, cols] array as one matrix-vector product into {@code into} ([rows, 1]);
     * faster in ND4J than a reduction along dimension 1 over many short rows.
     */
    static INDArray rowMean(INDArray a, INDArray into) {
        long cols = a.size(1);
        INDArray avg = Nd4j.valueArrayOf(new long[] {cols, 1}, 1.0 / cols, a.dataType());
        return Nd4j.matmul(a, avg, into);
    }

    /**
     * Backward of {@link #layerNorm}: dgamma += sum(dy * xhat), dbeta += sum(dy) and
     * dz = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)) with dxhat = dy * gamma.
     */
    static INDArray layerNormBackward(INDArray dy, INDArray gamma, INDArray xhat, INDArray rstd, INDArray dgamma,
            INDArray dbeta, INDArray dz) {
        long rows = dy.size(0);
        addColumnSums(dy.mul(xhat), dgamma);
        addColumnSums(dy, dbeta);
        dz.assign(dy).muliRowVector(gamma);
        INDArray m1 = rowMean(dz, Nd4j.create(dy.dataType(), rows, 1));
        INDArray m2 = rowMean(dz.mul(xhat), Nd4j.create(dy.dataType(), rows, 1));
        dz.subiColumnVector(m1);
        dz.subi(xhat.mulColumnVector(m2));
        dz.muliColumnVector(rstd);
        return dz;
    }

    /** target += column sums of a [rows, cols] array (target has cols elements), as ones^T a. */
    static void addColumnSums(INDArray a, INDArray target) {
        INDArray ones = Nd4j.ones(a.dataType(), 1, a.size(0));
        target.addi(Nd4j.matmul(ones, a).reshape(target.shape()));
    }

    /**
     * Fills {@code mask} with an inverted-dropout mask (Srivastava et al. 2014): 1/(1-p) with
     * probability 1-p, else 0, drawn from {@code rng}.
     */
    static INDArray dropoutMask(INDArray mask, double p, Random rng) {
        Nd4j.rand(mask, rng);
        mask.subi(p);
        Transforms.step(mask, false);
        mask.muli(1.0 / (1.0 - p));
        return mask;
    }
}
