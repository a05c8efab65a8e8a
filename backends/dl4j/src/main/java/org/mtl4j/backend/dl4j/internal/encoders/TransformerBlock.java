package org.mtl4j.backend.dl4j.internal.encoders;

import java.util.List;
import org.mtl4j.backend.dl4j.internal.nn.Param;
import org.mtl4j.backend.dl4j.internal.nn.ParamStore;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * One post-norm Transformer encoder block (Vaswani et al. 2017, section 3.1 and 3.2):
 * <pre>
 *   A  = softmax(Q K^T / sqrt(d_k) + M) V            (eq. 1, per head; M = -1e9 on padded keys)
 *   h1 = LayerNorm(x + Dropout(Concat(heads) W_O))    (multi-head attention, section 3.2.2)
 *   y  = LayerNorm(h1 + Dropout(max(0, h1 W_1 + b_1) W_2 + b_2))   (eq. 2)
 * </pre>
 * on [batch * length, width] activations. A query row whose keys are all padding (an empty history)
 * gets all-zero attention weights instead of the NaN of softmax over -inf. The backward pass is derived
 * by hand; the softmax Jacobian is applied as dS = P * (dP - rowsum(dP * P)).
 */
final class TransformerBlock {
    private final int width;
    private final int heads;
    private final int headWidth;
    private final int ff;
    private final double dropout;
    private final String key;
    private final Scratch s;
    private final Param wQkv;
    private final Param bQkv;
    private final Param wO;
    private final Param bO;
    private final Param ln1g;
    private final Param ln1b;
    private final Param w1;
    private final Param b1;
    private final Param w2;
    private final Param b2;
    private final Param ln2g;
    private final Param ln2b;

    // forward caches
    private INDArray x;
    private INDArray qkv;
    private INDArray q;
    private INDArray k;
    private INDArray v;
    private INDArray probs;
    private INDArray ctx;
    private INDArray drop1;
    private INDArray xhat1;
    private INDArray rstd1;
    private INDArray h1;
    private INDArray f1;
    private INDArray drop2;
    private INDArray xhat2;
    private INDArray rstd2;
    private long batch;
    private long length;

    TransformerBlock(String prefix, int width, int heads, int ff, double dropout, ParamStore store, String owner,
            Scratch scratch) {
        this.width = width;
        this.heads = heads;
        this.headWidth = width / heads;
        this.ff = ff;
        this.dropout = dropout;
        this.key = prefix;
        this.s = scratch;
        wQkv = store.declare(prefix + ".attention.wQkv", new long[] {3L * width, width}, owner, Param.Init.XAVIER, 3 * width);
        bQkv = store.declare(prefix + ".attention.bQkv", new long[] {3L * width}, owner, Param.Init.ZERO, 3 * width);
        wO = store.declare(prefix + ".attention.wO", new long[] {width, width}, owner, Param.Init.XAVIER, width);
        bO = store.declare(prefix + ".attention.bO", new long[] {width}, owner, Param.Init.ZERO, width);
        ln1g = store.declare(prefix + ".norm1.gamma", new long[] {width}, owner, Param.Init.ONE, width);
        ln1b = store.declare(prefix + ".norm1.beta", new long[] {width}, owner, Param.Init.ZERO, width);
        w1 = store.declare(prefix + ".ff.w1", new long[] {ff, width}, owner, Param.Init.HE, ff);
        b1 = store.declare(prefix + ".ff.b1", new long[] {ff}, owner, Param.Init.ZERO, ff);
        w2 = store.declare(prefix + ".ff.w2", new long[] {width, ff}, owner, Param.Init.XAVIER, width);
        b2 = store.declare(prefix + ".ff.b2", new long[] {width}, owner, Param.Init.ZERO, width);
        ln2g = store.declare(prefix + ".norm2.gamma", new long[] {width}, owner, Param.Init.ONE, width);
        ln2b = store.declare(prefix + ".norm2.beta", new long[] {width}, owner, Param.Init.ZERO, width);
    }

    List<Param> params() {
        return List.of(wQkv, bQkv, wO, bO, ln1g, ln1b, w1, b1, w2, b2, ln2g, ln2b);
    }

    private INDArray buf(String name, long... shape) {
        return s.get(key + name, shape);
    }

