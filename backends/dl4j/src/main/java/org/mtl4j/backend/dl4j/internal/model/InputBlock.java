package org.mtl4j.backend.dl4j.internal.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.data.TextEmbedders;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.CategoricalInput;
import org.mtl4j.api.spec.DenseInput;
import org.mtl4j.api.spec.ImageInput;
import org.mtl4j.api.spec.InputSpec;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.MultiHotInput;
import org.mtl4j.api.spec.TextInput;
import org.mtl4j.api.spec.VectorInput;
import org.mtl4j.backend.dl4j.internal.encoders.DenseEncoder;
import org.mtl4j.backend.dl4j.internal.encoders.EmbeddingEncoder;
import org.mtl4j.backend.dl4j.internal.encoders.ExtraEncoders;
import org.mtl4j.backend.dl4j.internal.encoders.MatEncoder;
import org.mtl4j.backend.dl4j.internal.encoders.NetworkSources;
import org.mtl4j.backend.dl4j.internal.encoders.VectorEncoder;
import org.mtl4j.backend.dl4j.internal.nn.EmbeddingTables;
import org.mtl4j.backend.dl4j.internal.nn.Encoder;
import org.mtl4j.backend.dl4j.internal.nn.Mat;
import org.mtl4j.backend.dl4j.internal.nn.Param;

/**
 * Every input encoder of the spec, concatenated into one fused [batch, width] input: branches of
 * all modalities fuse here, before the sharing topology. Encoders write into (and read their
 * gradient from) their own column block.
 */
final class InputBlock {
    private final List<Encoder> encoders = new ArrayList<>();
    private final int[] offsets;
    private final int width;
    private final boolean trainable;
    private int batch = -1;
    private Mat x;
    private Mat dx;
    private Mat[] slices;
    private Mat[] gradSlices;
    private float[] heap = new float[0];

    InputBlock(ModelSpec spec, Map<String, Vocabulary> vocabularies, Map<String, Dataset.DenseStats> stats, EmbeddingTables tables,
            NetworkSources networks, String owner, long seed) {
        offsets = new int[spec.inputs().size() + 1];
        int w = 0;
        boolean anyParams = false;
        for (int i = 0; i < spec.inputs().size(); i++) {
            InputSpec in = spec.inputs().get(i);
            Encoder e;
            if (in instanceof DenseInput d) {
                e = new DenseEncoder(d, stats.get(d.name()));
            } else if (in instanceof CategoricalInput c) {
                e = new EmbeddingEncoder(c.name(), c.table(), vocabularies.get(c.name()), c.embeddingDim(), false, null, tables, owner);
            } else if (in instanceof MultiHotInput m) {
                e = new EmbeddingEncoder(m.name(), m.table(), vocabularies.get(m.name()), m.embeddingDim(), true, m.pooling(), tables,
                        owner);
            } else if (in instanceof VectorInput v) {
                e = VectorEncoder.of(v, stats.get(v.name()), tables.store(), owner);
            } else if (in instanceof ImageInput img && img.hasNetwork()) {
                e = networks.encoder(img, tables.store(), "network:" + img.name() + (Param.SHARED.equals(owner) ? "" : "@" + owner),
                        owner);
            } else if (in instanceof TextInput t && t.isPretrained()) {
                e = VectorEncoder.of(t, TextEmbedders.named(t.pretrained()).dimension(), stats.get(t.name()), tables.store(),
                        owner);
            } else {
                e = ExtraEncoders.create(in, vocabularies, tables, owner, seed + 7919L * (i + 1));
            }
            encoders.add(e);
            offsets[i] = w;
            w += e.outputWidth();
            anyParams |= !e.params().isEmpty();
        }
        offsets[spec.inputs().size()] = w;
        width = w;
        trainable = anyParams;
    }

    int width() {
        return width;
    }

    /** Whether any encoder has parameters (else no input gradient is needed). */
    boolean trainable() {
        return trainable;
    }

    List<Encoder> encoders() {
        return encoders;
    }

    private void ensure(int rows) {
        if (rows == batch) {
            return;
        }
        batch = rows;
        x = Mat.zeros(rows, width);
        dx = trainable ? Mat.zeros(rows, width) : null;
        slices = new Mat[encoders.size()];
        gradSlices = new Mat[encoders.size()];
        for (int i = 0; i < encoders.size(); i++) {
            slices[i] = x.cols(offsets[i], offsets[i + 1]);
            gradSlices[i] = dx == null ? null : dx.cols(offsets[i], offsets[i + 1]);
        }
    }

    Mat forward(Batch b, boolean training) {
        ensure(b.size());
        int n = b.size() * width;
        if (heap.length != n) {
            heap = new float[n];
        }
        // encoders that can write into a heap copy of the fused input do; it goes to native memory in one
        // copy, and the others then write their own column blocks
        long onHeap = 0;
        for (int i = 0; i < encoders.size() && i < 64; i++) {
            if (encoders.get(i) instanceof MatEncoder me && me.forwardInto(b, heap, width, offsets[i], training)) {
                onHeap |= 1L << i;
            }
        }
        if (onHeap != 0) {
            x.put(heap);
        }
        for (int i = 0; i < encoders.size(); i++) {
            if ((i < 64 && (onHeap & (1L << i)) != 0)) {
                continue;
            }
            Encoder e = encoders.get(i);
            if (e instanceof MatEncoder me) {
                me.forwardInto(b, slices[i], training);
            } else {
                slices[i].array.assign(e.forward(b, training));
            }
        }
        return x;
    }

    /** The gradient buffer of the fused input (null when no encoder is trainable). */
    Mat grad() {
        return dx;
    }

    /** Passes the gradient in {@link #grad()} to the encoders. */
    void backward() {
        if (dx == null) {
            return;
        }
        for (int i = 0; i < encoders.size(); i++) {
            Encoder e = encoders.get(i);
            if (e.params().isEmpty()) {
                continue;
            }
            if (e instanceof MatEncoder me) {
                me.backwardFrom(gradSlices[i]);
            } else {
                e.backward(gradSlices[i].array);
            }
        }
    }
}
