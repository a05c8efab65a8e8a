package org.mtl4j.api.backend;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mtl4j.api.Mtl4jVersion;

/**
 * Where a trained model came from (Tribuo's {@code ModelProvenance} in spirit): backend and library
 * versions, seed, the data it saw, when, and a summary of the training run.
 */
public record Provenance(String backend, String backendVersion, String mtl4jVersion, Map<String, String> libraries,
        long seed, String trainData, String validationData, String createdAt, Map<String, String> summary) {
    public Provenance {
        libraries = Map.copyOf(libraries == null ? Map.of() : libraries);
        summary = Map.copyOf(summary == null ? Map.of() : summary);
    }

    /**
     * A backend's provenance when it compiles a model: the mtl4j version from {@link Mtl4jVersion}
     * (never the backend's), the backend's libraries plus {@code java} and {@code mtl4j}, created now,
     * no data yet and an empty summary. Every backend builds its provenance here.
     */
    public static Provenance compiled(String backend, String backendVersion, Map<String, String> libraries, long seed) {
        Map<String, String> libs = new LinkedHashMap<>(libraries == null ? Map.of() : libraries);
        libs.putIfAbsent("java", System.getProperty("java.version"));
        libs.putIfAbsent("mtl4j", Mtl4jVersion.get());
        return new Provenance(backend, backendVersion, Mtl4jVersion.get(), libs, seed, null, null, Instant.now().toString(),
                Map.of());
    }

    /**
     * This provenance completed by a training run: its seed and data, a fresh time, and the summary
     * with {@code summary}'s entries added (they win over older ones). Backend and versions are
     * kept; the libraries gain {@code java} and {@code mtl4j} when the backend left them out.
     */
    public Provenance completed(long runSeed, String trainData, String validationData, Map<String, String> summary) {
        Map<String, String> s = new LinkedHashMap<>(this.summary);
        s.putAll(summary == null ? Map.of() : summary);
        Map<String, String> libs = new LinkedHashMap<>(libraries);
        libs.putIfAbsent("java", System.getProperty("java.version"));
        libs.putIfAbsent("mtl4j", Mtl4jVersion.get());
        return new Provenance(backend, backendVersion, mtl4jVersion, libs, runSeed, trainData, validationData,
                Instant.now().toString(), s);
    }
}
