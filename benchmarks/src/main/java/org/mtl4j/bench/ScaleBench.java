package org.mtl4j.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mtl4j.api.backend.Backend;
import org.mtl4j.api.backend.TrainableModel;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.metric.Evaluation;
import org.mtl4j.api.spec.CategoricalInput;
import org.mtl4j.api.spec.DenseInput;
import org.mtl4j.api.spec.InputSpec;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.api.spec.TrainingSpec;
import org.mtl4j.api.spec.VocabularySpec;
import org.mtl4j.backend.dl4j.Dl4jBackend;
import org.mtl4j.backend.tribuo.TribuoBackend;
import org.mtl4j.bench.internal.PeakMemory;
import org.mtl4j.bench.internal.PreloadedDataset;
import org.mtl4j.data.CsvDataset;
import org.mtl4j.data.FunnelGenerator;
import org.mtl4j.tasks.LabelScaling;
import org.mtl4j.training.Evaluator;
import org.mtl4j.training.Trainer;

/**
 * The scale benchmark of issue 13 ({@code ./bench --parts scale}): one epoch of the funnel recipe
 * (embeddings user 16, item 16, category 8, 8 dense; shared-bottom [128, 64], towers [32]; batch
 * 512, Adam 1e-3) on a generated world of a given size, timed around the training loop only (the
 * vocabulary pass and the CSV parsing are not in it: the rows are preloaded as batches, as the PyTorch
 * peer holds its data in memory), then the test AUCs and the process's peak RSS. One run per JVM, so
 * the peak RSS is this run's.
 */
final class ScaleBench {
    private ScaleBench() {
    }

    /** The recipe's spec; vocabularies hold every id of the world. */
    static ModelSpec spec(int users, int items, String backend, long seed) {
        List<String> dense = new ArrayList<>();
        for (int j = 0; j < FunnelGenerator.Config.DEFAULT.denseFeatures(); j++) {
            dense.add("d" + j);
        }
        List<InputSpec> inputs = List.of(new CategoricalInput("user", "user_id", 16, VocabularySpec.built(Math.max(users, 1), 1), null),
                new CategoricalInput("item", "item_id", 16, VocabularySpec.built(Math.max(items, 1), 1), null),
                // the Tribuo FM has one factor width (it refuses unequal dims; it used the widest, 16, before)
                new CategoricalInput("category", "category", "tribuo".equals(backend) ? 16 : 8, null, null),
                new DenseInput("dense", dense, true));
        List<TaskSpec> tasks = List.of(TaskSpec.binary("ctr", "click").withTower(List.of(32)),
                TaskSpec.binary("ctcvr", "conversion").withTower(List.of(32)));
        ModelSpec spec = new ModelSpec("funnel-scale", inputs, tasks, new Topology.SharedBottom(List.of(128, 64)), null, null, null,
                OptimizerSpec.adam(1e-3), new TrainingSpec(1, 512, seed, 0.0, null, 0, 100_000), backend);
        // the FM has no hidden layers and refuses them (it ignored them before: the same model)
        return "tribuo".equals(backend) ? spec.withoutHiddenLayers() : spec;
    }

    /** Writes a funnel world's train and test CSVs (row seeds 2 x seed + 1 and + 2, as {@code mtl4j generate}). */
    static void world(int users, int items, long rows, long testRows, long seed, Path train, Path test) {
        FunnelGenerator.Config d = FunnelGenerator.Config.DEFAULT;
        FunnelGenerator.Config c = new FunnelGenerator.Config(seed, users, items, d.categories(), d.denseFeatures(), d.latentDim(),
                d.zipfExponent(), d.share(), d.affinityScale(), d.biasStd(), d.denseWeightStd(), d.targetCtr(), d.targetCvr(),
                d.calibrationRows());
        FunnelGenerator g = new FunnelGenerator(c);
        g.writeCsv(train, rows, seed * 2 + 1);
        g.writeCsv(test, testRows, seed * 2 + 2);
    }

