package org.mtl4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.TrainingSpec;
import org.mtl4j.data.CsvDataset;
import org.mtl4j.data.FunnelGenerator;
import org.mtl4j.data.Vocabularies;
import org.mtl4j.dsl.junit.MtlExtension;
import org.mtl4j.training.TrainingResult;

/**
 * Continual training (issue 14): day-1 data from the funnel generator holds 80 % of the users and
 * items; day 2 brings new ones. Training day 2 from the day-1 model (vocabularies grown: old rows
 * kept, new rows initialised) beats training from scratch on day 2 for the same number of steps, on
 * both backends. For the Tribuo FM the test also checks the transfer exactly: before any day-2 step the
 * grown model predicts every row of known ids as the day-1 model does.
 *
 * <p>The FM's margin is smaller than DL4J's because an FM from scratch learns the dense terms in a few
 * dozen steps: on 6k day-2 rows it reaches 0.735 CTR AUC (DL4J: 0.40-0.56), against the day-1 FM's 0.745.
 * Measured (seeds as below): day-1 0.7450, day 2 from day 1 0.7462 (with optimiser state 0.7460), from
 * scratch 0.7352. Before the FM's binary biases started at the logit of the base rate (issue 14), the
 * day-1 FM itself ranked at 0.656 and the warm start at 0.663, below scratch (0.702): see
 * {@code TribuoFmModel.initialiseBinaryBiases}.
 */
class ContinualTrainingTest {
    @RegisterExtension
    static MtlExtension mtl = MtlExtension.withPlugins();

    private static final FunnelGenerator.Config WORLD = new FunnelGenerator.Config(3L, 1000, 400, 20, 8, 8, 0.8, 0.7, 2.0, 0.5, 0.3,
            0.10, 0.20, 200_000);

    @ParameterizedTest
    @ValueSource(strings = {"dl4j", "tribuo"})
    void dayTwoFromTheDayOneModelBeatsDayTwoFromScratch(String backend) throws IOException {
        Path dir = mtl.workDir().resolve("continual-" + backend);
        Files.createDirectories(dir);
        FunnelGenerator g = new FunnelGenerator(WORLD);
        Path day1 = only(g, dir.resolve("all1.csv"), 60_000, 1, dir.resolve("day1.csv"), 800, 320);
        Path day2 = dir.resolve("day2.csv");
        g.writeCsv(day2, 6_000, 2);
        Path test = dir.resolve("test.csv");
        g.writeCsv(test, 20_000, 3);
        ModelSpec demo = FunnelGenerator.demoSpec().withBackend(backend);
        boolean fm = backend.equals("tribuo");
        // the FM refuses the demo's bottom layer and towers; same inputs, tasks, optimiser and steps
        ModelSpec base = fm ? demo.withoutHiddenLayers() : demo;
        // the lift a warm start must show over scratch: half of what each backend measured (class javadoc)
        double margin = fm ? 0.005 : 0.02;
        ModelSpec spec = base.withTraining(new TrainingSpec(2, 256, 5L, 0.0, null, 0, 100_000));
        ModelSpec dayTwo = base.withTraining(new TrainingSpec(1, 256, 6L, 0.0, null, 0, 100_000));

        Dataset d1 = CsvDataset.builder(day1, spec).build();
        TrainingResult first = mtl.runtime().train(spec, d1, null);
        Path saved = dir.resolve("day1.mtl");
        first.model().save(saved);

        // day 2: the day-1 vocabularies grown by the ids of day 2
        Dataset fresh = CsvDataset.builder(day2, dayTwo).build();
        var old = mtl.runtime().load(saved);
        Map<String, Vocabulary> grown = Vocabularies.grow(old.vocabularies(), fresh.vocabularies());
        assertThat(grown.get("user").size()).isGreaterThan(old.vocabularies().get("user").size());
        assertThat(grown.get("user").tokens().subList(0, old.vocabularies().get("user").tokens().size()))
                .isEqualTo(old.vocabularies().get("user").tokens());
        Dataset d2 = CsvDataset.builder(day2, dayTwo).vocabularies(grown).build();
        TrainingResult warm = mtl.runtime().train(dayTwo, d2, null, b -> b.initFrom(old, false));
        TrainingResult cold = mtl.runtime().train(dayTwo, fresh, null);
        assertThat(warm.history().epochs().get(0).rows()).isEqualTo(cold.history().epochs().get(0).rows());

        double warmAuc = auc(warm, test);
        double coldAuc = auc(cold, test);
        double dayOneAuc = auc(first, test);
        System.out.printf("%s: ctr AUC on day-2 test rows: day-1 model %.4f, day 2 from day 1 %.4f, day 2 from scratch %.4f%n",
                backend, dayOneAuc, warmAuc, coldAuc);
        // 6k rows from scratch barely learn the user and item effects; the warm start keeps them
        assertThat(warmAuc).isGreaterThan(coldAuc + margin);
        // the warm model also learned the new users and items: at least as good as the day-1 model
        assertThat(warmAuc).isGreaterThan(dayOneAuc - 0.005);

        // with the optimiser state too
        TrainingResult warmOpt = mtl.runtime().train(dayTwo, d2, null, b -> b.initFrom(old, true));
        assertThat(auc(warmOpt, test)).isGreaterThan(coldAuc + margin);
        old.close();
    }

