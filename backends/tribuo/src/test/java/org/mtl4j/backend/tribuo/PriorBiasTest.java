package org.mtl4j.backend.tribuo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.Topology;

/** The prior initialisation of a fresh FM's binary biases (Lin et al. 2017): once, from the first batch, plain binary tasks only. */
class PriorBiasTest {
    @Test
    void theFirstStepSetsEachPlainBinaryBiasToTheLogOddsOfItsLabelledRows() {
        TribuoFmModel m = new TribuoBackend().compile(Fixtures.spec(new Topology.SharedBottom(List.of(1)), Fixtures.allTasks(),
                OptimizerSpec.adam(0.01)), Fixtures.vocabularies(), java.util.Map.of());
        Batch batch = Fixtures.batch(40, 3);
        float[] click = batch.labels("ctr");
        float[] mask = batch.mask("ctr");
        int pos = 0;
        int n = 0;
        for (int r = 0; r < click.length; r++) {
            if (mask[r] > 0) {
                n++;
                pos += click[r] > 0 ? 1 : 0;
            }
        }
        assertThat(n).isEqualTo(39); // row 2 has no ctr label
        assertThat(pos).isBetween(1, n - 1);
        assertThat(m.network().bias(0)).containsExactly(0.0);

        m.step(batch);
        double pi = pos / (double) n;
        assertThat(m.network().bias(0)[0]).isCloseTo(Math.log(pi / (1 - pi)), within(1e-12));
        // ctcvr is chained after ctr (its probability is a product), rating a regression, genre multiclass: untouched
        assertThat(m.network().bias(1)).containsExactly(0.0);
        assertThat(m.network().bias(2)).containsExactly(0.0);
        assertThat(m.network().bias(3)).containsExactly(0.0, 0.0, 0.0);

        // once only: after an update, a later first-of-its-epoch batch does not reset the bias
        m.step(batch).backward(new double[] {1, 1, 1, 1});
        m.applyUpdate();
        double afterUpdate = m.network().bias(0)[0];
        assertThat(afterUpdate).isNotEqualTo(Math.log(pi / (1 - pi)));
        m.step(Fixtures.batch(40, 4));
        assertThat(m.network().bias(0)[0]).isEqualTo(afterUpdate);
    }

    @Test
    void aBatchOfOneClassClampsTheRateToHalfARow() {
        TribuoFmModel m = new TribuoBackend().compile(Fixtures.spec(new Topology.SharedBottom(List.of(1)),
                List.of(org.mtl4j.api.spec.TaskSpec.binary("ctcvr", "buy")), OptimizerSpec.adam(0.01)), Fixtures.vocabularies(),
                java.util.Map.of());
        Batch b = Fixtures.batch(10, 1);
        java.util.Arrays.fill(b.labels("ctcvr"), 0f);
        m.step(b);
        // pi = 0 of 10 -> 1/(2 * 10): b = log(0.05 / 0.95)
        assertThat(m.network().bias(0)[0]).isCloseTo(Math.log(0.05 / 0.95), within(1e-12));
    }
}
