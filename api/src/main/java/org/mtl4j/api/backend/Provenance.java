package org.mtl4j.api.backend;

import java.util.Map;

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
}
