package org.mtl4j.backend.dl4j.internal.model;

import java.util.Arrays;
import java.util.List;
import org.mtl4j.api.data.Batch;
import org.mtl4j.backend.dl4j.internal.nn.Blas;
import org.mtl4j.backend.dl4j.internal.nn.Mat;
import org.mtl4j.backend.dl4j.internal.nn.Mlp;
import org.mtl4j.backend.dl4j.internal.nn.Param;
import org.mtl4j.backend.dl4j.internal.nn.ParamStore;

/** Hard parameter sharing (Caruana 1997): one bottom MLP over the fused input feeds every tower. */
final class SharedBottomTrunk implements Trunk {
    private final InputBlock input;
    private final Mlp bottom;
    private final int tasks;
    private Mat sum;

    SharedBottomTrunk(ParamStore store, InputBlock input, List<Integer> layers, int tasks) {
        this(store, input, "bottom", layers, tasks, Param.SHARED);
    }

    /** A bottom named {@code name} owned by {@code owner} (one group's bottom under {@code grouped}). */
    SharedBottomTrunk(ParamStore store, InputBlock input, String name, List<Integer> layers, int tasks, String owner) {
        this.input = input;
        this.tasks = tasks;
        this.bottom = new Mlp(store, name, input.width(), layers, 0, true, owner, Param.isShared(owner));
    }

    @Override
    public Mat[] forward(Batch batch, boolean training) {
        Mat h = bottom.forward(input.forward(batch, training));
        Mat[] out = new Mat[tasks];
        Arrays.fill(out, h);
        return out;
    }

    @Override
    public int width(int task) {
        return bottom.outputWidth();
    }

    @Override
    public void backward(Mat[] dH) {
        Mat g = null;
        for (Mat d : dH) {
            if (d == null) {
                continue;
            }
            if (g == null) {
                g = d;
            } else {
                if (g != sum) {
                    if (sum == null || sum.rows != d.rows) {
                        sum = Mat.zeros(d.rows, d.cols);
                    }
                    Blas.copy(g, sum);
                    g = sum;
                }
                Blas.axpy(1f, d, sum);
            }
        }
        if (g == null) {
            return;
        }
        bottom.backward(g, input.grad(), false);
        input.backward();
    }
}