    /**
     * One run; appends {@code backend users items rows rows_per_s peak_rss_mib ctr_auc ctcvr_auc seen_users seen_items
     * state_mib nominal_mib eval_rows_per_s} to {@code out} (the last: evaluation of the preloaded test rows, timed alone). {@code state_mib} is what the vocabularies and the compiled model occupy
     * (Java heap after a full GC, measured around building the datasets and around {@code compile}; the FM only:
     * ND4J holds dl4j's tensors in native memory, NaN there); {@code nominal_mib} is the yardstick
     * "parameters + optimiser state + vocabulary": the parameter count times the value size (4 bytes dl4j, 8 the
     * FM's doubles) times 3 (values and Adam's two moments) plus the measured vocabulary bytes. The peak RSS says more about the collector's sizing
     * of an 8 GB heap than about what the run needs.
     */
    static void run(String backendName, int users, int items, long seed, Path train, Path test, Path out) throws IOException {
        ModelSpec spec = spec(users, items, backendName, seed);
        long heap0 = liveHeap();
        CsvDataset trainDs = CsvDataset.builder(train, spec).build();
        CsvDataset testDs = CsvDataset.builder(test, spec).vocabularies(trainDs.vocabularies()).denseStats(trainDs.denseStats())
                .build();
        long vocabBytes = liveHeap() - heap0;
        // the peer holds its data in memory and gathers batches in its loop: preload (one shuffled pass) so
        // that the timed loop is the optimisation, not CSV parsing
        PreloadedDataset pre = PreloadedDataset.load(trainDs, spec.training().batchSize(), seed == 42L ? 7L : seed + 7L, false, 0);
        Backend backend = "tribuo".equals(backendName) ? new TribuoBackend() : new Dl4jBackend();
        // the runtime's label pass (MtlRuntime.train does it): the Tribuo FM starts its binary biases at the
        // training base rates recorded here; without it they start at 0 and the FM ranks frequent ids low
        Map<String, Dataset.DenseStats> stats = LabelScaling.withLabelStats(spec, trainDs, trainDs.denseStats());
        long heap1 = liveHeap();
        TrainableModel model = backend.compile(spec, trainDs.vocabularies(), stats);
        long modelBytes = liveHeap() - heap1;
        long t0 = System.nanoTime();
        Trainer.builder().build().fit(model, pre, null);
        double seconds = (System.nanoTime() - t0) / 1e9;
        // evaluation on preloaded test batches, timed alone (issue 13: evaluation keeps its speed at scale)
        PreloadedDataset preTest = PreloadedDataset.load(testDs, spec.training().batchSize(), 1L, false, 0);
        long e0 = System.nanoTime();
        Evaluation eval = Evaluator.evaluate(model, preTest);
        double evalRowsPerSecond = testDs.size() / ((System.nanoTime() - e0) / 1e9);
        double rss = PeakMemory.peakRssMiB();
        long params = model.parameterCounts().values().stream().mapToLong(Long::longValue).sum();
        double nominal = (params * ("tribuo".equals(backendName) ? 8.0 : 4.0) * 3 + vocabBytes) / MIB;
        String line = String.format(Locale.ROOT, "%s\t%d\t%d\t%d\t%.1f\t%.1f\t%.4f\t%.4f\t%d\t%d\t%.1f\t%.1f\t%.1f%n", backendName, users,
                items, trainDs.size(), trainDs.size() / seconds, rss, eval.metric("ctr", "auc"), eval.metric("ctcvr", "auc"),
                trainDs.vocabularies().get("user").size() - 2, trainDs.vocabularies().get("item").size() - 2,
                // ND4J keeps dl4j's tensors in native memory that no Java counter sees: its state is not measured
                "tribuo".equals(backendName) ? (vocabBytes + modelBytes) / MIB : Double.NaN, nominal, evalRowsPerSecond);
        System.out.print(line);
        Files.writeString(out, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static final double MIB = 1024.0 * 1024.0;

    /** Java heap in use after full collections (twice: finalisable objects of the first go in the second). */
    private static long liveHeap() {
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        mem.gc();
        mem.gc();
        return mem.getHeapMemoryUsage().getUsed();
    }
}
