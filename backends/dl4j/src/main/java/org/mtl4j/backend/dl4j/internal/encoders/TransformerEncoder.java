package org.mtl4j.backend.dl4j.internal.encoders;

import java.util.ArrayList;
import java.util.List;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.Feature;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.TransformerSpec;
import org.mtl4j.backend.dl4j.internal.nn.Encoder;
import org.mtl4j.backend.dl4j.internal.nn.Param;
import org.mtl4j.backend.dl4j.internal.nn.RowBlock;
import org.mtl4j.backend.dl4j.internal.nn.ParamStore;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Transformer encoder over an id sequence (Vaswani et al. 2017), used as in the Behavior Sequence
 * Transformer for a user's behaviour history (Chen et al. 2019, "Behavior Sequence Transformer for
 * E-commerce Recommendation in Alibaba", section 2.2): ids are looked up in an embedding table that
 * may be shared with a categorical input (the item id), a learned position embedding is added
 * (x_p = E[id_p] + P[p]), then {@code layers} {@link TransformerBlock}s with a key padding mask, then
 * pooling: MEAN over the unpadded positions or the LAST position (the most recent behaviour).
 *
 * <p>Sequences arrive right-aligned and left-padded with id 0 ({@link Feature.Sequence}); position
 * p = maxLength - 1 is always the most recent id. A row with no ids encodes to the zero vector.
 * Dropout (inverted, seeded) is applied to the input embeddings and to both sub-layer outputs while
 * training only.
 */
public final class TransformerEncoder implements Encoder {
    /** Added to the attention scores of padded keys: exp underflows to exactly 0 in float. */
    static final double MASK_VALUE = -1e9;

    private final String input;
    private final int maxLength;
    private final int width;
    private final TransformerSpec spec;
    private final Param table;
    private final Param positions;
    private final List<TransformerBlock> blocks = new ArrayList<>();
    private final List<Param> params = new ArrayList<>();
    private final Scratch scratch = new Scratch();
    private final long seed;
    private Random rng;

    // forward caches
    private int[] ids;
    private int batch;
    private INDArray keyMask;
    private INDArray poolWeights;
    private INDArray drop0;

    /**
     * @param input the input's name (for messages)
     * @param table the embedding table, [rows, width]
     * @param prefix unique parameter-name prefix
     */
    public TransformerEncoder(String input, int maxLength, TransformerSpec spec, Param table, ParamStore store,
            String prefix, String owner, long seed) {
        this.input = input;
        this.maxLength = maxLength;
        this.width = spec.width();
        this.spec = spec;
        this.table = table;
        this.seed = seed;
        if (table.shape()[1] != width) {
            throw new MtlException("input '" + input + "': transformer width " + width
                    + " must equal the embedding width of its table, found " + table.shape()[1]);
        }
        positions = store.declare(prefix + ".positions", new long[] {maxLength, width}, owner, Param.Init.EMBEDDING,
                maxLength);
        params.add(table);
        params.add(positions);
        for (int i = 0; i < spec.layers(); i++) {
            TransformerBlock block = new TransformerBlock(prefix + ".block" + i, width, spec.heads(), spec.feedForward(),
                    spec.dropout(), store, owner, scratch);
            blocks.add(block);
            params.addAll(block.params());
        }
    }

    @Override
    public String input() {
        return input;
    }

    @Override
    public int outputWidth() {
        return width;
    }

    @Override
    public List<Param> params() {
        return List.copyOf(params);
    }

    private Random rng() {
        if (rng == null) {
            rng = Nd4j.getRandomFactory().getNewRandomInstance(seed);
        }
        return rng;
    }

    @Override
    public INDArray forward(Batch b, boolean training) {
        Feature f = b.feature(input);
        if (!(f instanceof Feature.Sequence seq)) {
            throw new MtlException("input '" + input + "' expects a sequence feature, found "
                    + f.getClass().getSimpleName());
        }
        if (seq.maxLength() != maxLength || seq.ids().length != (long) b.size() * maxLength) {
            throw new MtlException("input '" + input + "' expects sequences of length " + maxLength + " for "
                    + b.size() + " rows, found length " + seq.maxLength() + " with " + seq.ids().length + " ids");
        }
        int rows = (int) table.shape()[0];
        int[] in = seq.ids();
        for (int i = 0; i < in.length; i++) {
            if (in[i] < 0 || in[i] >= rows) {
                throw new MtlException("input '" + input + "' row " + (i / maxLength) + " position " + (i % maxLength)
                        + ": id " + in[i] + " is outside the embedding table [0, " + rows + ")");
            }
        }
        return forward(in, b.size(), training);
    }