    /**
     * @param input [B * L, width]; kept (not copied) until the backward pass
     * @param keyMask [B, L]: 1 for real positions, 0 for padding
     * @param maskBias [B, L]: 0 for real positions, -1e9 for padding
     */
    INDArray forward(INDArray input, INDArray keyMask, INDArray maskBias, long b, long l, boolean training, Random rng) {
        this.x = input;
        this.batch = b;
        this.length = l;
        long n = b * l;
        long bh = b * heads;
        qkv = NnOps.affine(input, wQkv.value(), bQkv.value(), buf("qkv", n, 3L * width));
        INDArray qkv5 = qkv.reshape('c', b, l, 3, heads, headWidth);
        q = splitHeads(qkv5, 0, buf("q", b, heads, l, headWidth));
        k = splitHeads(qkv5, 1, buf("k", b, heads, l, headWidth));
        v = splitHeads(qkv5, 2, buf("v", b, heads, l, headWidth));

        INDArray scores = buf("scores", bh, l, l);
        Nd4j.matmul(q.reshape('c', bh, l, headWidth), k.reshape('c', bh, l, headWidth), scores, false, true, false);
        scores.muli(1.0 / Math.sqrt(headWidth));
        INDArray scores4 = scores.reshape('c', b, heads, l, l);
        Nd4j.exec(new BroadcastAddOp(scores4, maskBias, scores4, 0, 3));
        probs = buf("probs", bh, l, l);
        // softmax over the last axis of a 2-d [B * H * L, L] view: libnd4j's fast path
        Nd4j.exec(new SoftMax(scores.reshape('c', bh * l, l), probs.reshape('c', bh * l, l), 1));
        INDArray probs4 = probs.reshape('c', b, heads, l, l);
        // zero the weights of padded keys exactly, and whole rows of empty sequences
        Nd4j.exec(new BroadcastMulOp(probs4, keyMask, probs4, 0, 3));

        INDArray heads3 = buf("ctxHeads", bh, l, headWidth);
        Nd4j.matmul(probs, v.reshape('c', bh, l, headWidth), heads3, false, false, false);
        ctx = buf("ctx", n, width);
        mergeHeads(heads3.reshape('c', b, heads, l, headWidth), ctx);

        INDArray attn = NnOps.affine(ctx, wO.value(), bO.value(), buf("attn", n, width));
        INDArray z1 = buf("z1", n, width);
        if (training && dropout > 0) {
            drop1 = NnOps.dropoutMask(buf("drop1", n, width), dropout, rng);
            z1.assign(attn).muli(drop1).addi(input);
        } else {
            drop1 = null;
            z1.assign(attn).addi(input);
        }
        xhat1 = buf("xhat1", n, width);
        rstd1 = buf("rstd1", n, 1);
        h1 = NnOps.layerNorm(z1, ln1g.value(), ln1b.value(), xhat1, rstd1, buf("h1", n, width));

        f1 = NnOps.affine(h1, w1.value(), b1.value(), buf("f1", n, ff));
        Transforms.relu(f1, false);
        INDArray f2 = NnOps.affine(f1, w2.value(), b2.value(), buf("f2", n, width));
        INDArray z2 = buf("z2", n, width);
        if (training && dropout > 0) {
            drop2 = NnOps.dropoutMask(buf("drop2", n, width), dropout, rng);
            z2.assign(f2).muli(drop2).addi(h1);
        } else {
            drop2 = null;
            z2.assign(f2).addi(h1);
        }
        xhat2 = buf("xhat2", n, width);
        rstd2 = buf("rstd2", n, 1);
        return NnOps.layerNorm(z2, ln2g.value(), ln2b.value(), xhat2, rstd2, buf("out", n, width));
    }

