package org.mtl4j.backend.dl4j.internal.encoders;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.Feature;
import org.mtl4j.api.spec.ImageInput;
import org.mtl4j.backend.dl4j.internal.nn.Encoder;
import org.mtl4j.backend.dl4j.internal.nn.Param;
import org.mtl4j.backend.dl4j.internal.nn.ParamStore;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A user's DL4J network as the encoder of an image input (transfer learning: Yosinski et al. 2014,
 * "How transferable are features in deep neural networks?"; frozen features vs fine-tuning).
 *
 * <ul>
 *   <li><b>frozen</b>: the network's features {@code f(x)} are computed once per distinct image
 *       ({@link FeatureCache}) and the network gets no gradient and no parameters in the model.</li>
 *   <li><b>fine-tuned</b>: the network's parameters are views of the model's flat parameter buffer
 *       (one {@link Param} per DL4J tensor, in DL4J's flattened order; DL4J's {@code init(params, false)}
 *       uses the view as its own parameter array), so the model's optimiser updates them and the
 *       balancers, clippers and diagnostics see their gradient in the model's {@code GradientVector}.
 *       Forward: {@code feedForward(x, train = true)}; backward: DL4J's own backpropagation from the
 *       external gradient {@code dL/df(x)} of the MTL loss ({@link NetworkGraph#backprop}), whose
 *       flattened parameter gradient is added into the model's gradient buffer.</li>
 * </ul>
 */
public final class NetworkEncoder implements Encoder {
    private final String input;
    private final ImageInput spec;
    private final NetworkSources.Source source;
    private final FeatureCache cache;
    private final boolean fineTuned;
    private final int width;
    private final List<Param> params = new ArrayList<>();
    private final long length;
    private NetworkGraph net;
    private INDArray gradView;
    private long[] outShape;
    private boolean backpropReady;

    NetworkEncoder(ImageInput spec, NetworkSources.Source source, FeatureCache cache, ParamStore store, String prefix,
            String owner) {
        this.input = spec.name();
        this.spec = spec;
        this.source = source;
        this.cache = cache;
        this.fineTuned = spec.mode() == ImageInput.NetworkMode.FINE_TUNED;
        this.width = source.width();
        ComputationGraph g = source.graph();
        this.length = g.numParams();
        if (fineTuned && length > 0) {
            INDArray flat = g.params();
            List<Map.Entry<String, INDArray>> tensors = new ArrayList<>(g.paramTable().entrySet());
            tensors.sort(Comparator.comparingLong(e -> e.getValue().offset() - flat.offset()));
            long next = 0;
            for (Map.Entry<String, INDArray> t : tensors) {
                INDArray v = t.getValue();
                if (v.offset() - flat.offset() != next) {
                    throw new IllegalStateException("network of image input '" + input + "': parameter " + t.getKey()
                            + " is not where DL4J's flattened layout puts it (offset " + (v.offset() - flat.offset())
                            + ", expected " + next + ")");
                }
                long[] shape = v.shape();
                // DL4J stores dense weights [nIn, nOut] in 'f' order: the same memory as [nOut, nIn] in 'c' order,
                // whose rows are output units (for unit-wise clipping)
                long[] declared = v.rank() == 2 && v.ordering() == 'f' ? new long[] {shape[1], shape[0]} : shape;
                int units = declared.length >= 2 ? (int) declared[0] : 1;
                params.add(store.declare(prefix + "." + t.getKey(), declared, owner, Param.Init.ZERO, units)
                        .learningRateScale(spec.networkLearningRate() == null ? 1 : spec.networkLearningRate()));
                next += v.length();
            }
            if (next != length) {
                throw new IllegalStateException("network of image input '" + input + "': its tensors hold " + next
                        + " of its " + length + " parameters");
            }
            store.afterAllocate(fresh -> bind(store, fresh));
        }
    }

    /**
     * Binds a fresh copy of the network to the model's parameter and gradient views; a {@code fresh}
     * store starts them from the network's own weights, a shared one (a data-parallel worker or a
     * prediction replica) reads the weights already there.
     */
    private void bind(ParamStore store, boolean fresh) {
        Param first = params.get(0);
        INDArray values = store.values().get(NDArrayIndex.interval(first.offset(), first.offset() + length)).reshape('c', 1, length);
        if (fresh) {
            values.assign(source.graph().params().reshape('c', 1, length));
        }
        net = new NetworkGraph(source.graph().getConfiguration().clone());
        net.init(values, false);
        if (store.grads() == null) {
            return; // a prediction replica: never runs a backward pass
        }
        net.initGradientsView();
        gradView = store.grads().get(NDArrayIndex.interval(first.gradOffset(), first.gradOffset() + length)).reshape('c', 1,
                length);
    }

    @Override
    public String input() {
        return input;
    }

    @Override
    public int outputWidth() {
        return width;
    }

    /** The network as it is now (fine-tuned: with the model's current parameters). */
    public ComputationGraph network() {
        return fineTuned && net != null ? net : source.graph();
    }

    public boolean fineTuned() {
        return fineTuned;
    }

    /** Rows served from the frozen cache and rows computed (frozen only). */
    public long[] cacheHitsAndMisses() {
        return cache.hitsAndMisses();
    }

    @Override
    public INDArray forward(Batch batch, boolean training) {
        int b = batch.size();
        float[] pixels = pixels(batch);
        if (!fineTuned) {
            return cached(pixels, b);
        }
        if (net == null) {
            throw new IllegalStateException("network of image input '" + input + "' used before the model's parameters exist");
        }
        INDArray x = Nd4j.create(pixels, shape(b), 'c');
        INDArray y;
        if (training) {
            y = net.feedForward(new INDArray[] {x}, true, false).get(source.output());
            backpropReady = true;
        } else {
            y = net.output(false, x)[0];
            backpropReady = false;
        }
        outShape = y.shape();
        return y.reshape('c', b, width).dup('c');
    }

    @Override
    public void backward(INDArray gradOutput) {
        if (!fineTuned) {
            return;
        }
        if (!backpropReady) {
            throw new IllegalStateException("network of image input '" + input + "': backward needs a training forward pass");
        }
        INDArray eps = gradOutput.dup('c').reshape('c', outShape);
        net.backprop(eps);
        gradView.addi(net.getFlattenedGradients().reshape('c', 1, length));
    }

    @Override
    public List<Param> params() {
        return params;
    }

    private long[] shape(int b) {
        long[] in = source.inputShape();
        long[] s = new long[in.length + 1];
        s[0] = b;
        System.arraycopy(in, 0, s, 1, in.length);
        return s;
    }

    private float[] pixels(Batch batch) {
        Feature f = batch.feature(input);
        int per = spec.pixels();
        if (!(f instanceof Feature.Image img) || img.channels() != spec.channels() || img.height() != spec.height()
                || img.width() != spec.width() || img.pixels().length != (long) batch.size() * per) {
            throw new MtlException("image input '" + input + "' expects " + spec.channels() + "x" + spec.height() + "x"
                    + spec.width() + " images, found " + (f == null ? "nothing" : f instanceof Feature.Image i
                            ? i.channels() + "x" + i.height() + "x" + i.width() + " with " + i.pixels().length + " pixels"
                            : f.getClass().getSimpleName()));
        }
        return img.pixels();
    }

    /** Frozen features: each distinct row through the network once; the rows not cached run as one batch. */
    private INDArray cached(float[] pixels, int b) {
        int per = spec.pixels();
        float[] out = new float[b * width];
        FeatureCache.Key[] keys = new FeatureCache.Key[b];
        int[] missing = new int[b];
        int m = 0;
        for (int r = 0; r < b; r++) {
            keys[r] = FeatureCache.key(pixels, r * per, per);
            float[] f = cache.get(keys[r]);
            if (f == null) {
                missing[m++] = r;
            } else {
                System.arraycopy(f, 0, out, r * width, width);
            }
        }
        if (m > 0) {
            float[] x = new float[m * per];
            for (int i = 0; i < m; i++) {
                System.arraycopy(pixels, missing[i] * per, x, i * per, per);
            }
            INDArray y;
            ComputationGraph frozen = source.graph();
            synchronized (frozen) { // one network, shared by the model's workers and prediction replicas
                y = frozen.output(false, Nd4j.create(x, shape(m), 'c'))[0];
            }
            float[] ys = y.reshape('c', m, width).dup('c').data().asFloat();
            for (int i = 0; i < m; i++) {
                float[] f = java.util.Arrays.copyOfRange(ys, i * width, (i + 1) * width);
                System.arraycopy(f, 0, out, missing[i] * width, width);
                cache.put(keys[missing[i]], f);
            }
        }
        return Nd4j.create(out, new long[] {b, width}, 'c').castTo(DataType.FLOAT);
    }
}
