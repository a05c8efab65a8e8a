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
import org.mtl4j.dsl.junit.MtlExtension;

/**
 * Issue 4, evidence 3: ESMM (Ma et al., SIGIR 2018) on the funnel. ESMM learns pCTCVR = pCTR x pCVR on
 * the entire impression space; the baseline has separate CTR and CVR towers where the CVR tower only
 * sees clicked rows (the sample-selection bias ESMM removes) and pCTCVR is their product. ESMM's
 * pCTCVR AUC on all test rows is at least the baseline's; both pCVRs are also scored on the clicked
 * test rows and, against the generator's true p_cvr (Spearman), on all, unclicked and clicked rows, and
 * printed. Measured: pCTCVR AUC 0.772 vs 0.767; pCVR AUC on clicked rows 0.726 vs 0.732; Spearman with
 * the true p_cvr on all rows 0.708 vs 0.731 (unclicked 0.709 vs 0.731). So this generator shows ESMM's
 * pCTCVR gain but not the paper's pCVR gain: its p_cvr has the same form on clicked and unclicked
 * impressions and the baseline shares the bottom with CTR, so the clicked-only CVR tower extrapolates
 * well; a world with click-dependent selection bias would be needed to show that part.
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
    private record Scored(float[] click, float[] conversion, float[] pCtcvr, float[] pCvr, float[] trueCvr) {
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
        float[] trueCvr = new float[n];
        int at = 0;
        for (Batch b : batches) {
            Predictions p = model.predict(b);
            float[] ctr = p.output("ctr");
            float[] cvr = p.output(cvrOut);
            for (int i = 0; i < b.size(); i++) {
                click[at + i] = b.labels("ctr")[i];
                conv[at + i] = b.extras().get("conversion")[i];
                trueCvr[at + i] = b.extras().get("p_cvr")[i];
                pCvr[at + i] = cvr[i];
                pCtcvr[at + i] = product ? ctr[i] * cvr[i] : p.output(ctcvrOut)[i];
            }
            at += b.size();
        }
        return new Scored(click, conv, pCtcvr, pCvr, trueCvr);
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

    /** Spearman rank correlation of predicted and true pCVR over the rows whose click is {@code clicked} (-1: all rows). */
    private static double spearman(Scored s, int clicked) {
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < s.click().length; i++) {
            if (clicked < 0 || s.click()[i] == clicked) {
                rows.add(i);
            }
        }
        double[] a = ranks(rows, s.pCvr());
        double[] t = ranks(rows, s.trueCvr());
        double ma = 0;
        double mt = 0;
        for (int i = 0; i < a.length; i++) {
            ma += a[i] / a.length;
            mt += t[i] / t.length;
        }
        double sat = 0;
        double saa = 0;
        double stt = 0;
        for (int i = 0; i < a.length; i++) {
            sat += (a[i] - ma) * (t[i] - mt);
            saa += (a[i] - ma) * (a[i] - ma);
            stt += (t[i] - mt) * (t[i] - mt);
        }
        return sat / Math.sqrt(saa * stt);
    }

    /** Ranks (ties: mean rank) of {@code v} over {@code rows}. */
    private static double[] ranks(List<Integer> rows, float[] v) {
        Integer[] order = new Integer[rows.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (x, y) -> Float.compare(v[rows.get(x)], v[rows.get(y)]));
        double[] r = new double[order.length];
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j + 1 < order.length && v[rows.get(order[j + 1])] == v[rows.get(order[i])]) {
                j++;
            }
            for (int k = i; k <= j; k++) {
                r[order[k]] = (i + j) / 2.0;
            }
            i = j + 1;
        }
        return r;
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
                .denseStats(esmmTrain.denseStats()).extras("conversion", "p_cvr").build();
        Dataset baseTrain = CsvDataset.builder(trainCsv, baseline).build();
        Dataset baseTest = CsvDataset.builder(testCsv, baseline).vocabularies(baseTrain.vocabularies())
                .denseStats(baseTrain.denseStats()).extras("conversion", "p_cvr").build();

        TrainedModel esmmModel = runtime.train(esmm, esmmTrain, null).model();
        TrainedModel baseModel = runtime.train(baseline, baseTrain, null).model();

        Scored e = score(esmmModel, esmmTest, "ctcvr", "ctcvr" + TaskSpec.CONDITIONAL_SUFFIX, false);
        Scored b = score(baseModel, baseTest, null, "cvr", true);
        double esmmCtcvr = auc(e.conversion(), e.pCtcvr());
        double baseCtcvr = auc(b.conversion(), b.pCtcvr());
        System.out.printf("ESMM pCTCVR AUC %.4f vs baseline %.4f; pCVR AUC on clicked rows: ESMM %.4f, baseline %.4f%n",
                esmmCtcvr, baseCtcvr, aucOnClicked(e), aucOnClicked(b));
        System.out.printf("pCVR vs the true p_cvr, Spearman: all rows ESMM %.4f baseline %.4f; unclicked ESMM %.4f baseline %.4f;"
                + " clicked ESMM %.4f baseline %.4f%n", spearman(e, -1), spearman(b, -1), spearman(e, 0), spearman(b, 0),
                spearman(e, 1), spearman(b, 1));
        assertThat(esmmCtcvr).as("ESMM pCTCVR AUC vs baseline %.4f", baseCtcvr).isGreaterThanOrEqualTo(baseCtcvr);
        assertThat(aucOnClicked(e)).as("ESMM pCVR AUC on clicked rows").isGreaterThan(0.6);
    }
}
