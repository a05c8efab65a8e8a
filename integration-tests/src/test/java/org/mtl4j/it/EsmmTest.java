package org.mtl4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mtl4j.api.backend.Predictions;
import org.mtl4j.api.backend.TrainedModel;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.BatchStream;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.metric.MetricInput;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.TaskKind;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.TrainingSpec;
import org.mtl4j.data.CsvDataset;
import org.mtl4j.data.FunnelGenerator;
import org.mtl4j.dsl.MtlRuntime;
import org.mtl4j.tasks.Metrics;
import org.mtl4j.testkit.MtlExtension;

/**
 * Issue 4, evidence 3: ESMM (Ma et al., SIGIR 2018) on the funnel. ESMM learns pCTCVR = pCTR x pCVR on
 * the entire impression space; the baseline has separate CTR and CVR towers where the CVR tower only
 * sees clicked rows (the sample-selection bias ESMM removes) and pCTCVR is their product. ESMM's
 * pCTCVR AUC on all test rows is at least the baseline's; both pCVRs are also scored on the clicked
 * test rows and printed.
 */
class EsmmTest {

    @RegisterExtension
    static MtlExtension mtl = MtlExtension.withPlugins();

    /** Copies a funnel CSV adding {@code cvr_clicked}: the conversion label on clicked rows, empty elsewhere. */
    private static Path withClickedOnlyCvr(Path in) throws IOException {
        Path out = in.resolveSibling(in.getFileName() + ".cvr.csv");
        try (BufferedReader r = Files.newBufferedReader(in, StandardCharsets.UTF_8);
                BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            String header = r.readLine();
            List<String> cols = List.of(header.split(","));
            int click = cols.indexOf("click");
            int conv = cols.indexOf("conversion");
            w.write(header + ",cvr_clicked\n");
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String[] f = line.split(",", -1);
                w.write(line + "," + (f[click].equals("1") ? f[conv] : "") + "\n");
            }
        }
        return out;
    }

    /** Collected predictions and labels over a dataset. */
    private record Scored(float[] click, float[] conversion, float[] pCtcvr, float[] pCvr) {
    }

    private static Scored score(TrainedModel model, Dataset data, String ctcvrOut, String cvrOut, boolean product) {
        int n = 0;
        List<Batch> batches = new ArrayList<>();
        try (BatchStream s = data.batches(4096, false, 0)) {
            while (s.hasNext()) {
                batches.add(s.next());
            }
        }
        for (Batch b : batches) {
            n += b.size();
        }
        float[] click = new float[n];
        float[] conv = new float[n];
        float[] pCtcvr = new float[n];
        float[] pCvr = new float[n];
        int at = 0;
        for (Batch b : batches) {
            Predictions p = model.predict(b);
            float[] ctr = p.output("ctr");
            float[] cvr = p.output(cvrOut);
            for (int i = 0; i < b.size(); i++) {
                click[at + i] = b.labels("ctr")[i];
                conv[at + i] = b.extras().get("conversion")[i];
                pCvr[at + i] = cvr[i];
                pCtcvr[at + i] = product ? ctr[i] * cvr[i] : p.output(ctcvrOut)[i];
            }
            at += b.size();
        }
        return new Scored(click, conv, pCtcvr, pCvr);
    }

    private static double auc(float[] labels, float[] scores) {
        return Metrics.builtIn().get("auc").compute(new MetricInput(TaskKind.BINARY, 1, labels, scores, null, 0));
    }

    private static double aucOnClicked(Scored s) {
        int n = 0;
        for (float c : s.click()) {
            n += c == 1f ? 1 : 0;
        }
        float[] l = new float[n];
        float[] p = new float[n];
        int j = 0;
        for (int i = 0; i < s.click().length; i++) {
            if (s.click()[i] == 1f) {
                l[j] = s.conversion()[i];
                p[j++] = s.pCvr()[i];
            }
        }
        return auc(l, p);
    }

    @Test
    void esmmIsAtLeastAsGoodAsTheClickedOnlyCvrBaseline(MtlRuntime runtime) throws IOException {
        ModelSpec demo = FunnelGenerator.demoSpec();
        TrainingSpec training = new TrainingSpec(2, 256, 5L, 0.0, null, 0, 100_000);
        TaskSpec ctr = TaskSpec.binary("ctr", "click");
        TaskSpec ctcvr = new TaskSpec("ctcvr", TaskKind.BINARY, "conversion", 1, null, List.of(), 1, false, "ctr", List.of(8), 1);
        TaskSpec cvr = TaskSpec.binary("cvr", "cvr_clicked");
        ModelSpec esmm = runtime.check(demo.withTasks(List.of(ctr, ctcvr)).withTraining(training));
        ModelSpec baseline = runtime.check(demo.withTasks(List.of(ctr, cvr)).withTraining(training));

        Path trainCsv = withClickedOnlyCvr(mtl.funnelCsv(150_000, 21));
        Path testCsv = withClickedOnlyCvr(mtl.funnelCsv(30_000, 22));

        Dataset esmmTrain = CsvDataset.builder(trainCsv, esmm).build();
        Dataset esmmTest = CsvDataset.builder(testCsv, esmm).vocabularies(esmmTrain.vocabularies())
                .denseStats(esmmTrain.denseStats()).extras("conversion").build();
        Dataset baseTrain = CsvDataset.builder(trainCsv, baseline).build();
        Dataset baseTest = CsvDataset.builder(testCsv, baseline).vocabularies(baseTrain.vocabularies())
                .denseStats(baseTrain.denseStats()).extras("conversion").build();

        TrainedModel esmmModel = runtime.train(esmm, esmmTrain, null).model();
        TrainedModel baseModel = runtime.train(baseline, baseTrain, null).model();

        Scored e = score(esmmModel, esmmTest, "ctcvr", "ctcvr" + TaskSpec.CONDITIONAL_SUFFIX, false);
        Scored b = score(baseModel, baseTest, null, "cvr", true);
        double esmmCtcvr = auc(e.conversion(), e.pCtcvr());
        double baseCtcvr = auc(b.conversion(), b.pCtcvr());
        System.out.printf("ESMM pCTCVR AUC %.4f vs baseline %.4f; pCVR AUC on clicked rows: ESMM %.4f, baseline %.4f%n",
                esmmCtcvr, baseCtcvr, aucOnClicked(e), aucOnClicked(b));
        assertThat(esmmCtcvr).as("ESMM pCTCVR AUC vs baseline %.4f", baseCtcvr).isGreaterThanOrEqualTo(baseCtcvr);
        assertThat(aucOnClicked(e)).as("ESMM pCVR AUC on clicked rows").isGreaterThan(0.6);
    }
}
