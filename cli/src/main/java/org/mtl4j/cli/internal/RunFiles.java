package org.mtl4j.cli.internal;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mtl4j.api.internal.AtomicFiles;
import org.mtl4j.api.metric.Evaluation;
import org.mtl4j.api.train.TrainingHistory;

/**
 * The files of a run directory: {@value #MODEL}, {@value #METRICS}, {@value #HISTORY},
 * {@value #REPORT} and the {@value #CHECKPOINTS} directory. Every file is written atomically.
 */
public final class RunFiles {
    public static final String MODEL = "model.mtl";
    public static final String METRICS = "metrics.json";
    public static final String HISTORY = "history.json";
    public static final String REPORT = "report.html";
    public static final String CHECKPOINTS = "checkpoints";

    /** JSON with stable key order; NaN written as the string "NaN" (JSON has no NaN). */
    public static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .build();

    private RunFiles() {
    }

    /** The metrics document: what was evaluated on which data, and the MTL gain when a baseline was trained. */
    public static Map<String, Object> metricsDocument(String model, String data, Evaluation e,
            Map<String, Map<String, Double>> gain) {
        return metricsDocument(model, data, e, gain, null);
    }

    /** {@link #metricsDocument} with the run's history: which epoch's weights the model holds. */
    public static Map<String, Object> metricsDocument(String model, String data, Evaluation e,
            Map<String, Map<String, Double>> gain, TrainingHistory history) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("model", model);
        doc.put("data", data);
        if (history != null) {
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("epochsRun", history.epochs().size());
            run.put("modelEpoch", history.modelEpoch() + 1);
            run.put("restoredBest", history.restoredBest());
            run.put("model", history.modelEpochDescription());
            run.put("stopReason", history.stopReason());
            doc.put("training", run);
        }
        doc.put("metrics", e.metrics());
        doc.put("losses", e.losses());
        doc.put("rows", e.rows());
        if (gain != null && !gain.isEmpty()) {
            doc.put("mtlGain", gain);
        }
        return doc;
    }

    public static String json(Object value) throws IOException {
        return JSON.writeValueAsString(value) + "\n";
    }

    public static void writeJson(Path file, Object value) throws IOException {
        AtomicFiles.writeString(file, json(value));
    }

    public static void writeHistory(Path file, TrainingHistory h) throws IOException {
        writeJson(file, h);
    }

    /**
     * Prunes the checkpoints of a finished run: keeps {@code latest.ckpt} and the newest {@code keep}
     * {@code step-<n>.ckpt} and {@code epoch-<n>.ckpt} files, deletes the older ones.
     */
    public static void pruneCheckpoints(Path dir, int keep) throws IOException {
        if (!java.nio.file.Files.isDirectory(dir)) {
            return;
        }
        for (String prefix : java.util.List.of("step-", "epoch-")) {
            java.util.List<Path> files;
            try (java.util.stream.Stream<Path> s = java.nio.file.Files.list(dir)) {
                files = s.filter(p -> p.getFileName().toString().matches(prefix + "\\d+\\.ckpt"))
                        .sorted(java.util.Comparator.comparingLong((Path p) -> Long.parseLong(
                                p.getFileName().toString().substring(prefix.length()).replace(".ckpt", ""))).reversed())
                        .toList();
            }
            for (int i = keep; i < files.size(); i++) {
                java.nio.file.Files.deleteIfExists(files.get(i));
            }
        }
        // the state before the first step only matters while the run may still diverge
        java.nio.file.Files.deleteIfExists(dir.resolve("initial.ckpt"));
    }
}
