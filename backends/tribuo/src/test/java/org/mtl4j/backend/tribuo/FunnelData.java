package org.mtl4j.backend.tribuo;

import java.nio.file.Files;
import java.nio.file.Path;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.metric.Evaluation;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.data.CachedDataset;
import org.mtl4j.data.CsvDataset;
import org.mtl4j.data.FunnelGenerator;

/**
 * The funnel generator's data (issue 2 recipe, default world): written once into target/test-data
 * (deterministic for given world seed, sizes and row seeds; the world seed is part of the file name so
 * a changed default never reuses stale files), with the oracle's metrics.
 */
final class FunnelData {
    static final Path DIR = Path.of("target", "test-data");

    private FunnelData() {
    }

    static synchronized Path csv(String name, long rows, long rowSeed) {
        Path p = DIR.resolve("funnel-w" + FunnelGenerator.Config.DEFAULT.seed() + "-" + name + "-" + rows + "-" + rowSeed + ".csv");
        if (!Files.isRegularFile(p)) {
            new FunnelGenerator().writeCsv(p, rows, rowSeed);
        }
        return p;
    }

    /** The training CSV read once into memory (the trainer then shuffles rows exactly, epoch by epoch). */
    static Dataset train(ModelSpec spec, Path csv) {
        return CachedDataset.of(CsvDataset.builder(csv, spec).build());
    }

    static Dataset test(ModelSpec spec, Path csv, Dataset train) {
        return CachedDataset.of(CsvDataset.builder(csv, spec).vocabularies(train.vocabularies())
                .denseStats(train.denseStats()).build());
    }

    static Evaluation oracle(Path csv) {
        return FunnelGenerator.oracle(csv);
    }
}
