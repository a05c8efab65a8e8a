package org.mtl4j.backend.dl4j.internal.nn;

import java.util.ArrayList;
import java.util.List;

/** A stack of {@link Dense} layers (ReLU hidden layers, optionally a linear last layer). */
public final class Mlp {
    private final List<Dense> layers = new ArrayList<>();
    private final int inWidth;

    /**
     * @param sizes hidden sizes (each ReLU)
     * @param linearOut width of a final linear layer, or 0 for none
     * @param lastShared mark the last layer's parameters as the last shared layer
     */
    public Mlp(ParamStore store, String name, int in, List<Integer> sizes, int linearOut, boolean outBias, String owner,
            boolean lastShared) {
        this.inWidth = in;
        int width = in;
        for (int i = 0; i < sizes.size(); i++) {
            boolean last = i == sizes.size() - 1 && linearOut == 0;
            layers.add(new Dense(store, name + "." + i, width, sizes.get(i), Dense.Activation.RELU, true, owner, lastShared && last));
            width = sizes.get(i);
        }
        if (linearOut > 0) {
            layers.add(new Dense(store, name + ".out", width, linearOut, Dense.Activation.IDENTITY, outBias, owner, lastShared));
        }
    }

    public int outputWidth() {
        return layers.isEmpty() ? inWidth : layers.get(layers.size() - 1).outputWidth();
    }

    public boolean isEmpty() {
        return layers.isEmpty();
    }

    public Mat forward(Mat x) {
        Mat h = x;
        for (Dense d : layers) {
            h = d.forward(h);
        }
        return h;
    }

    /**
     * Backward from dy (overwritten). Writes dx into {@code dxTarget} (added when {@code accumulate});
     * null skips the input gradient. With no layers dy is copied/added to the target.
     */
    public void backward(Mat dy, Mat dxTarget, boolean accumulate) {
        if (layers.isEmpty()) {
            if (dxTarget != null) {
                if (accumulate) {
                    Blas.axpy(1f, dy, dxTarget);
                } else {
                    Blas.copy(dy, dxTarget);
                }
            }
            return;
        }
        Mat g = dy;
        for (int i = layers.size() - 1; i > 0; i--) {
            g = layers.get(i).backward(g);
        }
        layers.get(0).backward(g, dxTarget, accumulate);
    }

    public List<Dense> layers() {
        return layers;
    }
}