    /** Adds parameter gradients and returns dL/dinput ([B * L, width], a scratch array). */
    INDArray backward(INDArray dOut) {
        long b = batch;
        long l = length;
        long n = b * l;
        long bh = b * heads;
        // second sub-layer: y = LN(h1 + FF(h1))
        INDArray dz2 = NnOps.layerNormBackward(dOut, ln2g.value(), xhat2, rstd2, ln2g.grad(), ln2b.grad(),
                buf("dz2", n, width));
        INDArray df2 = drop2 == null ? dz2 : buf("df2", n, width).assign(dz2).muli(drop2);
        INDArray df1 = NnOps.affineBackward(f1, w2.value(), df2, w2.grad(), b2.grad(), buf("dw2", width, ff),
                buf("df1", n, ff));
        df1.muli(Transforms.step(f1, true));
        INDArray dh1 = NnOps.affineBackward(h1, w1.value(), df1, w1.grad(), b1.grad(), buf("dw1", ff, width),
                buf("dh1", n, width));
        dh1.addi(dz2);
        // first sub-layer: h1 = LN(x + MHA(x))
        INDArray dz1 = NnOps.layerNormBackward(dh1, ln1g.value(), xhat1, rstd1, ln1g.grad(), ln1b.grad(),
                buf("dz1", n, width));
        INDArray dattn = drop1 == null ? dz1 : buf("dattn", n, width).assign(dz1).muli(drop1);
        INDArray dctx = NnOps.affineBackward(ctx, wO.value(), dattn, wO.grad(), bO.grad(), buf("dwO", width, width),
                buf("dctx", n, width));
        INDArray dHeads = buf("dHeads", b, heads, l, headWidth);
        dHeads.assign(dctx.reshape('c', b, l, heads, headWidth).permute(0, 2, 1, 3));
        INDArray dHeads3 = dHeads.reshape('c', bh, l, headWidth);

        INDArray dProbs = buf("dProbs", bh, l, l);
        Nd4j.matmul(dHeads3, v.reshape('c', bh, l, headWidth), dProbs, false, true, false);
        INDArray dq = buf("dq", b, heads, l, headWidth);
        INDArray dk = buf("dk", b, heads, l, headWidth);
        INDArray dv = buf("dv", b, heads, l, headWidth);
        Nd4j.matmul(probs, dHeads3, dv.reshape('c', bh, l, headWidth), true, false, false);
        // softmax backward; rows with all-zero probabilities (masked) get a zero gradient
        INDArray dScores = buf("dScores", bh, l, l);
        INDArray dScores2 = dScores.reshape('c', bh * l, l);
        INDArray probs2 = probs.reshape('c', bh * l, l);
        dScores2.assign(dProbs.reshape('c', bh * l, l)).muli(probs2);
        INDArray rowDot = NnOps.rowMean(dScores2, buf("rowDot", bh * l, 1)).muli(l);
        dScores2.assign(dProbs.reshape('c', bh * l, l)).subiColumnVector(rowDot);
        dScores2.muli(probs2).muli(1.0 / Math.sqrt(headWidth));
        Nd4j.matmul(dScores, k.reshape('c', bh, l, headWidth), dq.reshape('c', bh, l, headWidth), false, false, false);
        Nd4j.matmul(dScores, q.reshape('c', bh, l, headWidth), dk.reshape('c', bh, l, headWidth), true, false, false);

        INDArray dQkv = buf("dQkv", n, 3L * width);
        INDArray dQkv5 = dQkv.reshape('c', b, l, 3, heads, headWidth);
        mergeInto(dq, dQkv5, 0);
        mergeInto(dk, dQkv5, 1);
        mergeInto(dv, dQkv5, 2);
        INDArray dx = NnOps.affineBackward(x, wQkv.value(), dQkv, wQkv.grad(), bQkv.grad(),
                buf("dwQkv", 3L * width, width), buf("dx", n, width));
        dx.addi(dz1);
        return dx;
    }

    /** [B, L, 3, H, dh] slot {@code which} -> [B, H, L, dh] (copied into {@code out}). */
    private static INDArray splitHeads(INDArray qkv5, int which, INDArray out) {
        INDArray part = qkv5.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(which), NDArrayIndex.all(),
                NDArrayIndex.all());
        return out.assign(part.permute(0, 2, 1, 3));
    }

    /** [B, H, L, dh] -> slot {@code which} of [B, L, 3, H, dh]. */
    private static void mergeInto(INDArray heads4, INDArray dst5, int which) {
        INDArray part = dst5.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(which), NDArrayIndex.all(),
                NDArrayIndex.all());
        part.assign(heads4.permute(0, 2, 1, 3));
    }

    /** [B, H, L, dh] -> [B * L, H * dh]. */
    private void mergeHeads(INDArray heads4, INDArray out) {
        out.reshape('c', batch, length, heads, headWidth).assign(heads4.permute(0, 2, 1, 3));
    }
}
