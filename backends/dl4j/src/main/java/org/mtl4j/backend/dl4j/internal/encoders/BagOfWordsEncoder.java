package org.mtl4j.backend.dl4j.internal.encoders;

import java.util.List;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.Feature;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.backend.dl4j.internal.nn.Encoder;
import org.mtl4j.backend.dl4j.internal.nn.Param;
import org.mtl4j.backend.dl4j.internal.nn.RowBlock;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Bag-of-words text encoder: the mean of the token embeddings of a row (the averaged word
 * representation of fastText, Joulin et al. 2017, "Bag of Tricks for Efficient Text Classification",
 * section 2.1, without the linear classifier): y_r = (1/|T_r|) sum_{t in T_r} E[t]. Padding ids are skipped; a row
 * without tokens encodes to zeros. Tokens arrive as a {@link Feature.Bag} (CSR) or, right-aligned and
 * padded, as a {@link Feature.Sequence}. The gather and the sparse scatter of the gradient are plain
 * loops over the touched rows only.
 */
public final class BagOfWordsEncoder implements Encoder {
    private final String input;
    private final Param table;
    private final int dim;
    private int[] offsets;
    private int[] ids;
    private int rows;

    public BagOfWordsEncoder(String input, Param table) {
        this.input = input;
        this.table = table;
        this.dim = (int) table.shape()[1];
    }

    @Override
    public String input() {
        return input;
    }

    @Override
    public int outputWidth() {
        return dim;
    }

    @Override
    public List<Param> params() {
        return List.of(table);
    }

    @Override
    public INDArray forward(Batch b, boolean training) {
        Feature f = b.feature(input);
        int[] off;
        int[] tok;
        if (f instanceof Feature.Bag bag) {
            off = bag.offsets();
            tok = bag.ids();
            if (off.length != b.size() + 1 || off[0] != 0 || off[b.size()] != tok.length) {
                throw new MtlException("input '" + input + "' expects a bag with " + (b.size() + 1) + " offsets from 0 to "
                        + tok.length + ", found " + off.length + " offsets");
            }
        } else if (f instanceof Feature.Sequence seq) {
            if (seq.ids().length != (long) b.size() * seq.maxLength()) {
                throw new MtlException("input '" + input + "' expects " + b.size() + " sequences of length "
                        + seq.maxLength() + ", found " + seq.ids().length + " ids");
            }
            tok = seq.ids();
            off = new int[b.size() + 1];
            for (int r = 0; r <= b.size(); r++) {
                off[r] = r * seq.maxLength();
            }
        } else {
            throw new MtlException("input '" + input + "' expects a bag of token ids, found " + f.getClass().getSimpleName());
        }
        int tableRows = (int) table.shape()[0];
        for (int r = 0; r < b.size(); r++) {
            for (int i = off[r]; i < off[r + 1]; i++) {
                if (tok[i] < 0 || tok[i] >= tableRows) {
                    throw new MtlException("input '" + input + "' row " + r + ": token id " + tok[i]
                            + " is outside the embedding table [0, " + tableRows + ")");
                }
            }
        }
        return forward(off, tok, b.size());
    }

    INDArray forward(int[] rowOffsets, int[] tokenIds, int rowCount) {
        this.offsets = rowOffsets.clone();
        this.ids = tokenIds.clone();
        this.rows = rowCount;
        float[] out = new float[rows * dim];
        DataBuffer src = table.value().data();
        // a view's data() already starts at the view's first element: index from 0, not offset()
        for (int r = 0; r < rows; r++) {
            int count = count(r);
            if (count == 0) {
                continue;
            }
            float inv = 1f / count;
            for (int i = offsets[r]; i < offsets[r + 1]; i++) {
                if (ids[i] == Vocabulary.PAD) {
                    continue;
                }
                long at = (long) ids[i] * dim;
                for (int j = 0; j < dim; j++) {
                    out[r * dim + j] += src.getFloat(at + j) * inv;
                }
            }
        }
        return Nd4j.createFromArray(out).reshape('c', rows, dim);
    }

    private int count(int r) {
        int c = 0;
        for (int i = offsets[r]; i < offsets[r + 1]; i++) {
            if (ids[i] != Vocabulary.PAD) {
                c++;
            }
        }
        return c;
    }

    @Override
    public void backward(INDArray gradOutput) {
        float[] g = gradOutput.dup('c').data().asFloat();
        RowBlock dst = table.rowGradient();
        for (int r = 0; r < rows; r++) {
            int count = count(r);
            if (count == 0) {
                continue;
            }
            float inv = 1f / count;
            for (int i = offsets[r]; i < offsets[r + 1]; i++) {
                if (ids[i] == Vocabulary.PAD) {
                    continue;
                }
                dst.add(ids[i], g, r * dim, inv);
            }
        }
    }
}
