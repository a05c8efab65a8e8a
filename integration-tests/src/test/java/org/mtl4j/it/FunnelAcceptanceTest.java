package org.mtl4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.metric.Evaluation;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.data.FunnelGenerator;
import org.mtl4j.dsl.MtlRuntime;
import org.mtl4j.dsl.junit.MtlExtension;
import org.mtl4j.training.TrainingResult;

/**
 * Issue 2's acceptance: shared-bottom trained with DL4J on 200k generated click -> conversion rows
 * (fixed seed) and evaluated on 20k others recovers a fixed share of the oracle's AUC lift:
 * (AUC - 0.5) &gt;= 0.75 (oracle AUC - 0.5) for click and &gt;= 0.65 (oracle - 0.5) for CTCVR. The oracle
 * scores rows with the generator's true probabilities, so no model can beat it in expectation.
 */
class FunnelAcceptanceTest {

    @RegisterExtension
    static MtlExtension mtl = MtlExtension.withPlugins();

    @Test
    void sharedBottomRecoversTheOraclesLift(MtlRuntime runtime) {
        ModelSpec spec = runtime.check(FunnelGenerator.demoSpec());
        Dataset train = mtl.funnel(spec, 200_000, 11);
        Dataset test = mtl.funnel(spec, 20_000, 12, train);
        TrainingResult result = runtime.train(spec, train, null);
        Evaluation eval = runtime.evaluate(result.model(), test);
        Evaluation oracle = FunnelGenerator.oracle(mtl.funnelCsv(20_000, 12));

        double ctr = eval.metric("ctr", "auc");
        double ctcvr = eval.metric("ctcvr", "auc");
        double oracleCtr = oracle.metric("ctr", "auc");
        double oracleCtcvr = oracle.metric("ctcvr", "auc");
        System.out.printf("funnel acceptance: ctr AUC %.4f (oracle %.4f, share of lift %.3f), ctcvr AUC %.4f (oracle %.4f, share %.3f)%n",
                ctr, oracleCtr, (ctr - 0.5) / (oracleCtr - 0.5), ctcvr, oracleCtcvr, (ctcvr - 0.5) / (oracleCtcvr - 0.5));
        assertThat(oracleCtr).as("oracle click AUC").isBetween(0.78, 0.88);
        assertThat(ctr - 0.5).as("click AUC lift").isGreaterThanOrEqualTo(0.75 * (oracleCtr - 0.5));
        assertThat(ctcvr - 0.5).as("CTCVR AUC lift").isGreaterThanOrEqualTo(0.65 * (oracleCtcvr - 0.5));
    }
}
