package org.mtl4j.backend.dl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.backend.dl4j.internal.model.Dl4jModel;

/** The prior initialisation of the binary output biases (Lin et al. 2017): once, from the first batch, plain binary tasks only. */
class PriorBiasTest {
    @Test
    void theFirstStepSetsEachBinaryOutputBiasToTheLogOddsOfItsLabelledRows() {
        ModelSpec spec = Fixtures.spec(new Topology.SharedBottom(List.of(8)), Fixtures.mixedTasks(), OptimizerSpec.adam(0.01));
        Dl4jModel m = (Dl4jModel) Fixtures.compile(spec);
        Batch batch = Fixtures.batch(spec, 50, 3, 0);
        float[] y = batch.labels("ctr");
        float[] mask = batch.mask("ctr");
        int pos = 0;
        int n = 0;
        for (int r = 0; r < y.length; r++) {
            if (mask[r] > 0) {
                n++;
                pos += y[r] > 0.5f ? 1 : 0;
            }
        }
        assertThat(n).isEqualTo(50);
        assertThat(pos).isBetween(1, n - 1);
        assertThat(m.parameterTensors().get("tower@ctr.out.b").getDouble(0)).isEqualTo(0.0);

        m.step(batch);
        double pi = pos / (double) n;
        assertThat(m.parameterTensors().get("tower@ctr.out.b").getDouble(0)).isCloseTo(Math.log(pi / (1 - pi)),
                within(1e-6));
        // ctcvr is chained after ctr (its probability is a product), genre multiclass, rating a regression: untouched
        assertThat(m.parameterTensors().get("tower@ctcvr.out.b").toDoubleVector()).containsOnly(0.0);
        assertThat(m.parameterTensors().get("tower@genre.out.b").toDoubleVector()).containsOnly(0.0);
        assertThat(m.parameterTensors().get("tower@rating.out.b").toDoubleVector()).containsOnly(0.0);

        // once only: later batches do not move it (no update was applied)
        m.step(Fixtures.batch(spec, 50, 4, 0));
        assertThat(m.parameterTensors().get("tower@ctr.out.b").getDouble(0)).isCloseTo(Math.log(pi / (1 - pi)),
                within(1e-6));
    }

    @Test
    void aModelInitialisedFromAnotherKeepsItsBiases() {
        ModelSpec spec = Fixtures.spec(new Topology.SharedBottom(List.of(8)), Fixtures.mixedTasks(), OptimizerSpec.adam(0.01));
        Dl4jModel old = (Dl4jModel) Fixtures.compile(spec);
        old.parameterTensors().get("tower@ctr.out.b").assign(0.75);
        Dl4jModel m = (Dl4jModel) Fixtures.compile(spec);
        m.initFrom(old, false);
        m.step(Fixtures.batch(spec, 50, 3, 0));
        assertThat(m.parameterTensors().get("tower@ctr.out.b").getDouble(0)).isCloseTo(0.75, within(1e-7));
    }
}
