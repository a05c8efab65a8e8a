package org.mtl4j.backend.dl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.backend.Predictions;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.TaskKind;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.backend.dl4j.internal.model.Dl4jModel;
import org.mtl4j.backend.dl4j.internal.nn.Mat;

/** ESMM (Ma et al., SIGIR 2018): pCTCVR = pCTR x pCVR, loss on the product only, pCVR exposed. */
class EsmmTest {
    private final ModelSpec spec = Fixtures.spec(new Topology.SharedBottom(List.of(8)),
            List.of(Fixtures.task("ctr", TaskKind.BINARY, 1, null, null, List.of(4)),
                    Fixtures.task("ctcvr", TaskKind.BINARY, 1, null, "ctr", List.of(4))),
            OptimizerSpec.adam(1e-2));

    @Test
    void chainedOutputIsTheProductAndTheConditionalIsExposed() {
        Dl4jModel model = (Dl4jModel) Fixtures.compile(spec);
        Batch b = Fixtures.batch(spec, 30, 2, 0);
        Predictions p = model.predict(b);
        assertThat(p.outputs()).containsOnlyKeys("ctr", "ctcvr", "ctcvr.conditional");
        float[] ctr = p.output("ctr");
        float[] cvr = p.output("ctcvr.conditional");
        float[] ctcvr = p.output("ctcvr");
        for (int r = 0; r < 30; r++) {
            assertThat(ctcvr[r]).isEqualTo(ctr[r] * cvr[r]);
            assertThat(cvr[r]).isBetween(0f, 1f);
        }
        // the loss is the BCE of the product
        double expected = 0;
        float[] y = b.labels("ctcvr");
        for (int r = 0; r < 30; r++) {
            expected -= y[r] * Math.log(ctcvr[r]) + (1 - y[r]) * Math.log(1 - ctcvr[r]);
        }
        assertThat(model.losses(b).loss("ctcvr")).isCloseTo(expected / 30, within(1e-5));
    }

    @Test
    void theProductLossTrainsBothTowers() {
        Dl4jModel model = (Dl4jModel) Fixtures.compile(spec);
        Batch b = Fixtures.batch(spec, 30, 2, 0);
        model.step(b).backward(new double[] {0, 1});
        float[] g = Mat.of(model.gradients()).get(new float[(int) model.gradients().length()]);
        double ctrTower = 0;
        double cvrTower = 0;
        for (var block : model.step(b).parameterBlocks()) {
            double s = 0;
            for (double x : block.gradient().toArray()) {
                s += Math.abs(x);
            }
            if ("ctr".equals(block.task())) {
                ctrTower += s;
            } else if ("ctcvr".equals(block.task())) {
                cvrTower += s;
            }
        }
        assertThat(g.length).isPositive();
        assertThat(ctrTower).as("gradient of the ctcvr loss in the ctr tower").isPositive();
        assertThat(cvrTower).isPositive();
    }
}