    INDArray forward(int[] sequenceIds, int rows, boolean training) {
        this.ids = sequenceIds.clone();
        this.batch = rows;
        long l = maxLength;
        long n = (long) rows * l;
        float[] mask = new float[(int) n];
        float[] count = new float[rows];
        for (int i = 0; i < n; i++) {
            if (ids[i] != Vocabulary.PAD) {
                mask[i] = 1f;
                count[i / maxLength] += 1f;
            }
        }
        keyMask = Nd4j.createFromArray(mask).reshape('c', rows, l);
        INDArray maskBias = keyMask.rsub(1.0).muli(MASK_VALUE);
        float[] pool = new float[(int) n];
        if (spec.pooling() == TransformerSpec.SequencePooling.MEAN) {
            for (int i = 0; i < n; i++) {
                float c = count[i / maxLength];
                pool[i] = c > 0 ? mask[i] / c : 0f;
            }
        } else {
            for (int r = 0; r < rows; r++) {
                int last = r * maxLength + maxLength - 1;
                pool[last] = mask[last];
            }
        }
        poolWeights = Nd4j.createFromArray(pool).reshape('c', rows, l);

        INDArray x0 = scratch.get("x0", n, width);
        Nd4j.pullRows(table.value(), x0, 1, ids);
        INDArray x03 = x0.reshape('c', rows, l, width);
        Nd4j.exec(new BroadcastAddOp(x03, positions.value(), x03, 1, 2));
        if (training && spec.dropout() > 0) {
            drop0 = NnOps.dropoutMask(scratch.get("drop0", n, width), spec.dropout(), rng());
            x0.muli(drop0);
        } else {
            drop0 = null;
        }
        INDArray h = x0;
        for (TransformerBlock block : blocks) {
            h = block.forward(h, keyMask, maskBias, rows, l, training, rng());
        }
        // pooled[r] = sum_p w[r, p] h[r, p]: one batched [1, L] x [L, width] product per row
        INDArray pooled = Nd4j.create(table.value().dataType(), rows, 1, width);
        Nd4j.matmul(poolWeights.reshape('c', rows, 1, l), h.reshape('c', rows, l, width), pooled);
        return pooled.reshape('c', rows, width);
    }

    @Override
    public void backward(INDArray gradOutput) {
        long l = maxLength;
        long n = batch * l;
        // dh[r, p] = w[r, p] * dOut[r]: a batched [L, 1] x [1, width] outer product
        INDArray dh = scratch.get("dPooled", n, width);
        INDArray dOut = scratch.get("dOut", batch, 1, width);
        dOut.reshape('c', batch, width).assign(gradOutput);
        Nd4j.matmul(poolWeights.reshape('c', batch, l, 1), dOut, dh.reshape('c', batch, l, width));
        INDArray g = dh;
        for (int i = blocks.size() - 1; i >= 0; i--) {
            g = blocks.get(i).backward(g);
        }
        if (drop0 != null) {
            g = scratch.get("dx0", n, width).assign(g).muli(drop0);
        }
        NnOps.addColumnSums(g.reshape('c', batch, l * width), positions.grad());
        scatterRows(g, ids, table.rowGradient(), width);
    }

    /** grad[ids[i]] += rows[i] for every non-padding id: the sparse gradient of an embedding lookup. */
    static void scatterRows(INDArray rowGrads, int[] ids, RowBlock tableGrad, int width) {
        float[] g = rowGrads.dup('c').data().asFloat();
        for (int i = 0; i < ids.length; i++) {
            int id = ids[i];
            if (id == Vocabulary.PAD) {
                continue;
            }
            tableGrad.add(id, g, i * width, 1f);
        }
    }
}