    @Test
    void theTribuoFmCarriesItsWeightsOverToAGrownVocabularyExactly() throws IOException {
        Path dir = mtl.workDir().resolve("continual-fm");
        Files.createDirectories(dir);
        FunnelGenerator g = new FunnelGenerator(WORLD);
        Path day1 = only(g, dir.resolve("all1.csv"), 20_000, 1, dir.resolve("day1.csv"), 800, 320);
        Path day2 = dir.resolve("day2.csv");
        g.writeCsv(day2, 6_000, 2);
        ModelSpec spec = FunnelGenerator.demoSpec().withBackend("tribuo").withoutHiddenLayers()
                .withTraining(new TrainingSpec(1, 256, 5L, 0.0, null, 0, 100_000));
        Dataset d1 = CsvDataset.builder(day1, spec).build();
        TrainingResult first = mtl.runtime().train(spec, d1, null);
        Dataset fresh = CsvDataset.builder(day2, spec).build();
        Map<String, Vocabulary> grown = Vocabularies.grow(first.model().vocabularies(), fresh.vocabularies());
        assertThat(grown.get("user").size()).isGreaterThan(first.model().vocabularies().get("user").size());
        for (boolean withOptimizer : new boolean[] {false, true}) {
            var m = mtl.runtime().backend("tribuo").compile(spec, grown, first.model().denseStats());
            m.initFrom(first.model(), withOptimizer);
            // rows of day-1 ids (the day-1 file itself): the same scores, feature by feature
            Dataset oldRows = CsvDataset.builder(day1, spec).vocabularies(first.model().vocabularies()).denseStats(Map.of()).build();
            Dataset sameRows = CsvDataset.builder(day1, spec).vocabularies(grown).denseStats(Map.of()).build();
            try (var a = oldRows.batches(1000, false, 0); var b = sameRows.batches(1000, false, 0)) {
                double maxDiff = 0;
                while (a.hasNext()) {
                    float[] x = first.model().predict(a.next()).output("ctr");
                    float[] y = m.predict(b.next()).output("ctr");
                    for (int i = 0; i < x.length; i++) {
                        maxDiff = Math.max(maxDiff, Math.abs(x[i] - y[i]));
                    }
                }
                assertThat(maxDiff).as("max |pCTR difference| with optimizer state %s", withOptimizer).isLessThan(1e-6);
            }
            assertThat(m.updates()).isEqualTo(withOptimizer ? first.model().updates() : 0);
        }
    }

    @Test
    void aModelOfAnotherBackendIsRefused() {
        ModelSpec spec = FunnelGenerator.demoSpec().withTraining(new TrainingSpec(1, 256, 5L, 0.0, null, 0, 100_000));
        ModelSpec tribuo = spec.withBackend("tribuo").withoutHiddenLayers();
        FunnelGenerator g = new FunnelGenerator(WORLD);
        Dataset d = org.mtl4j.data.InMemoryDataset.fromRows(spec, g.rows(500, 1));
        TrainingResult r = mtl.runtime().train(spec, d, null);
        assertThatThrownBy(() -> mtl.runtime().train(tribuo, d, null, b -> b.initFrom(r.model(), false)))
                .isInstanceOf(MtlException.class)
                .hasMessage("--init-from: the saved model was made by backend 'dl4j', this run trains with 'tribuo'");
    }

    private static double auc(TrainingResult r, Path test) {
        Dataset t = CsvDataset.builder(test, r.model().spec()).vocabularies(r.model().vocabularies()).denseStats(Map.of()).build();
        return mtl.runtime().evaluate(r.model(), t).metric("ctr", "auc");
    }

    /** Rows of users below {@code users} and items below {@code items} only. */
    private static Path only(FunnelGenerator g, Path all, long rows, long seed, Path out, int users, int items) throws IOException {
        g.writeCsv(all, rows, seed);
        List<String> lines = Files.readAllLines(all);
        List<String> kept = new ArrayList<>(List.of(lines.get(0)));
        for (String l : lines.subList(1, lines.size())) {
            String[] c = l.split(",", 3);
            if (Integer.parseInt(c[0]) < users && Integer.parseInt(c[1]) < items) {
                kept.add(l);
            }
        }
        return Files.write(out, kept);
    }
}
