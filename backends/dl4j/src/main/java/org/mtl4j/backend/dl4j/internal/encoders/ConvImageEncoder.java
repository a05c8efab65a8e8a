package org.mtl4j.backend.dl4j.internal.encoders;

import java.util.ArrayList;
import java.util.List;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.Feature;
import org.mtl4j.api.spec.ImageInput;
import org.mtl4j.backend.dl4j.internal.nn.Encoder;
import org.mtl4j.backend.dl4j.internal.nn.Param;
import org.mtl4j.backend.dl4j.internal.nn.ParamStore;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Conv branch for images (LeCun et al. 1998, "Gradient-based learning applied to document
 * recognition": convolution, non-linearity, sub-sampling): per entry c of
 * {@link ImageInput#convChannels()} one k x k convolution with stride 1 and same padding
 * (y = W * x + b, weights [c_out, c_in, k, k]), ReLU, and a 2 x 2 max-pool with stride 2 (floor),
 * then the [c, h, w] map is flattened per row (NCHW order). Convolution and pooling run as libnd4j's
 * {@code conv2d} / {@code maxpool2d} ops, their gradients as {@code conv2d_bp} / {@code maxpool2d_bp}
 * (im2col + gemm inside libnd4j).
 */
public final class ConvImageEncoder implements Encoder {
    private final String input;
    private final int channels;
    private final int height;
    private final int width;
    private final int kernel;
    private final int[] stageChannels;
    private final int[] stageHeight;
    private final int[] stageWidth;
    private final List<Param> weights = new ArrayList<>();
    private final List<Param> biases = new ArrayList<>();
    private final Scratch scratch = new Scratch();
    private final int outputWidth;

    private INDArray[] stageInputs;
    private INDArray[] activations;
    private int batch;

    public ConvImageEncoder(ImageInput spec, ParamStore store, String prefix, String owner) {
        this.input = spec.name();
        this.channels = spec.channels();
        this.height = spec.height();
        this.width = spec.width();
        this.kernel = spec.kernel();
        int stages = spec.convChannels().size();
        stageChannels = new int[stages + 1];
        stageHeight = new int[stages + 1];
        stageWidth = new int[stages + 1];
        stageChannels[0] = channels;
        stageHeight[0] = height;
        stageWidth[0] = width;
        for (int i = 0; i < stages; i++) {
            int out = spec.convChannels().get(i);
            stageChannels[i + 1] = out;
            stageHeight[i + 1] = stageHeight[i] / 2;
            stageWidth[i + 1] = stageWidth[i] / 2;
            if (stageHeight[i + 1] == 0 || stageWidth[i + 1] == 0) {
                throw new MtlException("image input '" + input + "': conv stage " + (i + 1) + " of " + stages
                        + " would 2x2-pool a " + stageHeight[i] + "x" + stageWidth[i] + " map to nothing; use fewer "
                        + "convChannels entries or larger images (found " + height + "x" + width + ")");
            }
            weights.add(store.declare(prefix + ".conv" + i + ".w", new long[] {out, stageChannels[i], kernel, kernel},
                    owner, Param.Init.HE, out));
            biases.add(store.declare(prefix + ".conv" + i + ".b", new long[] {out}, owner, Param.Init.ZERO, out));
        }
        outputWidth = stageChannels[stages] * stageHeight[stages] * stageWidth[stages];
    }

    @Override
    public String input() {
        return input;
    }

    @Override
    public int outputWidth() {
        return outputWidth;
    }

    @Override
    public List<Param> params() {
        List<Param> all = new ArrayList<>();
        for (int i = 0; i < weights.size(); i++) {
            all.add(weights.get(i));
            all.add(biases.get(i));
        }
        return all;
    }

    @Override
    public INDArray forward(Batch b, boolean training) {
        Feature f = b.feature(input);
        if (!(f instanceof Feature.Image img)) {
            throw new MtlException("input '" + input + "' expects an image feature, found " + f.getClass().getSimpleName());
        }
        if (img.channels() != channels || img.height() != height || img.width() != width
                || img.pixels().length != (long) b.size() * channels * height * width) {
            throw new MtlException("input '" + input + "' expects " + b.size() + " images of " + channels + "x" + height
                    + "x" + width + ", found " + img.channels() + "x" + img.height() + "x" + img.width() + " with "
                    + img.pixels().length + " pixels");
        }
        return forward(img.pixels(), b.size());
    }

    INDArray forward(float[] pixels, int rows) {
        this.batch = rows;
        int stages = weights.size();
        stageInputs = new INDArray[stages + 1];
        activations = new INDArray[stages];
        INDArray x = scratch.get("in", rows, channels, height, width);
        x.assign(Nd4j.createFromArray(pixels).reshape('c', rows, channels, height, width));
        for (int i = 0; i < stages; i++) {
            stageInputs[i] = x;
            INDArray conv = scratch.get("conv" + i, rows, stageChannels[i + 1], stageHeight[i], stageWidth[i]);
            Nd4j.exec(DynamicCustomOp.builder("conv2d")
                    .addInputs(x, weights.get(i).value(), biases.get(i).value())
                    .addOutputs(conv)
                    .addIntegerArguments(convArgs())
                    .build());
            Transforms.relu(conv, false);
            activations[i] = conv;
            INDArray pooled = scratch.get("pool" + i, rows, stageChannels[i + 1], stageHeight[i + 1], stageWidth[i + 1]);
            Nd4j.exec(DynamicCustomOp.builder("maxpool2d")
                    .addInputs(conv)
                    .addOutputs(pooled)
                    .addIntegerArguments(POOL_ARGS)
                    .build());
            x = pooled;
        }
        stageInputs[stages] = x;
        return x.reshape('c', rows, outputWidth).dup('c');
    }

    /** kH, kW, sH, sW, pH, pW, dH, dW, paddingMode (0 = explicit), dataFormat (0 = NCHW), weights (1 = OIHW). */
    private int[] convArgs() {
        int pad = (kernel - 1) / 2;
        return new int[] {kernel, kernel, 1, 1, pad, pad, 1, 1, 0, 0, 1};
    }

    /** kH, kW, sH, sW, pH, pW, dH, dW, sameMode (0 = valid, floor), extra, dataFormat (0 = NCHW). */
    private static final int[] POOL_ARGS = {2, 2, 2, 2, 0, 0, 1, 1, 0, 0, 0};

    @Override
    public void backward(INDArray gradOutput) {
        int stages = weights.size();
        INDArray g = scratch.get("dOut", batch, stageChannels[stages], stageHeight[stages], stageWidth[stages]);
        // gradOutput may be a strided column block of the fused input's gradient
        g.reshape('c', batch, outputWidth).assign(gradOutput);
        for (int i = stages - 1; i >= 0; i--) {
            INDArray act = activations[i];
            INDArray dAct = scratch.get("dConv" + i, act.shape());
            Nd4j.exec(DynamicCustomOp.builder("maxpool2d_bp")
                    .addInputs(act, g)
                    .addOutputs(dAct)
                    .addIntegerArguments(POOL_ARGS)
                    .build());
            dAct.muli(Transforms.step(act, true));
            INDArray dIn = scratch.get("dIn" + i, stageInputs[i].shape());
            Param w = weights.get(i);
            Param bias = biases.get(i);
            INDArray dW = scratch.get("dW" + i, w.shape());
            INDArray dB = scratch.get("dB" + i, bias.shape());
            Nd4j.exec(DynamicCustomOp.builder("conv2d_bp")
                    .addInputs(stageInputs[i], w.value(), bias.value(), dAct)
                    .addOutputs(dIn, dW, dB)
                    .addIntegerArguments(convArgs())
                    .build());
            w.grad().addi(dW);
            bias.grad().addi(dB);
            g = dIn;
        }
    }
}
